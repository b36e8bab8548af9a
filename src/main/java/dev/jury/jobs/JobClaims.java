package dev.jury.jobs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every statement this replica's workers run on a claimed {@code job} row: the claim ({@code FOR UPDATE SKIP
 * LOCKED}), the heartbeat with progress, the release at a shutdown, and the final write. Each method is one short
 * transaction of its own, and every write after the claim is guarded by {@code worker_id}, so a worker that lost its
 * job to a reclaim never writes it again. Enqueue and cancel are {@link JobService}'s. Times are the database's.
 */
@ApplicationScoped
class JobClaims {

    private static final Logger LOG = Logger.getLogger(JobClaims.class);

    /**
     * Claims the oldest job that is queued, or running on a worker that stopped heart-beating. SKIP LOCKED makes
     * concurrent claimers (threads here, other replicas) pass over each other's rows instead of waiting or taking
     * the same job; the candidate's previous worker is kept to tell a reclaim from a first start. A job this
     * replica handed back waits here until its {@code not_before}; other replicas may take it at once.
     */
    static final String CLAIM_SQL = """
            WITH candidate AS (
                SELECT id, worker_id AS previous_worker
                FROM job
                WHERE type IN (:types)
                  AND (status = 'QUEUED'
                       OR (status = 'RUNNING' AND heartbeat_at < now() - :timeoutSeconds * INTERVAL '1 second'))
                  AND (not_before IS NULL OR not_before <= now() OR declined_by IS NULL
                       OR NOT (:worker = ANY (declined_by)))
                ORDER BY id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE job j
            SET status = 'RUNNING', worker_id = :worker, heartbeat_at = now(),
                started_at = COALESCE(j.started_at, now()), attempts = j.attempts + 1
            FROM candidate c
            WHERE j.id = c.id
            RETURNING j.id, j.attempts, j.cancel_requested, c.previous_worker,
                      COALESCE(:worker = ANY (j.declined_by), false) AS handed_back_here
            """;

    /** Progress and heartbeat in one statement; no row back means another worker has taken the job over. */
    static final String HEARTBEAT_SQL = """
            UPDATE job
            SET progress_done = :done, progress_total = :total, progress_errors = :errors, heartbeat_at = now()
            WHERE id = :id AND worker_id = :worker AND status = 'RUNNING'
            RETURNING cancel_requested
            """;

    /** A run stopped by a shutdown was no crash: it does not count towards jury.jobs.max-attempts. */
    static final String RELEASE_SQL = """
            UPDATE job SET status = 'QUEUED', worker_id = NULL, attempts = GREATEST(attempts - 1, 0)
            WHERE id = :id AND worker_id = :worker AND status = 'RUNNING'
            """;

    @Inject
    EntityManager em;

    @Inject
    JobsConfig config;

    @Inject
    JobHandlers handlers;

    @Inject
    JobLogWriter log;

    @Inject
    JobMetrics metrics;

    private final String workerId = newWorkerId();

    /**
     * What one claim found: a job for the handler to run, or ({@code toRun} null) a job the claim itself ended
     * because its cancel had been requested or it ran out of attempts.
     */
    record Claim(RunningJob toRun) {
        boolean endedAtClaim() {
            return toRun == null;
        }
    }

    /** This replica's worker id as written to {@code job.worker_id}. */
    String workerId() {
        return workerId;
    }

    /** Claims the next job of a type this replica handles; {@code null} when there is none. */
    Claim claimNext() {
        if (handlers.isEmpty()) {
            return null;
        }
        return QuarkusTransaction.requiringNew().call(this::claim);
    }

    @SuppressWarnings("unchecked")
    private Claim claim() {
        List<Object[]> rows = em.createNativeQuery(CLAIM_SQL)
                .setParameter("types", handlers.types())
                .setParameter("timeoutSeconds", config.heartbeatTimeout().toMillis() / 1000.0)
                .setParameter("worker", workerId)
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.get(0);
        long id = ((Number) row[0]).longValue();
        int attempt = ((Number) row[1]).intValue();
        boolean cancel = Boolean.TRUE.equals(row[2]);
        String previousWorker = (String) row[3];
        boolean handedBackHere = Boolean.TRUE.equals(row[4]);

        Job job = em.find(Job.class, id);
        boolean reclaimed = previousWorker != null;
        // Released at a shutdown (no worker, attempts given back) or reclaimed after a crash: the handler resumes.
        boolean resumed = reclaimed || attempt > 1 || job.progressDone + job.progressErrors > 0;
        if (reclaimed) {
            log.insert(id, List.of(line(JobLog.Level.WARN, "Worker " + previousWorker + " stopped responding; "
                    + "resumed by " + workerId + " (attempt " + attempt + ").")));
        } else if (resumed) {
            log.insert(id, List.of(line(JobLog.Level.INFO, "Resumed on worker " + workerId
                    + " (attempt " + attempt + ").")));
        }
        if (cancel) {
            endWithoutHandler(job, JobStatus.CANCELLED, "Cancelled before it could be resumed.");
            return new Claim(null);
        }
        if (attempt > config.maxAttempts()) {
            endWithoutHandler(job, JobStatus.FAILED, "The job was started " + (attempt - 1) + " times and its "
                    + "worker stopped responding each time (jury.jobs.max-attempts = " + config.maxAttempts()
                    + "); not retrying.");
            return new Claim(null);
        }
        metrics.started(job.type, resumed);
        return new Claim(new RunningJob(id, job.type, job.payload, attempt, resumed, handedBackHere,
                new RunningJob.Progress(job.progressDone, job.progressTotal, job.progressErrors)));
    }

