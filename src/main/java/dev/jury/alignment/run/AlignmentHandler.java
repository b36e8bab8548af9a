package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.alignment.AlignmentCancelledException;
import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentLog;
import dev.jury.alignment.AlignmentProgress;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeCalls;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.dataset.DataSet;
import dev.jury.alignment.live.LiveJudgeRunner;
import dev.jury.alignment.live.LiveRun;
import dev.jury.alignment.live.Plugins;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.jobs.JobStatus;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.Verdict;
import dev.jury.llm.CircuitWait;
import dev.jury.llm.LlmCall;
import dev.jury.llm.LlmClient;
import dev.jury.traces.Trace;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Runs one alignment (job type {@code alignment}): scores the base version on the held-out traces, runs the optimizer
 * on the train traces, scores the winner on the same held-out traces, and — when the winner differs from the base —
 * derives the new judge version with its tags, in the same transaction that records the run's outcome.
 *
 * <p><b>Restart:</b> a run whose worker died is reclaimed and runs again from the start on the same stored split (the
 * optimizer keeps no state between steps worth resuming); LLM calls of both attempts count towards the run. A run
 * whose version was already created is not run again. A cancelled or failed run keeps its log and creates nothing.
 */
@ApplicationScoped
public class AlignmentHandler implements JobHandler {

    public static final String TYPE = "alignment";
    private static final Logger LOG = Logger.getLogger(AlignmentHandler.class);

    @Inject
    Optimizers optimizers;

    @Inject
    JudgeCaller caller;

    @Inject
    LlmClient llm;

    @Inject
    JudgeService judges;

    @Inject
    ObjectMapper json;

    /** How long a run waits for a provider whose circuit stays open before it fails (docs/alignment.md). */
    @ConfigProperty(name = "jury.alignment.max-provider-outage", defaultValue = "5m")
    Duration maxProviderOutage;

    @Override
    public String type() {
        return TYPE;
    }

    /** Everything the run needs, loaded in one short transaction; the entities are detached afterwards. */
    private record Loaded(AlignmentRun run, JudgeVersion base, DataSet dataSet, Map<Long, Trace> traces) {
    }

