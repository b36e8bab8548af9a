package dev.jury.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs queued jobs: {@code jury.jobs.workers} threads claim jobs with {@code SELECT … FOR UPDATE SKIP LOCKED}, run
 * their {@link JobHandler}, and record the outcome; a scheduler thread flushes progress and log lines and writes the
 * heartbeat. Any number of replicas share the {@code job} table; a job whose worker stopped heart-beating is
 * reclaimed by another worker (docs/jobs.md). Work never runs on a request thread.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    /**
     * Claims the oldest job that is queued, or running on a worker that stopped heart-beating. SKIP LOCKED makes
     * concurrent claimers (threads here, other replicas) pass over each other's rows instead of waiting or taking
     * the same job; the candidate's previous worker is kept to tell a reclaim from a first start.
     */
    static final String CLAIM_SQL = """
            WITH candidate AS (
                SELECT id, worker_id AS previous_worker
                FROM job
                WHERE type IN (:types)
                  AND (status = 'QUEUED'
                       OR (status = 'RUNNING' AND heartbeat_at < now() - :timeoutSeconds * INTERVAL '1 second'))
                ORDER BY id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE job j
            SET status = 'RUNNING', worker_id = :worker, heartbeat_at = now(),
                started_at = COALESCE(j.started_at, now()), attempts = j.attempts + 1
            FROM candidate c
            WHERE j.id = c.id
            RETURNING j.id, j.attempts, j.cancel_requested, c.previous_worker
            """;

    /** Progress and heartbeat in one statement; no row back means another worker has taken the job over. */
    static final String FLUSH_SQL = """
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
    JobsConfig config;

    @Inject
    Instance<JobHandler> handlerBeans;

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry registry;

    private final String workerId = newWorkerId();
    private final Map<String, JobHandler> handlers = new TreeMap<>();
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final Object wakeLock = new Object();
    private long wakeGeneration;
    private volatile boolean accepting;
    private ScheduledExecutorService flusher;
    private MultiGauge currentJobs;
    private long lastGaugeRefreshNanos;

    /** Handlers are known from construction, so other startup code may already enqueue. */
    @PostConstruct
    void discoverHandlers() {
        for (JobHandler handler : handlerBeans) {
            JobHandler previous = handlers.putIfAbsent(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("Two JobHandler beans handle job type '" + handler.type() + "': "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    void start(@Observes StartupEvent event) {
        Gauge.builder("jury.jobs.running.local", running, Map::size)
                .description("Jobs running in this replica").register(registry);
        currentJobs = MultiGauge.builder("jury.jobs.current")
                .description("Queued and running jobs in the database, by type and status").register(registry);

        flusher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "jury-job-flusher"));
        long interval = config.progressInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::flushAll, interval, interval, TimeUnit.MILLISECONDS);

        accepting = true;
        for (int i = 1; i <= config.workers(); i++) {
            Thread worker = new Thread(this::workLoop, "jury-job-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        LOG.infof("Job runner %s started: %d workers, handlers %s", workerId, config.workers(), handlers.keySet());
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
            flusher.shutdown();
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    boolean handles(String type) {
        return type != null && handlers.containsKey(type);
    }

    Set<String> types() {
        return new TreeSet<>(handlers.keySet());
    }

    /** This replica's worker id as written to {@code job.worker_id}. */
    public String workerId() {
        return workerId;
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
                LOG.warnf(e, "Job worker %s could not claim a job; trying again later", workerId);
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

    /** @return whether a job was claimed (run or settled), so the worker should look again at once */
    private boolean claimAndRun() {
        if (handlers.isEmpty()) {
            return false;
        }
        RunningJob job = QuarkusTransaction.requiringNew().call(this::claim);
        if (job == null) {
            return false;
        }
        if (job != SETTLED) {
            execute(job);
        }
        return true;
    }

    /** Marker for a claimed job that was finished during the claim (cancelled, or too many attempts). */
    private static final RunningJob SETTLED = new RunningJob(-1, "", null, 0, false,
            new RunningJob.Progress(0, 0, 0));

    @SuppressWarnings("unchecked")
    private RunningJob claim() {
        List<Object[]> rows = em.createNativeQuery(CLAIM_SQL)
                .setParameter("types", handlers.keySet())
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

        Job job = em.find(Job.class, id);
        boolean reclaimed = previousWorker != null;
        // Released at a shutdown (no worker, attempts given back) or reclaimed after a crash: the handler resumes.
        boolean resumed = reclaimed || attempt > 1 || job.progressDone + job.progressErrors > 0;
        if (reclaimed) {
            insertLines(id, List.of(new RunningJob.Line(JobLog.Level.WARN, "Worker " + previousWorker
                    + " stopped responding; resumed by " + workerId + " (attempt " + attempt + ").", Instant.now())));
        } else if (resumed) {
            insertLines(id, List.of(new RunningJob.Line(JobLog.Level.INFO, "Resumed on worker " + workerId
                    + " (attempt " + attempt + ").", Instant.now())));
        }
        if (cancel) {
            settle(job, JobStatus.CANCELLED, null, "Cancelled before it could be resumed.");
            return SETTLED;
        }
        if (attempt > config.maxAttempts()) {
            settle(job, JobStatus.FAILED, "The job was started " + (attempt - 1) + " times and its worker stopped "
                    + "responding each time (jury.jobs.max-attempts = " + config.maxAttempts() + "); not retrying.",
                    null);
            return SETTLED;
        }
        counter("jury.jobs.started", Tags.of("type", job.type, "resumed", String.valueOf(resumed))).increment();
        return new RunningJob(id, job.type, job.payload, attempt, resumed,
                new RunningJob.Progress(job.progressDone, job.progressTotal, job.progressErrors));
    }

    private void settle(Job job, JobStatus status, String error, String message) {
        job.status = status;
        job.error = error;
        job.finishedAt = Instant.now();
        insertLines(job.id, List.of(new RunningJob.Line(status == JobStatus.FAILED ? JobLog.Level.ERROR
                : JobLog.Level.INFO, message != null ? message : error, Instant.now())));
        counter("jury.jobs.finished", Tags.of("type", job.type, "status", status.name())).increment();
        JobHandler handler = handlers.get(job.type);
        if (handler != null) {
            handler.ended(job.id, job.payload, status, message != null ? message : error);
        }
    }

    private void execute(RunningJob job) {
        JobHandler handler = handlers.get(job.type);
        job.thread = Thread.currentThread();
        running.put(job.id, job);
        if (!job.resumed) {
            job.info("Started on worker " + workerId + ".");
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
                release(job);
            } else if (job.hasLostOwnership()) {
                LOG.warnf("Job %d (%s) was taken over by another worker while it ran here; its outcome here is "
                        + "discarded", job.id, job.type);
            } else {
                finish(job, failure);
            }
        } catch (RuntimeException e) {
            // The row stays RUNNING; its heartbeat stops and another worker resumes it (handlers are resumable).
            LOG.errorf(e, "Could not record the outcome of job %d (%s); it will be resumed after its heartbeat "
                    + "expires", job.id, job.type);
        } finally {
            running.remove(job.id);
        }
    }

    private void finish(RunningJob job, Throwable failure) {
        JobStatus status = QuarkusTransaction.requiringNew().call(() -> {
            writeLines(job);
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
                insertLines(job.id, List.of(new RunningJob.Line(JobLog.Level.INFO,
                        row.status == JobStatus.CANCELLED ? "Cancelled." : "Finished.", Instant.now())));
            } else if (row.cancelRequested) {
                row.status = JobStatus.CANCELLED;
                insertLines(job.id, List.of(new RunningJob.Line(JobLog.Level.INFO,
                        "Cancelled (" + describe(failure) + ").", Instant.now())));
            } else {
                row.status = JobStatus.FAILED;
                row.error = describe(failure);
                insertLines(job.id, List.of(new RunningJob.Line(JobLog.Level.ERROR, "Failed: " + row.error,
                        Instant.now())));
            }
            return row.status;
        });
        if (status == JobStatus.FAILED) {
            LOG.errorf(failure, "Job %d (%s) failed", job.id, job.type);
        }
        if (status != null) {
            Tags tags = Tags.of("type", job.type, "status", status.name());
            counter("jury.jobs.finished", tags).increment();
            Timer.builder("jury.jobs.duration").description("Run time of jobs, by type and outcome").tags(tags)
                    .register(registry).record(System.nanoTime() - job.startedNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void release(RunningJob job) {
        QuarkusTransaction.requiringNew().run(() -> {
            writeLines(job);
            int released = em.createNativeQuery(RELEASE_SQL).setParameter("id", job.id)
                    .setParameter("worker", workerId).executeUpdate();
            if (released == 1) {
                insertLines(job.id, List.of(new RunningJob.Line(JobLog.Level.WARN,
                        "Worker " + workerId + " shut down; the job is queued again and resumes elsewhere.",
                        Instant.now())));
            }
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

    // ---- flushing progress, log lines and heartbeats ----------------------------------------------------------

    private void flushAll() {
        long heartbeatNanos = config.heartbeatInterval().toNanos();
        for (RunningJob job : running.values()) {
            if (job.isFinishing() || !job.needsWrite(heartbeatNanos)) {
                continue;
            }
            try {
                flush(job);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not write progress of job %d; will try again", job.id);
            }
        }
        refreshGauges(heartbeatNanos);
    }

    private void flush(RunningJob job) {
        var lines = job.drainLines();
        var progress = job.progress();
        try {
            List<?> rows = QuarkusTransaction.requiringNew().call(() -> {
                insertLines(job.id, lines);
                return em.createNativeQuery(FLUSH_SQL)
                        .setParameter("done", progress.done())
                        .setParameter("total", progress.total())
                        .setParameter("errors", progress.errors())
                        .setParameter("id", job.id)
                        .setParameter("worker", workerId)
                        .getResultList();
            });
            if (rows.isEmpty() && job.isFinishing()) {
                return; // the final write got there first
            }
            if (rows.isEmpty()) {
                LOG.warnf("Job %d was taken over by another worker (this worker's heartbeat lapsed); stopping it "
                        + "here", job.id);
                job.markLostOwnership();
            } else {
                job.written(Boolean.TRUE.equals(rows.get(0)));
            }
        } catch (RuntimeException e) {
            job.restore(lines);
            throw e;
        }
    }

    private void writeLines(RunningJob job) {
        insertLines(job.id, job.drainLines());
    }

    /** Batch insert inside the current transaction: a busy run may log hundreds of lines a second. */
    private void insertLines(long jobId, Collection<RunningJob.Line> lines) {
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

    @SuppressWarnings("unchecked")
    private void refreshGauges(long intervalNanos) {
        if (System.nanoTime() - lastGaugeRefreshNanos < intervalNanos && lastGaugeRefreshNanos != 0) {
            return;
        }
        lastGaugeRefreshNanos = System.nanoTime();
        try {
            List<Object[]> counts = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "SELECT type, status, count(*) FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY type, status")
                    .getResultList());
            Map<List<String>, Long> byTypeAndStatus = new TreeMap<>((a, b) -> String.join("/", a)
                    .compareTo(String.join("/", b)));
            for (String type : handlers.keySet()) {
                byTypeAndStatus.put(List.of(type, "QUEUED"), 0L);
                byTypeAndStatus.put(List.of(type, "RUNNING"), 0L);
            }
            for (Object[] row : counts) {
                byTypeAndStatus.put(List.of((String) row[0], (String) row[1]), ((Number) row[2]).longValue());
            }
            currentJobs.register(byTypeAndStatus.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("type", e.getKey().get(0), "status", e.getKey().get(1)),
                            e.getValue()))
                    .toList(), true);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not refresh job gauges");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Counter counter(String name, Tags tags) {
        return Counter.builder(name).tags(tags).register(registry);
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

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
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
