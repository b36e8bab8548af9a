package dev.jury.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.sql.Timestamp;
import java.util.Collection;

/**
 * Appends run log lines to {@code job_log} as one JDBC batch inside the caller's transaction (the claim, a flush,
 * the final write): a busy run may log hundreds of lines a second.
 */
@ApplicationScoped
class JobLogWriter {

    @Inject
    EntityManager em;

    void insert(long jobId, Collection<RunningJob.Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (var insert = connection.prepareStatement(
                    "INSERT INTO job_log (job_id, level, message, at) VALUES (?, ?, ?, ?)")) {
                for (RunningJob.Line line : lines) {
                    insert.setLong(1, jobId);
                    insert.setString(2, line.level().name());
                    insert.setString(3, line.message());
                    insert.setTimestamp(4, Timestamp.from(line.at()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }
}