    @Override
    public void run(JobContext job) throws Exception {
        long runId = job.payload().path("alignment_run_id").asLong();
        Loaded loaded = QuarkusTransaction.requiringNew().call(() -> load(runId));
        AlignmentRun run = loaded.run();
        if (run.resultVersionId != null || run.status.isFinished()) {
            job.info("Alignment run " + runId + " already ended " + run.status + "; nothing to do.");
            return;
        }
        update(runId, r -> {
            r.status = JobStatus.RUNNING;
            r.progress = null;
            r.metrics = null;
            r.error = null;
            r.outcome = null;
        });
        if (job.isResumed()) {
            job.warn("Resumed after its worker stopped: the alignment runs again from the start on the same split.");
        }

        JudgeVersion base = loaded.base();
        DataSet ds = loaded.dataSet();
        Optimizer optimizer = MemoryAddition.NAME.equals(run.optimizer) ? new MemoryAddition(optimizers.get(
                dev.jury.alignment.memalign.MemAlignOptimizer.NAME))
                : optimizers.get(run.optimizer);
        Map<String, Object> params = json.convertValue(run.params, Map.class);
        int concurrency = params.get("concurrency") instanceof Number n ? Math.max(1, n.intValue()) : 8;
        double evaluationTemperature = params.get(Plugins.EVALUATION_TEMPERATURE) instanceof Number n
                ? n.doubleValue() : Plugins.evaluationTemperature(base);
        List<AlignmentExample> train = examples(ds.train(), loaded.traces());
        List<AlignmentExample> heldout = examples(ds.heldout(), loaded.traces());
        Map<String, JsonNode> whole = new HashMap<>();
        loaded.traces().forEach((id, t) -> whole.put(String.valueOf(id), JudgeCaller.values(t).get("trace")));
        // an open circuit is waited out (the judge's and the reflection model's providers each): docs/alignment.md
        LiveRun live = new LiveRun(job.jobId(), run.reflectionModel, whole,
                model -> CircuitWait.of(llm, model, job::warn, job::info), job::isCancelRequested, maxProviderOutage);
        BooleanSupplier stop = () -> job.isCancelRequested() || live.failed();
        AlignmentLog log = new AlignmentLog() {
            @Override
            public void info(String message) {
                job.info(message);
            }

            @Override
            public void debug(String message) {
                job.debug(message);
            }
        };

        job.info(String.format(Locale.ROOT, "Aligning %s v%d with %s: %d train and %d held-out traces, seed %d, "
                        + "concurrency %d%s%s.", base.judge.name, base.version, optimizer.name(), train.size(),
                heldout.size(), run.seed, concurrency,
                run.reflectionModel == null ? "" : ", reflection model " + run.reflectionModel,
                ds.rebalanced() == null ? "" : "; " + ds.rebalanced().describe()));
        ds.warnings().forEach(job::warn);
        long[] total = {3};
        job.progress(0, total[0], 0);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            JudgeProgram baseProgram = JudgeProgram.of(base.instructions, base.demos(), base.memory());
            LiveJudgeRunner runner = new LiveJudgeRunner(caller, JudgeCaller.Setup.of(base), live);
            List<Verdict> beforeVerdicts = evaluate(runner, baseProgram, heldout, evaluationTemperature, pool,
                    concurrency, stop, job, "before");
            failIfStopped(live);
            HeldOutMetrics before = HeldOutMetrics.of(base.rubricVersion.spec(), labels(heldout), beforeVerdicts,
                    run.seed);
            logMetrics(job, "before (v" + base.version + ")", before);
            if (before.errors() == before.traces()) {
                throw new IllegalStateException("The judge's model answered none of the " + before.traces()
                        + " held-out traces (first error: " + firstError(beforeVerdicts)
                        + "); nothing was aligned.");
            }
            job.progress(1, total[0], 0);

            AlignmentContext ctx = AlignmentContext.builder().seed(run.seed).executor(pool, concurrency).log(log)
                    .cancelled(stop).parameters(params).attribute(LiveRun.class, live)
                    .progress(p -> progress(runId, job, p, total)).build();
            AlignmentResult result = optimizer.align(base, train, ctx);
            failIfStopped(live);
            job.progress(total[0] - 1, total[0], 0);

            boolean changed = result.changed();
            HeldOutMetrics after = before;
            if (changed) {
                List<Verdict> afterVerdicts = evaluate(runner, result.program(), heldout, evaluationTemperature,
                        pool, concurrency, stop, job, "after");
                failIfStopped(live);
                after = HeldOutMetrics.of(base.rubricVersion.spec(), labels(heldout), afterVerdicts, run.seed);
                logMetrics(job, "after", after);
            }
            finish(runId, job, run, base, ds, result, before, after, changed);
            job.progress(total[0], total[0], 0);
        } catch (AlignmentCancelledException e) {
            if (live.failed()) {
                throw fail(runId, job, live.failure().orElseThrow());
            }
            LlmCall.Usage usage = llm.usageForJob(job.jobId());
            update(runId, r -> {
                r.status = JobStatus.CANCELLED;
                r.outcome = "Cancelled after " + usage.calls() + " LLM calls; no version was created.";
                usage(r, usage);
                r.finishedAt = Instant.now();
            });
            job.info("Cancelled: " + e.getMessage() + ". No version was created.");
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!(e instanceof IllegalStateException)) {
                LOG.errorf(e, "Alignment run %d failed", runId);
            }
            throw fail(runId, job, reason);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The job ended without this handler running (cancelled while its worker was dead, or out of attempts): the run
     * ends the same way, in the same transaction, instead of staying RUNNING for ever.
     */
    @Override
    public void ended(long jobId, JsonNode payload, JobStatus status, String reason) {
        AlignmentRun run = AlignmentRun.findById(payload.path("alignment_run_id").asLong());
        if (run == null || run.status.isFinished()) {
            return;
        }
        run.status = status;
        run.error = status == JobStatus.FAILED ? reason : null;
        run.outcome = (status == JobStatus.CANCELLED ? "Cancelled" : "Failed") + "; no version was created.";
        run.finishedAt = Instant.now();
    }

    private Loaded load(long runId) throws Exception {
        AlignmentRun run = AlignmentRun.findById(runId);
        if (run == null) {
            throw new IllegalStateException("Alignment run " + runId + " no longer exists.");
        }
        JudgeVersion base = JudgeVersion.<JudgeVersion>find("from JudgeVersion v join fetch v.judge "
                + "join fetch v.rubricVersion where v.id = ?1", run.baseVersionId).firstResult();
        DataSet ds = json.treeToValue(run.dataSet, DataSet.class);
        List<Long> ids = new ArrayList<>();
        ds.train().forEach(i -> ids.add(i.traceId()));
        ds.heldout().forEach(i -> ids.add(i.traceId()));
        Map<Long, Trace> traces = new HashMap<>();
        for (Trace t : Trace.<Trace>list("id in ?1", ids)) {
            traces.put(t.id, t);
        }
        return new Loaded(run, base, ds, traces);
    }

