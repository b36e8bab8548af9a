package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A unit of background work. Rows are created by {@link JobService#enqueue}; status, progress and heartbeat are
 * written only by {@link JobClaims} (claiming, heart-beating and finishing) and by {@link JobService#cancel}.
 */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String type;

    @Enumerated(EnumType.STRING)
    public JobStatus status;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode payload;

    @Column(name = "progress_done")
    public long progressDone;

    @Column(name = "progress_total")
    public long progressTotal;

    @Column(name = "progress_errors")
    public long progressErrors;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode result;

    public String error;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    public int attempts;

    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /**
     * Set when a handler handed the job back ({@link JobContext#handBack}): until then only replicas that did not
     * hand it back may take it (docs/jobs.md, "Handing a job back").
     */
    @Column(name = "not_before")
    public Instant notBefore;

    /** The newest jobs, optionally of one type, newest first. */
    public static List<Job> listRecent(String type, int limit) {
        var query = type == null || type.isBlank()
                ? find("order by id desc")
                : find("type = ?1 order by id desc", type);
        return query.page(0, limit).list();
    }

    /**
     * A page of jobs newest first, optionally of one type: the {@code limit} newest with an id below
     * {@code before} ({@code null} = from the newest). A keyset read on the primary key (or {@code job_type_idx}),
     * so a page costs the same however many jobs there are.
     */
    public static List<Job> listBefore(String type, Long before, int limit) {
        boolean all = type == null || type.isBlank();
        long below = before == null ? Long.MAX_VALUE : before;
        var query = all ? find("id < ?1 order by id desc", below)
                : find("type = ?1 and id < ?2 order by id desc", type, below);
        return query.page(0, limit).list();
    }

    /** How many jobs there are (of one type, or all), and how many of those have an id of at least {@code from}. */
    public static long countOf(String type, long from) {
        return type == null || type.isBlank() ? count("id >= ?1", from) : count("type = ?1 and id >= ?2", type, from);
    }

    public boolean isFinished() {
        return status.isFinished();
    }

    /** Whether a page showing this job should keep polling for progress. */
    public boolean isActive() {
        return !status.isFinished();
    }

    /** Queued again by a handler that handed it back, and the replicas that did wait until {@link #notBefore}. */
    public boolean isHandedBack() {
        return status == JobStatus.QUEUED && notBefore != null && notBefore.isAfter(Instant.now());
    }

    /** The status as a CSS modifier, e.g. {@code running}. */
    public String statusClass() {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** The result as indented JSON for the job page; {@code null} when there is none. */
    public String resultText() {
        return result == null || result.isNull() ? null : result.toPrettyString();
    }

    /** Done share of the total as a whole percentage, 0 when the total is unknown. */
    public int percent() {
        return progressTotal <= 0 ? 0 : (int) Math.min(100, Math.round(100.0 * progressDone / progressTotal));
    }

    /** How long it ran (or has been running), e.g. {@code 1 min 05 s}; a dash before it started. */
    public String elapsed() {
        if (startedAt == null) {
            return "—";
        }
        var seconds = Duration.between(startedAt, finishedAt != null ? finishedAt : Instant.now()).toSeconds();
        seconds = Math.max(0, seconds);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format("%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format("%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
