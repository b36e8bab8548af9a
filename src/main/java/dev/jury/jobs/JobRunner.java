package dev.jury.jobs;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The replica's job workers: {@code jury.jobs.workers} threads that claim a job ({@link JobClaims}), run its
 * {@link JobHandler} with a request context, and have the outcome recorded; while it runs, {@link ProgressFlusher}
 * writes its progress, log lines and heartbeat. Any number of replicas share the {@code job} table; a job whose
 * worker stopped heart-beating is reclaimed by another worker (docs/jobs.md). Work never runs on a request thread.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    @Inject
    JobsConfig config;

    @Inject
    JobHandlers handlers;

    @Inject
    JobClaims claims;

    @Inject
    JobMetrics metrics;

    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final Object wakeLock = new Object();
    private long wakeGeneration;
    private volatile boolean accepting;
    private ProgressFlusher flusher;

    void start(@Observes StartupEvent event) {
        metrics.registerGauges(running);
        flusher = new ProgressFlusher(claims, metrics, handlers, config, running.values());
        flusher.start();

        accepting = true;
        for (int i = 1; i <= config.workers(); i++) {
            Thread worker = new Thread(this::workLoop, "jury-job-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        LOG.infof("Job runner %s started: %d workers, handlers %s", workerId(), config.workers(), handlers.types());
    }

    /**
     * Stops claiming, gives running jobs {@code jury.jobs.shutdown-grace} to finish, then interrupts them. A job
     * whose handler has returned after that is released to the queue; one that is still stuck keeps its row, its
     * heartbeat stops, and another replica reclaims it after {@code jury.jobs.heartbeat-timeout}.
     */
    void stop(@Observes ShutdownEvent event) {
        accepting = false;
        wake();
        joinWorkers(System.nanoTime() + config.shutdownGrace().toNanos());
        if (!running.isEmpty()) {
            for (RunningJob job : running.values()) {
                LOG.infof("Shutting down: job %d (%s) will be resumed by another worker", job.id, job.type);
                job.markAbandoned();
                Thread thread = job.thread;
                if (thread != null) {
                    thread.interrupt();
                }
            }
            joinWorkers(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        }
        if (flusher != null) {
            flusher.stop();
        }
    }

    /** Wakes idle workers once the enqueuing transaction has committed (the job is visible then). */
    void onEnqueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobService.JobEnqueued event) {
        wake();
    }

    /** A cancel made in this replica reaches the handler at once; other replicas see it at their next flush. */
    void onCancelRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobService.CancelRequested event) {
        RunningJob job = running.get(event.id());
        if (job != null) {
            job.requestCancel();
        }
    }

    /** This replica's worker id as written to {@code job.worker_id}. */
    public String workerId() {
        return claims.workerId();
    }

    // ---- workers --------------------------------------------------------------------------------------------

    private void workLoop() {
        while (accepting) {
            long generation;
            synchronized (wakeLock) {
                generation = wakeGeneration;
            }
            boolean claimedOne;
            try {
                claimedOne = claimAndRun();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Job worker %s could not claim a job; trying again later", workerId());
                claimedOne = false;
            }
            if (!claimedOne) {
                awaitWork(generation);
            }
        }
    }

    private void awaitWork(long generationSeen) {
        synchronized (wakeLock) {
            if (accepting && wakeGeneration == generationSeen) {
                try {
                    wakeLock.wait(Math.max(1, config.pollInterval().toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    accepting = false;
                }
            }
        }
    }

    private void wake() {
        synchronized (wakeLock) {
            wakeGeneration++;
            wakeLock.notifyAll();
        }
    }

    /** @return whether a job was claimed (run, or ended at the claim), so the worker should look again at once */
    private boolean claimAndRun() {
        JobClaims.Claim claim = claims.claimNext();
        if (claim == null) {
            return false;
        }
        if (!claim.endedAtClaim()) {
            execute(claim.toRun());
        }
        return true;
    }

    private void execute(RunningJob job) {
        JobHandler handler = handlers.forType(job.type);
        job.thread = Thread.currentThread();
        running.put(job.id, job);
        if (!job.resumed && !job.handedBackHere) {
            job.info("Started on worker " + workerId() + ".");
        }
        Throwable failure = null;
        var requestContext = Arc.container().requestContext();
        requestContext.activate();
        try {
            handler.run(job);
        } catch (Throwable t) {
            failure = t;
        } finally {
            requestContext.terminate();
            job.thread = null;
            job.markFinishing();
            Thread.interrupted(); // an interrupt meant for the handler must not break the final write
        }
        try {
            if (job.isAbandoned()) {
                claims.release(job);
            } else if (job.hasLostOwnership()) {
                LOG.warnf("Job %d (%s) was taken over by another worker while it ran here; its outcome here is "
                        + "discarded", job.id, job.type);
            } else if (failure == null && job.handBackDelay() != null && !job.isCancelRequested()) {
                claims.handBack(job, job.handBackDelay());
                metrics.handedBack(job.type);
            } else {
                recordOutcome(job, failure);
            }
        } catch (RuntimeException e) {
            // The row stays RUNNING; its heartbeat stops and another worker resumes it (handlers are resumable).
            LOG.errorf(e, "Could not record the outcome of job %d (%s); it will be resumed after its heartbeat "
                    + "expires", job.id, job.type);
        } finally {
            running.remove(job.id);
        }
    }

    private void recordOutcome(RunningJob job, Throwable failure) {
        JobStatus status = claims.finish(job, failure);
        if (status == JobStatus.FAILED) {
            LOG.errorf(failure, "Job %d (%s) failed", job.id, job.type);
        }
        if (status != null) {
            metrics.finished(job.type, status, System.nanoTime() - job.startedNanos);
        }
    }

    private void joinWorkers(long deadlineNanos) {
        for (Thread worker : workers) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
