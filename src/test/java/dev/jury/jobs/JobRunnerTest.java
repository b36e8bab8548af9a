package dev.jury.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job lifecycle against real PostgreSQL and the application's own workers. */
@QuarkusTest
class JobRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JobService jobs;

    @Inject
    JobRunner runner;

    @Inject
    CountingJobHandler counting;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobsConfig config;

    @Inject
    HandingBackJobHandler handingBack;

    @Inject
    jakarta.persistence.EntityManager em;

    private long enqueueCount(int count, long sleepMillis) throws Exception {
        return jobs.enqueue("test-count", JSON.readTree("{\"count\":" + count + ",\"sleep_ms\":" + sleepMillis + "}"),
                count, "admin");
    }

    private String logOf(long id) {
        return jobs.logTail(id, 500).stream().map(l -> l.level + " " + l.message).collect(Collectors.joining("\n"));
    }

    @Test
    void enqueuedJobRunsToSuccessWithProgressAndResult() throws Exception {
        long id = enqueueCount(5, 0);

        Job job = JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        assertEquals(5, job.progressDone);
        assertEquals(5, job.progressTotal);
        assertEquals(0, job.progressErrors);
        assertEquals(1, job.attempts);
        assertEquals(runner.workerId(), job.workerId);
        assertNotNull(job.startedAt);
        assertNotNull(job.finishedAt);
        assertTrue(!job.finishedAt.isBefore(job.startedAt));
        assertNull(job.error);
        assertEquals(5, job.result.get("counted").asInt());
        assertFalse(job.result.get("resumed").asBoolean());
        assertEquals("admin", job.createdBy);
        String log = logOf(id);
        assertTrue(log.contains("Started on worker"), log);
        assertTrue(log.contains("Counted 5 items"), log);
        assertTrue(log.contains("INFO Finished."), log);
    }

    @Test
    void failingHandlerFailsTheJobKeepingErrorLogAndPartialResult() {
        long id = jobs.enqueue("test-fail", null, 10, "admin");

        Job job = JobAwait.status(jobs, id, JobStatus.FAILED);

        assertEquals("IllegalStateException: The disk is on fire", job.error);
        assertEquals(2, job.progressDone);
        assertEquals(1, job.progressErrors);
        assertTrue(job.result.get("partial").asBoolean());
        assertNotNull(job.finishedAt);
        String log = logOf(id);
        assertTrue(log.contains("INFO Working on it."), log);
        assertTrue(log.contains("ERROR Failed: IllegalStateException: The disk is on fire"), log);
    }

    @Test
    void cancellingARunningJobStopsItPromptly() throws Exception {
        long id = enqueueCount(100_000, 5);
        JobAwait.until(jobs, id, Duration.ofSeconds(10), j -> j.progressDone > 0, "running with progress");

        long asked = System.nanoTime();
        Job requested = jobs.cancel(id, "admin");
        assertEquals(JobStatus.RUNNING, requested.status);
        assertTrue(requested.cancelRequested);
        Job job = JobAwait.status(jobs, id, JobStatus.CANCELLED);
        long tookMillis = (System.nanoTime() - asked) / 1_000_000;

        assertTrue(tookMillis < 2000, "cancel took " + tookMillis + " ms");
        assertTrue(job.progressDone < 100_000);
        assertNotNull(job.finishedAt);
        String log = logOf(id);
        assertTrue(log.contains("Cancel requested by admin."), log);
        assertTrue(log.contains("cancel requested"), log);
        assertTrue(log.contains("INFO Cancelled."), log);
        var again = assertThrows(dev.jury.web.ProblemException.class, () -> jobs.cancel(id, "admin"));
        assertEquals(409, again.status());
    }

    @Test
    void queuedJobIsCancelledAtOnceAndTypesWithoutHandlerAreLeftAlone() throws Exception {
        long id = insertJob("test-nobody-runs-this", "QUEUED", null, null, 0, 0, "{}");
        Thread.sleep(500); // several poll intervals: no worker may claim a type it has no handler for
        assertEquals(JobStatus.QUEUED, JobAwait.fresh(jobs, id).status);

        Job job = jobs.cancel(id, "admin");

        assertEquals(JobStatus.CANCELLED, job.status);
        assertEquals(JobStatus.CANCELLED, JobAwait.fresh(jobs, id).status);
        assertTrue(logOf(id).contains("Cancelled by admin before it started."));
    }

    @Test
    void orphanedRunningJobIsReclaimedAndResumedSkippingDoneWork() throws Exception {
        long id = insertJob("test-count", "RUNNING", "dead-host/4242/deadbeef", "now() - interval '10 minutes'", 1, 2,
                "{\"count\":4}");
        counting.markDone(id, 0); // the dead worker had finished two items
        counting.markDone(id, 1);

        Job job = JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        assertEquals(2, job.attempts);
        assertEquals(runner.workerId(), job.workerId);
        assertEquals(4, job.progressDone, "2 done before the crash + 2 after the resume");
        assertEquals(2, job.result.get("skipped").asInt());
        assertEquals(2, job.result.get("attempt").asInt());
        assertTrue(job.result.get("resumed").asBoolean());
        assertEquals(1, counting.runsOf(id));
        assertTrue(logOf(id).contains("Worker dead-host/4242/deadbeef stopped responding; resumed by"), logOf(id));
    }

    @Test
    void jobWhoseWorkersKeepDyingIsFailedInsteadOfRetriedForever() throws Exception {
        long id = insertJob("test-count", "RUNNING", "dead-host/1/cafe", "now() - interval '10 minutes'", 3, 0,
                "{\"count\":1}");

        Job job = JobAwait.status(jobs, id, JobStatus.FAILED);

        assertTrue(job.error.contains("jury.jobs.max-attempts"), job.error);
        assertEquals(0, counting.runsOf(id), "the handler must not run again");
    }

    /**
     * JobHandler.ended is for ends no run of the handler saw: a dead worker's job that ran out of attempts, or whose
     * cancel arrived while no worker was alive. A run that returned (succeeded, or stopped on a cancel) is not
     * reported again.
     */
    @Test
    void theHandlerIsToldOfAnEndOnlyWhenNoRunOfItFinishedTheJob() throws Exception {
        long succeeded = enqueueCount(2, 0);
        long stopped = enqueueCount(100_000, 5);
        long outOfAttempts = insertJob("test-count", "RUNNING", "dead-host/2/cafe", "now() - interval '10 minutes'",
                3, 0, "{\"count\":1}");
        // Fresh heartbeat first, so no worker claims it before the cancel is recorded; then its worker "dies".
        long cancelledWhileDead = insertJob("test-count", "RUNNING", "dead-host/3/cafe", "now()", 1, 0,
                "{\"count\":1}");
        jobs.cancel(cancelledWhileDead, "admin");
        try (var connection = dataSource.getConnection(); var age = connection.prepareStatement(
                "UPDATE job SET heartbeat_at = now() - interval '10 minutes' WHERE id = ?")) {
            age.setLong(1, cancelledWhileDead);
            age.executeUpdate();
        }
        JobAwait.until(jobs, stopped, Duration.ofSeconds(10), j -> j.progressDone > 0, "running with progress");
        jobs.cancel(stopped, "admin");

        JobAwait.status(jobs, succeeded, JobStatus.SUCCEEDED);
        JobAwait.status(jobs, stopped, JobStatus.CANCELLED);
        assertEquals(JobStatus.FAILED, JobAwait.status(jobs, outOfAttempts, JobStatus.FAILED).status);
        Job cancelled = JobAwait.status(jobs, cancelledWhileDead, JobStatus.CANCELLED);

        assertEquals(List.of(), counting.endsOf(succeeded), "a run that returned finished the job itself");
        assertEquals(List.of(), counting.endsOf(stopped), "a run that stopped on a cancel finished the job itself");
        assertEquals(List.of(JobStatus.FAILED), counting.endsOf(outOfAttempts));
        assertEquals(List.of(JobStatus.CANCELLED), counting.endsOf(cancelledWhileDead));
        assertEquals(0, counting.runsOf(outOfAttempts));
        assertEquals(0, counting.runsOf(cancelledWhileDead));
        assertTrue(logOf(cancelled.id).contains("Cancelled before it could be resumed."), logOf(cancelled.id));
    }

    @Test
    void runningJobWithAFreshHeartbeatIsNotTakenOver() throws Exception {
        long id = insertJob("test-count", "RUNNING", "alive-host/1/beef", "now()", 1, 0, "{\"count\":1}");
        Thread.sleep(800);

        Job job = JobAwait.fresh(jobs, id);
        assertEquals(JobStatus.RUNNING, job.status);
        assertEquals("alive-host/1/beef", job.workerId);
        assertEquals(0, counting.runsOf(id));
        jobs.cancel(id, "admin"); // leave nothing claimable behind (it is reclaimed as cancelled after the timeout)
    }

    /**
     * Issue 12: the claim uses the configured timeout, so the reclaim time is the documented one (docs/jobs.md): a
     * heartbeat one second older than the timeout is taken at the next poll, one a few seconds younger is left alone.
     */
    @Test
    void aHeartbeatJustOlderThanTheTimeoutIsReclaimedAndAYoungerOneIsNot() throws Exception {
        long timeoutMillis = config.heartbeatTimeout().toMillis();
        assertTrue(timeoutMillis >= 6_000, "the test needs a timeout of some seconds, got " + config.heartbeatTimeout());
        long stale = insertJob("test-count", "RUNNING", "killed-host/1/dead", "now() - interval '"
                + (timeoutMillis + 1_000) + " milliseconds'", 1, 0, "{\"count\":1}");
        long alive = insertJob("test-count", "RUNNING", "paused-host/1/beef", "now() - interval '"
                + (timeoutMillis - 5_000) + " milliseconds'", 1, 0, "{\"count\":1}");
        try {
            Job reclaimed = JobAwait.status(jobs, stale, JobStatus.SUCCEEDED);
            assertEquals(2, reclaimed.attempts);
            assertEquals(runner.workerId(), reclaimed.workerId);
            Job untouched = JobAwait.fresh(jobs, alive);
            assertEquals(JobStatus.RUNNING, untouched.status);
            assertEquals("paused-host/1/beef", untouched.workerId);
            assertEquals(0, counting.runsOf(alive));
        } finally {
            try (var connection = dataSource.getConnection(); var end = connection.prepareStatement(
                    "UPDATE job SET status = 'CANCELLED', finished_at = now() WHERE id = ? AND status = 'RUNNING'")) {
                end.setLong(1, alive); // a made-up row: leave nothing claimable behind
                end.executeUpdate();
            }
        }
    }

    @Test
    void fiftyJobsOnSeveralWorkersRunExactlyOnceEach() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(enqueueCount(2, i % 3));
        }

        for (long id : ids) {
            JobAwait.status(jobs, id, JobStatus.SUCCEEDED);
        }

        int executions = 0;
        for (long id : ids) {
            int runs = counting.runsOf(id);
            assertEquals(1, runs, "job " + id + " ran " + runs + " times");
            executions += runs;
        }
        assertEquals(50, executions);
        assertTrue(ids.stream().map(id -> JobAwait.fresh(jobs, id).workerId).distinct().count() == 1,
                "one replica here; its threads share one worker id");
    }

    @Test
    void metricsCountJobsByTypeAndStatus() throws Exception {
        long id = enqueueCount(1, 0);
        JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        String metrics = io.restassured.RestAssured.given().auth().oauth2(dev.jury.testenv.Tokens.forService()).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_jobs_finished_total{")
                && l.contains("status=\"SUCCEEDED\"") && l.contains("type=\"test-count\"")), "finished counter");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_jobs_duration_seconds_count{")
                && l.contains("type=\"test-count\"")), "duration timer");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_jobs_current{")
                && l.contains("status=\"QUEUED\"") && l.contains("type=\"test-count\"")), "current gauge");
        assertTrue(metrics.contains("jury_jobs_running_local"), "local running gauge");
    }

    /**
     * A handler that hands its job back (a judge run's helper on a replica that already works the run): the job is
     * queued again without counting an attempt, another replica's worker may claim it at once, this replica's only
     * after the delay — when its handler runs again and, here, finishes. The reason is logged once.
     */
    @Test
    void aHandedBackJobGoesToOtherReplicasAtOnceAndComesBackHereAfterItsDelay() throws Exception {
        long id = jobs.enqueue("test-hand-back", JSON.readTree("{\"times\": 2, \"retry_ms\": 2500}"), 0, "admin");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (handingBack.runsOf(id) < 1 || JobAwait.fresh(jobs, id).status != JobStatus.QUEUED) {
            assertTrue(System.nanoTime() < deadline, "the job was never handed back");
            Thread.sleep(20);
        }
        Job queued = JobAwait.fresh(jobs, id);
        assertNull(queued.workerId);
        assertEquals(0, queued.attempts, "a hand-back is no attempt");

        // Within the 2.5 s: the claim statement finds the job for a worker of another replica, not for this one
        // (both claims are rolled back, so the job stays queued for the runner).
        assertEquals(List.of(), claimAs(runner.workerId()), "this replica waits");
        List<Long> other = claimAs("other-host/1/feedbeef");
        assertEquals(List.of(id), other, "another replica takes it at once");
        assertEquals(1, handingBack.runsOf(id), "not run again here before its delay");

        Job job = JobAwait.status(jobs, id, JobStatus.SUCCEEDED);
        assertEquals(3, handingBack.runsOf(id), "handed back twice, then finished here");
        assertEquals(1, job.attempts);
        assertTrue(job.result.get("handed_back_here").asBoolean(), job.result.toString());
        String log = logOf(id);
        assertEquals(1, log.split("Better done elsewhere", -1).length - 1, "the reason once: " + log);
        assertEquals(1, log.split("Started on worker", -1).length - 1, "one start line: " + log);
        assertTrue(log.contains("INFO Finished."), log);
    }

    /** The ids CLAIM_SQL would hand a worker with this id now, in a transaction that is rolled back. */
    @SuppressWarnings("unchecked")
    private List<Long> claimAs(String worker) {
        List<Long> ids = new ArrayList<>();
        try {
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                List<Object[]> rows = em.createNativeQuery(JobClaims.CLAIM_SQL)
                        .setParameter("types", List.of("test-hand-back"))
                        .setParameter("timeoutSeconds", 3600.0)
                        .setParameter("worker", worker)
                        .getResultList();
                rows.forEach(r -> ids.add(((Number) r[0]).longValue()));
                throw new RolledBack();
            });
        } catch (RolledBack expected) {
            // the claim is undone
        }
        return ids;
    }

    private static final class RolledBack extends RuntimeException {
    }

    @Test
    void unknownJobTypeIsAProgrammingError() {
        var e = assertThrows(IllegalArgumentException.class, () -> jobs.enqueue("no-such-type", null, 0, "admin"));
        assertTrue(e.getMessage().contains("test-count"), e.getMessage());
    }

    @Test
    void unknownJobIs404() {
        var e = assertThrows(dev.jury.web.ProblemException.class, () -> jobs.get(987_654_321L));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("987654321"));
    }

    /** A row as another replica would have left it. */
    private long insertJob(String type, String status, String worker, String heartbeatSql, int attempts, long done,
                           String payload) throws SQLException {
        String heartbeat = heartbeatSql == null ? "NULL" : heartbeatSql;
        String started = "RUNNING".equals(status) ? "now() - interval '11 minutes'" : "NULL";
        try (var connection = dataSource.getConnection();
             var insert = connection.prepareStatement("INSERT INTO job (type, status, payload, progress_done, "
                     + "progress_total, attempts, worker_id, heartbeat_at, created_by, started_at) VALUES "
                     + "(?, ?, ?::jsonb, ?, 4, ?, ?, " + heartbeat + ", 'admin', " + started + ") RETURNING id")) {
            insert.setString(1, type);
            insert.setString(2, status);
            insert.setString(3, payload);
            insert.setLong(4, done);
            insert.setInt(5, attempts);
            insert.setString(6, worker);
            try (var rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
