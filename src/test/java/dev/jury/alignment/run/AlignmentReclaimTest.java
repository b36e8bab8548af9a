package dev.jury.alignment.run;

import dev.jury.jobs.JobStatus;
import dev.jury.jobs.JobsConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, "restart both during an alignment run → it resumes or fails cleanly, never stuck in RUNNING". A run whose
 * workers all died is reclaimed once its heartbeat is stale; when the runner then ends the job without running the
 * handler (out of attempts after repeated crashes, or cancelled while no worker was alive), the alignment run ends
 * with it, with the reason in its error and log. (The resume itself: {@code AlignmentEndToEndTest
 * .aRunWhoseWorkerDiedIsReclaimedAndRunsAgainOnTheSameSplit}.)
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AlignmentReclaimTest {

    @Inject
    JobsConfig config;

    @Test
    void aRunWhoseWorkerDiedTooOftenFailsWithTheReasonInsteadOfStayingRunning() throws Exception {
        var data = new AlignmentTestData("openai-compatible");
        long[] ids = crashedRun(data, config.maxAttempts(), false);

        AlignmentRun run = awaitRunEnded(ids[1]);
        assertEquals(JobStatus.FAILED, run.status);
        assertTrue(run.error.contains("max-attempts"), run.error);
        assertEquals("Failed; no version was created.", run.outcome);
        assertNotNull(run.finishedAt);
        assertNull(run.resultVersionId);
        assertEquals("FAILED", text("SELECT status FROM job WHERE id = ?1", ids[0]));
        assertTrue(text("SELECT string_agg(message, ' | ') FROM job_log WHERE job_id = ?1", ids[0])
                .contains("not retrying"), "the job's log, which is the run's log, says why");
    }

    @Test
    void aRunCancelledWhileItsWorkerWasDeadEndsCancelled() throws Exception {
        var data = new AlignmentTestData("openai-compatible");
        long[] ids = crashedRun(data, 1, true);

        AlignmentRun run = awaitRunEnded(ids[1]);
        assertEquals(JobStatus.CANCELLED, run.status);
        assertNull(run.error);
        assertNotNull(run.finishedAt);
        assertEquals("CANCELLED", text("SELECT status FROM job WHERE id = ?1", ids[0]));
    }

    /**
     * An alignment run and its job as the replicas left them when they were all killed: RUNNING, heartbeat ten
     * minutes old, {@code attempts} attempts made. Returns {job id, run id}.
     */
    private static long[] crashedRun(AlignmentTestData data, int attempts, boolean cancelRequested) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var em = Panache.getEntityManager();
            long job = ((Number) em.createNativeQuery("""
                    INSERT INTO job (type, status, payload, progress_done, progress_total, attempts, worker_id,
                                     heartbeat_at, created_by, started_at, cancel_requested)
                    VALUES ('alignment', 'RUNNING', '{}'::jsonb, 1, 5, ?1, 'killed-host/1/dead',
                            now() - interval '10 minutes', 'admin', now() - interval '11 minutes', ?2) RETURNING id""")
                    .setParameter(1, attempts).setParameter(2, cancelRequested).getSingleResult()).longValue();
            long run = ((Number) em.createNativeQuery("""
                    INSERT INTO alignment_run (experiment_id, judge_id, base_version_id, optimizer, seed,
                                               heldout_fraction, status, data_set, job_id, created_by)
                    SELECT j.experiment_id, j.id, v.id, 'simba', 7, 0.2, 'RUNNING',
                           '{"train": [], "heldout": []}'::jsonb, ?1, 'admin'
                      FROM judge j JOIN experiment e ON e.id = j.experiment_id
                      JOIN judge_version v ON v.judge_id = j.id AND v.version = 1
                     WHERE e.name = ?2 AND j.name = 'policy' RETURNING id""")
                    .setParameter(1, job).setParameter(2, data.experiment).getSingleResult()).longValue();
            em.createNativeQuery("UPDATE job SET payload = jsonb_build_object('alignment_run_id', ?1) WHERE id = ?2")
                    .setParameter(1, run).setParameter(2, job).executeUpdate();
            return new long[] {job, run};
        });
    }

    private static AlignmentRun awaitRunEnded(long runId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            AlignmentRun run = QuarkusTransaction.requiringNew().call(() -> AlignmentRun.<AlignmentRun>findById(runId));
            if (run.status.isFinished()) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("alignment run " + runId + " still not ended 30 s after its job was reclaimed");
    }

    private static String text(String sql, long id) {
        return QuarkusTransaction.requiringNew().call(() -> String.valueOf(Panache.getEntityManager()
                .createNativeQuery(sql).setParameter(1, id).getSingleResult()));
    }
}
