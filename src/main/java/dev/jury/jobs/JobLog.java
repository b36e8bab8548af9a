package dev.jury.jobs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** One line of a job's run log, written by {@link JobLogWriter} from {@link JobContext#log}. Never changed. */
@Entity
@Immutable
@Table(name = "job_log")
public class JobLog extends PanacheEntityBase {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "job_id")
    public Long jobId;

    @Enumerated(EnumType.STRING)
    public Level level;

    public String message;

    public Instant at;

    /** The level as a CSS modifier, e.g. {@code warn}. */
    public String levelClass() {
        return level.name().toLowerCase(Locale.ROOT);
    }

    /** The last {@code limit} lines of a job's log, oldest first. */
    public static List<JobLog> tail(long jobId, int limit) {
        List<JobLog> newestFirst = find("jobId = ?1 order by id desc", jobId).page(0, limit).list();
        var lines = new ArrayList<>(newestFirst);
        Collections.reverse(lines);
        return lines;
    }

    public static long countFor(long jobId) {
        return count("jobId", jobId);
    }
}
