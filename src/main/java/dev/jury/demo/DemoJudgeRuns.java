package dev.jury.demo;

import dev.jury.experiments.Experiment;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobStatus;
import dev.jury.judges.JudgeAlias;
import dev.jury.judges.run.JudgeRunHandler;
import dev.jury.judges.run.JudgeRunService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.labels.Assessment;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's judges run once at start when they are on the offline model: a judge run is an ordinary background job
 * (progress, restart-safe), so the demo queue can be sampled from real predictions and the judge pages show
 * verdicts. A judge on a paid model is never run without an admin asking — it would cost the user money.
 */
@ApplicationScoped
public class DemoJudgeRuns {

    private static final Logger LOG = Logger.getLogger(DemoJudgeRuns.class);
    /** Longest wait for the start runs before the follow-up step runs anyway (with whatever verdicts exist). */
    static final Duration PATIENCE = Duration.ofMinutes(30);

    @Inject
    JudgeService judges;

    @Inject
    JudgeRunService runs;

    private volatile Thread waiter;

    /**
     * Starts a run of each judge whose latest version is on the offline model and has neither verdicts in the
     * experiment nor a run under way; returns the jobs to wait for (new and already running ones). Judges on an LLM
     * are left alone.
     *
     * @param tagByJudge judge name → the {@code key=value} tag of the traces it judges, in start order
     */
    public List<Long> startOfflineRuns(String experiment, Map<String, String> tagByJudge, String actor) {
        List<Long> jobs = new ArrayList<>();
        for (var entry : tagByJudge.entrySet()) {
            String name = entry.getKey();
            QuarkusTransaction.requiringNew().run(() -> {
                JudgeVersion latest = judges.resolve(experiment, name, JudgeAlias.LATEST);
                if (!latest.isEmbedded()) {
                    return;
                }
                List<Long> underWay = Job.<Job>list("type = ?1 and status in ?2", JudgeRunHandler.TYPE,
                                List.of(JobStatus.QUEUED, JobStatus.RUNNING)).stream()
                        .filter(j -> j.payload != null && j.payload.path("judge_version_id").asLong() == latest.id)
                        .map(j -> j.id).toList();
                if (!underWay.isEmpty()) {
                    jobs.addAll(underWay);
                    return;
                }
                long experimentId = Experiment.findByName(experiment).orElseThrow().id;
                boolean judged = Assessment.count("sourceId = ?1 and traceId in (select t.id from Trace t where "
                        + "t.experimentId = ?2)", latest.sourceId(), experimentId) > 0;
                if (!judged) {
                    long job = runs.start(experiment, name, String.valueOf(latest.version), null, entry.getValue(),
                            actor);
                    LOG.infof("Demo: running judge '%s' v%d on the offline model (job %d)", name, latest.version, job);
                    jobs.add(job);
                }
            });
        }
        return jobs;
    }

    /**
     * Runs {@code then} on a background thread once every job has finished (or after {@link #PATIENCE}), so the
     * start of the application is never held up by a judge run.
     */
    public void afterJobs(List<Long> jobs, Runnable then) {
        Thread thread = new Thread(() -> {
            Instant deadline = Instant.now().plus(PATIENCE);
            try {
                while (!jobs.isEmpty() && Instant.now().isBefore(deadline) && !allFinished(jobs)) {
                    Thread.sleep(500);
                }
                then.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: the next start completes the demo
            } catch (RuntimeException e) {
                LOG.error("Demo: the step after the judge runs failed; it is tried again at the next start", e);
            }
        }, "jury-demo-after-runs");
        thread.setDaemon(true);
        waiter = thread;
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread thread = waiter;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private static boolean allFinished(List<Long> jobs) {
        return QuarkusTransaction.requiringNew().call(() -> jobs.stream().allMatch(id -> {
            Job job = Job.findById(id);
            return job == null || job.status.isFinished();
        }));
    }
}
