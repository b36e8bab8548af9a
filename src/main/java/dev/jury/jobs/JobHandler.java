package dev.jury.jobs;

/**
 * The work behind one job type, discovered as a CDI bean (any scope; {@code @ApplicationScoped} is usual).
 * <p>
 * Contract (docs/jobs.md): {@link #run} is called on a background worker thread with a request context active and
 * no transaction; it may run <b>again</b> for the same job after a crash or a restart (the job is reclaimed when its
 * heartbeat expires), so it must skip work that is already done — a judge run checks "assessment already exists"
 * before calling the model. It should check {@link JobContext#isCancelRequested()} between items and return early.
 * Returning normally marks the job SUCCEEDED (or CANCELLED if a cancel was requested); throwing marks it FAILED
 * with the exception's message, keeping the log.
 */
public interface JobHandler {

    /** The job type this handler runs, e.g. {@code judge-run}; unique across handlers. */
    String type();

    void run(JobContext context) throws Exception;

    /**
     * The runner ended a job of this type that no run of this handler finished: a job reclaimed from a dead worker
     * whose cancel had been requested meanwhile ({@code CANCELLED}), or one whose worker died more than
     * {@code jury.jobs.max-attempts} times ({@code FAILED}). Called inside the transaction that records the job's
     * end, so a handler that keeps a status of its own (an alignment run) ends it together with the job and never
     * leaves it {@code RUNNING}.
     * <p>Never called for a job whose {@link #run} returned or threw — the handler saw that end itself, and a
     * success is only ever such an end — nor for a queued job cancelled through {@link JobService#cancel}, whose
     * caller ends its own state in the same transaction. {@code status} is therefore FAILED or CANCELLED.
     * Default: nothing.
     */
    default void ended(long jobId, com.fasterxml.jackson.databind.JsonNode payload, JobStatus status,
                       String reason) {
    }
}
