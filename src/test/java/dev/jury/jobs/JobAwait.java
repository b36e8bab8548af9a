package dev.jury.jobs;

import io.quarkus.narayana.jta.QuarkusTransaction;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Polls a job until it reaches a state; background work has no callback the tests could wait on. */
final class JobAwait {

    private JobAwait() {
    }

    static Job until(JobService jobs, long id, Duration timeout, Predicate<Job> condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = fresh(jobs, id);
        while (!condition.test(job)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not become " + what + " within " + timeout
                        + "; it is " + job.status + " (" + job.progressDone + "/" + job.progressTotal + ", error "
                        + job.error + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            job = fresh(jobs, id);
        }
        return job;
    }

    /**
     * The job as the database has it now. A test method runs in one request context, whose persistence context
     * would keep returning the entity it loaded first; a new transaction gets a new one.
     */
    static Job fresh(JobService jobs, long id) {
        return QuarkusTransaction.requiringNew().call(() -> jobs.get(id));
    }

    static Job status(JobService jobs, long id, JobStatus... statuses) {
        List<JobStatus> wanted = Arrays.asList(statuses);
        return until(jobs, id, Duration.ofSeconds(15), j -> wanted.contains(j.status), wanted.toString());
    }
}
