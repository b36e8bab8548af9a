package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;

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
