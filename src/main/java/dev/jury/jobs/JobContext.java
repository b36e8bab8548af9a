package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * What a running {@link JobHandler} sees of its job. Thread-safe: a handler may report progress and log from
 * several threads. Progress and log lines are buffered and written by the runner about once a second, so calling
 * these methods per item is cheap.
 */
public interface JobContext {

    long jobId();

    /** The payload given to {@link JobService#enqueue}; never {@code null} (an empty object when none was given). */
    JsonNode payload();

    /** 1 on the first run; higher when the job was reclaimed after its worker died. */
    int attempt();

    /**
     * Whether an earlier run of this job got somewhere (its worker died, or its replica shut down and released it):
     * the handler must skip what is already done. Handlers check done work on every run anyway; this is for logging.
     */
    boolean isResumed();

    /**
     * Gives the job back to the queue instead of ending it, when another replica's worker would do it better (a
     * judge run's helper on a replica that already works the run). The handler returns right after the call. The
     * job is queued again without counting an attempt: workers of other replicas may claim it at once, this
     * replica's only after {@code retryAfter} — so on a lone replica the job comes back, and its handler decides
     * again (it must end the job eventually). Ignored when the handler throws or a cancel was requested: the job
     * then ends as usual.
     */
    void handBack(Duration retryAfter);

    /** Whether this replica handed the job back before ({@link #handBack}): a handler logs its reason once. */
    boolean isHandedBackHere();

    /** Sets the absolute progress. */
    void progress(long done, long total, long errors);

    /** Adds to the progress: {@code doneDelta} items finished, of which {@code errorDelta} failed. */
    void increment(long doneDelta, long errorDelta);

    void log(JobLog.Level level, String message);

    default void info(String message) {
        log(JobLog.Level.INFO, message);
    }

    default void warn(String message) {
        log(JobLog.Level.WARN, message);
    }

    default void debug(String message) {
        log(JobLog.Level.DEBUG, message);
    }

    /**
     * Whether someone asked to cancel this job. Cheap: a cached flag, set at once by a cancel in this replica and
     * refreshed from the database with each progress flush and heartbeat for a cancel made through another replica.
     */
    boolean isCancelRequested();

    /** The job's result, stored when the job finishes (also when it fails, so partial results are kept). */
    void result(JsonNode result);
}
