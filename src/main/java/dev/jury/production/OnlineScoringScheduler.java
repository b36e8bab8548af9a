package dev.jury.production;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jury.jobs.JobService;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps online scoring going. Every {@code jury.online-scoring.check-interval}, in every replica: for each judge
 * with scoring on, look for new traces ({@link ScoringQueue#discover}) and, when sampled traces wait and no
 * scoring job of that judge is queued or running, enqueue one ({@link OnlineScoringHandler}). So the work lives in
 * ordinary jobs (claimed once, heart-beating, reclaimed after a crash, visible on /jobs), each of which ends when
 * idle or after its time slice instead of holding a job worker forever, and nothing is lost across restarts: the
 * settings, the cursor and every sampled trace are rows in PostgreSQL.
 */
@ApplicationScoped
public class OnlineScoringScheduler {

    private static final Logger LOG = Logger.getLogger(OnlineScoringScheduler.class);

    @Inject
    ScoringQueue queue;

    @Inject
    JobService jobs;

    @Inject
    OnlineScoringConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Scheduled(every = "${jury.online-scoring.check-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            for (long configId : enabled()) {
                queue.discover(configId);
                ensureJob(configId);
            }
        } catch (RuntimeException | SQLException e) {
            LOG.warnf(e, "Online scoring check failed; trying again in %s", config.checkInterval());
        }
    }

    private List<Long> enabled() throws SQLException {
        var ids = new ArrayList<Long>();
        try (Connection c = dataSource.getConnection();
             var s = c.prepareStatement("SELECT id FROM online_scoring WHERE enabled ORDER BY id");
             var rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /**
     * Enqueues a scoring job for the config when it is on, traces wait, and its last job has ended (a failed one
     * at least {@code retry-after-failure} ago). Under the config's row lock (skipped when another replica holds
     * it), so replicas never start two jobs for one judge.
     *
     * @return the new job's id, or null when none was needed
     */
    public Long ensureJob(long configId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (var s = c.prepareStatement("""
                        SELECT j.status IN ('QUEUED', 'RUNNING')
                                   OR (j.status = 'FAILED' AND j.finished_at > now() - ? * INTERVAL '1 millisecond'),
                               EXISTS (SELECT 1 FROM online_scoring_item i
                                        WHERE i.config_id = s.id AND i.status IN ('PENDING', 'CLAIMED'))
                          FROM online_scoring s LEFT JOIN job j ON j.id = s.job_id
                         WHERE s.id = ? AND s.enabled
                           FOR UPDATE OF s SKIP LOCKED""")) {
                    s.setLong(1, config.retryAfterFailure().toMillis());
                    s.setLong(2, configId);
                    try (var rs = s.executeQuery()) {
                        if (!rs.next() || rs.getBoolean(1) || !rs.getBoolean(2)) {
                            return null;
                        }
                    }
                }
                long job = jobs.enqueue(OnlineScoringHandler.TYPE,
                        JsonNodeFactory.instance.objectNode().put("config_id", configId), 0, "online-scoring");
                try (var s = c.prepareStatement("UPDATE online_scoring SET job_id = ? WHERE id = ?")) {
                    s.setLong(1, job);
                    s.setLong(2, configId);
                    s.executeUpdate();
                }
                return job;
            }
        });
    }
}
