package dev.jury.judges.run;

import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A helper of a split judge run ({@code judge-run-helper}): an ordinary job, so any idle worker of any replica takes
 * it, that works chunks of its run ({@code run_job_id}) until none is left and stops when the run is cancelled or
 * ends. This is what lets a second replica add throughput to one run (docs/jobs.md, "Judge runs across replicas").
 */
@ApplicationScoped
public class JudgeRunHelperHandler implements JobHandler {

    public static final String TYPE = "judge-run-helper";

    @Inject
    JudgeRunHandler runs;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void run(JobContext context) throws Exception {
        runs.help(context);
    }
}
