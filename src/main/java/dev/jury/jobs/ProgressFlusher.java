package dev.jury.jobs;

import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The replica's one scheduler thread that writes what handlers reported in memory: every
 * {@code jury.jobs.progress-interval} each running job's new log lines and progress go out in one transaction
 * ({@link JobClaims#heartbeat}), and a job with nothing new still gets its heartbeat every
 * {@code jury.jobs.heartbeat-interval}. The same write brings back a cancel made through another replica, and finds
 * out when another worker has taken the job over. Being a thread of its own, it keeps the heartbeat of a handler
 * blocked in a long LLM call. Owned by {@link JobRunner}, which hands it the jobs running here.
 */
final class ProgressFlusher {

    private static final Logger LOG = Logger.getLogger(ProgressFlusher.class);

    private final JobClaims claims;
    private final JobMetrics metrics;
    private final JobHandlers handlers;
    private final JobsConfig config;
    private final Collection<RunningJob> running;
    private ScheduledExecutorService scheduler;

    ProgressFlusher(JobClaims claims, JobMetrics metrics, JobHandlers handlers, JobsConfig config,
                    Collection<RunningJob> running) {
        this.claims = claims;
        this.metrics = metrics;
        this.handlers = handlers;
        this.config = config;
        this.running = running;
    }

    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "jury-job-flusher");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.progressInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushAll() {
        long heartbeatNanos = config.heartbeatInterval().toNanos();
        for (RunningJob job : running) {
            if (job.isFinishing() || !job.needsWrite(heartbeatNanos)) {
                continue;
            }
            try {
                flush(job);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not write progress of job %d; will try again", job.id);
            }
        }
        metrics.refreshCurrent(handlers.types(), heartbeatNanos);
    }

    private void flush(RunningJob job) {
        var lines = job.drainLines();
        var progress = job.progress();
        Boolean cancelRequested;
        try {
            cancelRequested = claims.heartbeat(job.id, progress, lines);
        } catch (RuntimeException e) {
            job.restore(lines);
            throw e;
        }
        if (cancelRequested != null) {
            job.written(cancelRequested);
        } else if (!job.isFinishing()) { // when finishing, the final write got there first
            LOG.warnf("Job %d was taken over by another worker (this worker's heartbeat lapsed); stopping it here",
                    job.id);
            job.markLostOwnership();
        }
    }
}