    private static List<AlignmentExample> examples(List<DataSet.Item> items, Map<Long, Trace> traces) {
        List<AlignmentExample> examples = new ArrayList<>();
        for (DataSet.Item item : items) {
            Trace t = traces.get(item.traceId());
            if (t == null) {
                continue; // deleted since the run started: nothing to learn from
            }
            examples.add(new AlignmentExample(String.valueOf(t.id), t.inputs, t.outputs, t.expectations,
                    item.label(), item.rationale()));
        }
        return examples;
    }

    private static List<String> labels(List<AlignmentExample> examples) {
        return examples.stream().map(AlignmentExample::label).toList();
    }

    /** One program on the held-out traces, at the evaluation temperature, with the run's parallelism. */
    private static List<Verdict> evaluate(LiveJudgeRunner runner, JudgeProgram program, List<AlignmentExample> heldout,
                                          double temperature, ExecutorService pool, int concurrency,
                                          BooleanSupplier stop, JobContext job, String phase) {
        AlignmentContext ctx = AlignmentContext.builder().executor(pool, concurrency).cancelled(stop).build();
        List<JudgeCalls.Call> calls = heldout.stream()
                .map(e -> new JudgeCalls.Call(program, e, temperature, 0)).toList();
        List<JudgeCalls.Run> runs = new JudgeCalls(runner, ctx, false).run(calls);
        List<Verdict> verdicts = new ArrayList<>();
        for (JudgeCalls.Run r : runs) {
            Verdict v = r.verdict();
            job.debug("Held-out " + phase + ", trace " + r.call().example().traceId() + ": "
                    + (v.isError() ? "error=" + v.error() : "value=" + v.value()) + " label="
                    + r.call().example().label() + " score=" + (r.score() >= 1.0 ? "1" : "0")
                    + (v.rationale() == null || v.rationale().isBlank() ? "" : " rationale: " + v.rationale()));
            verdicts.add(v);
        }
        return verdicts;
    }

    private static void failIfStopped(LiveRun live) {
        live.failure().ifPresent(reason -> {
            throw new AlignmentCancelledException(reason, 0);
        });
    }

    private static String firstError(List<Verdict> verdicts) {
        return verdicts.stream().filter(Verdict::isError).map(Verdict::error).findFirst().orElse("none");
    }

    private static void logMetrics(JobContext job, String what, HeldOutMetrics m) {
        job.info(String.format(Locale.ROOT, "Held-out %s: %d of %d correct (accuracy %.3f%s), Cohen's κ %s, "
                        + "%d errors.", what, m.correct(), m.traces(), m.accuracy(),
                m.accuracyLow() == null ? "" : String.format(Locale.ROOT, ", 95%% CI %.3f–%.3f", m.accuracyLow(),
                        m.accuracyHigh()),
                m.kappa() == null ? "undefined" : String.format(Locale.ROOT, "%.3f", m.kappa()), m.errors()));
    }

    private void progress(long runId, JobContext job, AlignmentProgress p, long[] total) {
        if (p.phase() == AlignmentProgress.Phase.STEP) {
            total[0] = p.steps() + 3L;
            job.progress(1 + p.step(), total[0], 0);
        } else {
            job.progress(total[0] - 1, total[0], 0);
        }
        ObjectNode node = json.createObjectNode();
        node.put("phase", p.phase().name().toLowerCase(Locale.ROOT));
        node.put("step", p.step());
        node.put("steps", p.steps());
        node.put("batch_score", p.batchScore());
        node.put("best_score", p.bestScore());
        update(runId, r -> r.progress = node);
    }

