package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jury.web.ListPage;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Instant;
import java.util.List;

/**
 * Creating, cancelling and reading jobs. Other features enqueue here inside their own transaction (the job becomes
 * visible to workers when that transaction commits); the work itself runs in {@link JobRunner}.
 */
@ApplicationScoped
@Transactional
public class JobService {

    /** Fired when a job was enqueued; the runner wakes its workers after the commit. */
    public record JobEnqueued(long id, String type) {
    }

    /** Fired when a running job was asked to stop; the runner tells the handler after the commit. */
    public record CancelRequested(long id) {
    }

    @Inject
    JobHandlers handlers;

    @Inject
    Event<JobEnqueued> enqueued;

    @Inject
    Event<CancelRequested> cancelRequested;

    /**
     * Queues a job. Runs in the caller's transaction: workers see the job once it commits.
     *
     * @param type    a type some {@link JobHandler} bean handles
     * @param payload what the handler needs, as JSON; {@code null} means an empty object
     * @param total   the expected number of items, shown as {@code done / total}; 0 when unknown
     * @param actor   who asked (username), shown on the job page
     * @return the job's id
     * @throws IllegalArgumentException when no handler runs {@code type} (a programming error, not user input)
     */
    public long enqueue(String type, JsonNode payload, long total, String actor) {
        if (!handlers.handles(type)) {
            throw new IllegalArgumentException("No JobHandler bean handles job type '" + type + "'; known types: "
                    + handlers.types());
        }
        if (total < 0) {
            throw new IllegalArgumentException("A job's total must not be negative, was " + total);
        }
        var job = new Job();
        job.type = type;
        job.status = JobStatus.QUEUED;
        job.payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
        job.progressTotal = total;
        job.createdBy = actor == null || actor.isBlank() ? "system" : actor;
        job.createdAt = Instant.now();
        job.persist();
        enqueued.fire(new JobEnqueued(job.id, type));
        return job.id;
    }

    /**
     * Cancels a job: a queued job is cancelled at once; a running job is asked to stop (its handler sees
     * {@link JobContext#isCancelRequested()} and the job ends CANCELLED). Asking twice is harmless.
     *
     * @throws ProblemException 404 for an unknown job, 409 for a job that has already finished
     */
    public Job cancel(long id, String actor) {
        // The row lock orders this against a worker claiming or finishing the job at the same moment.
        Job job = Job.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            throw notFound(id);
        }
        if (job.status.isFinished()) {
            throw ProblemException.conflict("Job " + id + " has already finished (" + job.status + ").");
        }
        if (job.status == JobStatus.QUEUED) {
            job.status = JobStatus.CANCELLED;
            job.cancelRequested = true;
            job.finishedAt = Instant.now();
            addLogLine(id, JobLog.Level.INFO, "Cancelled by " + actor + " before it started.");
        } else if (!job.cancelRequested) {
            job.cancelRequested = true;
            addLogLine(id, JobLog.Level.INFO, "Cancel requested by " + actor + ".");
            cancelRequested.fire(new CancelRequested(id));
        }
        return job;
    }

    /** The job, or a 404 problem naming the id. */
    @Transactional(TxType.SUPPORTS)
    public Job get(long id) {
        Job job = Job.findById(id);
        if (job == null) {
            throw notFound(id);
        }
        return job;
    }

    /** The newest jobs, of one type or ({@code type} null or blank) of all types, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<Job> listRecent(String type, int limit) {
        return Job.listRecent(type, Math.max(1, Math.min(limit, 500)));
    }

    /** One page of the jobs list, newest first, and where it stands in the whole list. */
    public record JobPage(List<Job> jobs, ListPage page) {

        /** The cursor of the next page: the id of this page's oldest job. */
        public Long nextBefore() {
            return jobs.isEmpty() ? null : jobs.get(jobs.size() - 1).id;
        }
    }

    /**
     * {@code size} jobs (of one type or all) older than job {@code before} ({@code null} = from the newest), with
     * the total and how many newer ones come before the page, for "50 of 412 jobs" and "Load more".
     */
    @Transactional(TxType.SUPPORTS)
    public JobPage page(String type, Long before, int size) {
        List<Job> page = Job.listBefore(type, before, size);
        long total = Job.countOf(type, 0);
        long newer = before == null ? 0 : Job.countOf(type, before);
        return new JobPage(page, new ListPage(newer, size, total));
    }

    /** The last {@code limit} log lines of a job, oldest first. */
    @Transactional(TxType.SUPPORTS)
    public List<JobLog> logTail(long id, int limit) {
        return JobLog.tail(id, limit);
    }

    private static void addLogLine(long jobId, JobLog.Level level, String message) {
        var line = new JobLog();
        line.jobId = jobId;
        line.level = level;
        line.message = message;
        line.at = Instant.now();
        line.persist();
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("No job with id " + id + ".");
    }
}