    /**
     * Ends a claimed job that will not run again: the only place the runner ends a job its handler did not finish,
     * so the only caller of {@link JobHandler#ended}, in the same transaction as the job's end.
     */
    private void endWithoutHandler(Job job, JobStatus status, String reason) {
        job.status = status;
        job.error = status == JobStatus.FAILED ? reason : null;
        job.finishedAt = Instant.now();
        log.insert(job.id, List.of(line(status == JobStatus.FAILED ? JobLog.Level.ERROR : JobLog.Level.INFO,
                reason)));
        metrics.finished(job.type, status);
        JobHandler handler = handlers.forType(job.type);
        if (handler != null) {
            handler.ended(job.id, job.payload, status, reason);
        }
    }

    /**
     * Writes a running job's log lines, progress and heartbeat in one transaction.
     *
     * @return whether a cancel is requested in the database, or {@code null} when the row is no longer this
     * worker's (another worker reclaimed it, or the final write got there first)
     */
    Boolean heartbeat(long id, RunningJob.Progress progress, List<RunningJob.Line> lines) {
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> {
            log.insert(id, lines);
            return em.createNativeQuery(HEARTBEAT_SQL)
                    .setParameter("done", progress.done())
                    .setParameter("total", progress.total())
                    .setParameter("errors", progress.errors())
                    .setParameter("id", id)
                    .setParameter("worker", workerId)
                    .getResultList();
        });
        return rows.isEmpty() ? null : Boolean.TRUE.equals(rows.get(0));
    }

    /**
     * Records how a run ended after its handler returned or threw: SUCCEEDED, CANCELLED (a cancel was requested) or
     * FAILED, with the last log lines, progress and result. The handler has done its own bookkeeping already, so
     * {@link JobHandler#ended} is not called.
     *
     * @return the status written, or {@code null} when the row is no longer this worker's to finish
     */
    JobStatus finish(RunningJob job, Throwable failure) {
        return QuarkusTransaction.requiringNew().call(() -> {
            log.insert(job.id, job.drainLines());
            Job row = em.find(Job.class, job.id, LockModeType.PESSIMISTIC_WRITE);
            if (row == null || row.status != JobStatus.RUNNING || !workerId.equals(row.workerId)) {
                LOG.warnf("Job %d is no longer ours to finish (now %s on %s)", job.id,
                        row == null ? "gone" : row.status, row == null ? "-" : row.workerId);
                return null;
            }
            var progress = job.progress();
            row.progressDone = progress.done();
            row.progressTotal = progress.total();
            row.progressErrors = progress.errors();
            if (job.result() != null) {
                row.result = job.result();
            }
            row.finishedAt = Instant.now();
            row.heartbeatAt = row.finishedAt;
            if (failure == null) {
                row.status = row.cancelRequested ? JobStatus.CANCELLED : JobStatus.SUCCEEDED;
                log.insert(job.id, List.of(line(JobLog.Level.INFO,
                        row.status == JobStatus.CANCELLED ? "Cancelled." : "Finished.")));
            } else if (row.cancelRequested) {
                row.status = JobStatus.CANCELLED;
                log.insert(job.id, List.of(line(JobLog.Level.INFO, "Cancelled (" + describe(failure) + ").")));
            } else {
                row.status = JobStatus.FAILED;
                row.error = describe(failure);
                log.insert(job.id, List.of(line(JobLog.Level.ERROR, "Failed: " + row.error)));
            }
            return row.status;
        });
    }

    /**
     * A job its handler handed back ({@link JobContext#handBack}): queued again without counting the attempt, this
     * replica's worker id added to {@code declined_by} so that only other replicas take it before {@code not_before}.
     */
    static final String HAND_BACK_SQL = """
            UPDATE job
            SET status = 'QUEUED', worker_id = NULL, attempts = GREATEST(attempts - 1, 0),
                not_before = now() + :delaySeconds * INTERVAL '1 second',
                declined_by = CASE WHEN :worker = ANY (declined_by) THEN declined_by
                                   ELSE array_append(declined_by, CAST(:worker AS text)) END
            WHERE id = :id AND worker_id = :worker AND status = 'RUNNING'
            """;

    /** Gives a job stopped by this replica's shutdown back to the queue, attempt included. */
    void release(RunningJob job) {
        QuarkusTransaction.requiringNew().run(() -> {
            log.insert(job.id, job.drainLines());
            int released = em.createNativeQuery(RELEASE_SQL).setParameter("id", job.id)
                    .setParameter("worker", workerId).executeUpdate();
            if (released == 1) {
                log.insert(job.id, List.of(line(JobLog.Level.WARN,
                        "Worker " + workerId + " shut down; the job is queued again and resumes elsewhere.")));
            }
        });
    }

    /** Queues a job its handler handed back; other replicas may take it at once, this one after the delay. */
    void handBack(RunningJob job, java.time.Duration delay) {
        QuarkusTransaction.requiringNew().run(() -> {
            log.insert(job.id, job.drainLines());
            em.createNativeQuery(HAND_BACK_SQL).setParameter("id", job.id).setParameter("worker", workerId)
                    .setParameter("delaySeconds", delay.toMillis() / 1000.0).executeUpdate();
        });
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        // Unexpected JDK exceptions say little without their type; our own exceptions carry full sentences.
        return failure.getClass().getName().startsWith("java.") ? failure.getClass().getSimpleName() + ": " + message
                : message;
    }

    private static RunningJob.Line line(JobLog.Level level, String message) {
        return new RunningJob.Line(level, message, Instant.now());
    }

    private static String newWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        if (host.length() > 60) {
            host = host.substring(0, 60);
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