    private void finish(long runId, JobContext job, AlignmentRun run, JudgeVersion base, DataSet ds,
                        AlignmentResult result, HeldOutMetrics before, HeldOutMetrics after, boolean changed) {
        LlmCall.Usage usage = llm.usageForJob(job.jobId());
        ObjectNode metrics = json.createObjectNode();
        metrics.set("before", json.valueToTree(before));
        metrics.set("after", json.valueToTree(after));
        metrics.put("same_as_baseline", !changed);
        // NaN = not scored on the train set (MemAlign); JSON has no NaN, so it is stored as null
        metrics.put("train_score_before", Double.isNaN(result.baselineTrainScore()) ? null : result.baselineTrainScore());
        metrics.put("train_score_after", Double.isNaN(result.trainScore()) ? null : result.trainScore());
        metrics.set("rules", json.valueToTree(result.rules()));
        metrics.put("demos", result.demos().size());
        metrics.put("memory_examples", result.program().memory() == null ? 0 : result.program().memory().size());
        metrics.set("calls", json.valueToTree(result.calls()));
        metrics.set("guidelines", json.valueToTree(result.program().memory() == null ? List.of()
                : result.program().memory().guidelines()));
        String outcome;
        if (changed) {
            outcome = String.format(Locale.ROOT, "Held-out accuracy %.3f → %.3f; new version created (not "
                    + "registered).", before.accuracy(), after.accuracy());
        } else {
            outcome = Double.isNaN(result.baselineTrainScore())
                    ? String.format(Locale.ROOT, "The optimizer found nothing to add to v%d, so no new version was "
                    + "created: it would be identical.", base.version)
                    : String.format(Locale.ROOT, "No candidate beat the base version on the train set (train "
                    + "score %.3f), so no new version was created: it would be identical to v%d.",
                    result.baselineTrainScore(), base.version);
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("alignment_date", LocalDate.now(ZoneOffset.UTC).toString());
        tags.put("num_traces", ds.train().size() + ds.heldout().size());
        tags.put("num_train_traces", ds.train().size());
        tags.put("num_heldout_traces", ds.heldout().size());
        tags.put("optimizer", run.optimizer);
        tags.put("base_version", base.version);
        tags.put("heldout_accuracy_before", before.accuracy());
        tags.put("heldout_accuracy_after", after.accuracy());
        tags.put("heldout_kappa_before", before.kappa());
        tags.put("heldout_kappa_after", after.kappa());
        tags.put("llm_calls", usage.calls());
        tags.put("alignment_run_id", runId);
        if (result.program().memory() != null) {
            tags.put("memory_examples", result.program().memory().size());
            tags.put("memory_k", result.program().memory().k());
            tags.put("memory_weighting", result.program().memory().weighting());
        }
        if (MemoryAddition.NAME.equals(run.optimizer) && result.program().memory() != null) {
            tags.put("memory_examples_added", result.program().memory().size()
                    - (base.memory() == null ? 0 : base.memory().size()));
        }
        if (run.rebalance && ds.rebalanced() != null) {
            tags.put("rebalanced", ds.rebalanced().describe());
        }
        QuarkusTransaction.requiringNew().run(() -> {
            AlignmentRun r = AlignmentRun.findById(runId);
            if (changed) {
                // Same transaction as the run's outcome: a crash leaves neither, a reclaimed run sees the version.
                JudgeVersion created = judges.deriveVersion(base.id, result.instructions(), result.demos(),
                        result.program().memory(), tags, run.createdBy);
                r.resultVersionId = created.id;
                job.info("Created " + base.judge.name + " v" + created.version + " (" + result.rules().size()
                        + " rules, " + result.demos().size() + " demos" + (result.program().memory() == null ? ""
                        : ", memory of " + result.program().memory().describe()) + "); it is not registered.");
            }
            r.status = JobStatus.SUCCEEDED;
            r.metrics = metrics;
            r.outcome = outcome;
            usage(r, usage);
            r.finishedAt = Instant.now();
        });
        job.info(outcome);
        ObjectNode jobResult = json.createObjectNode();
        jobResult.put("alignment_run_id", runId);
        jobResult.put("changed", changed);
        jobResult.put("heldout_accuracy_before", before.accuracy());
        jobResult.put("heldout_accuracy_after", after.accuracy());
        job.result(jobResult);
    }

    private IllegalStateException fail(long runId, JobContext job, String reason) {
        LlmCall.Usage usage = llm.usageForJob(job.jobId());
        update(runId, r -> {
            r.status = JobStatus.FAILED;
            r.error = reason.length() > 4000 ? reason.substring(0, 4000) + "…" : reason;
            r.outcome = "Failed; no version was created.";
            usage(r, usage);
            r.finishedAt = Instant.now();
        });
        return new IllegalStateException(reason);
    }

    private static void usage(AlignmentRun r, LlmCall.Usage usage) {
        r.llmCalls = usage.calls();
        r.inputTokens = usage.inputTokens();
        r.outputTokens = usage.outputTokens();
    }

    private static void update(long runId, java.util.function.Consumer<AlignmentRun> change) {
        QuarkusTransaction.requiringNew().run(() -> change.accept(AlignmentRun.findById(runId)));
    }
}
