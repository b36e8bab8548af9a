package dev.jury.alignment.live;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.JudgeRunner;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.memalign.MemAlignOptimizer;
import dev.jury.alignment.memalign.MemAlignParameters;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.Verdict;
import dev.jury.llm.LlmClient;
import dev.jury.llm.embedded.EmbeddingService;
import dev.jury.labels.Assessment;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code memalign} optimizer bean (the default): {@link MemAlignOptimizer} with live judge calls, the run's
 * reflection model distilling guidelines, and the in-process embedding model for de-duplication (the same model the
 * judge's memory is recalled with).
 */
@ApplicationScoped
public class MemAlignPlugin implements Optimizer {

    @Inject
    JudgeCaller caller;

    @Inject
    LlmClient llm;

    @Inject
    EmbeddingService embeddings;

    @Override
    public String name() {
        return MemAlignOptimizer.NAME;
    }

    @Override
    public String description() {
        return "MemAlign (MLflow): the reflection model distils guidelines from the experts' feedback, and the "
                + "labelled traces become a memory recalled at every call; no search, so a few calls.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return MemAlignParameters.SCHEMA;
    }

    @Override
    public boolean usesReflectionModel() {
        return true;
    }

    /** Only when guidelines are distilled: with {@code max_guidelines} 0 the run builds an example memory alone. */
    @Override
    public boolean usesReflectionModel(Map<String, Number> params) {
        return MemAlignParameters.from(params).maxGuidelines() > 0;
    }

    @Override
    public Optional<String> budget(Map<String, Number> params, int trainSize) {
        if (trainSize < 1) {
            return Optional.empty();
        }
        MemAlignParameters p = MemAlignParameters.from(params);
        return Optional.of(String.format(Locale.ROOT, "At most %,d judge calls and %,d reflection calls on %d train "
                        + "traces (%s + ⌈N / %d⌉).", p.judgeCalls(trainSize), p.maxDistillationCalls(trainSize),
                trainSize, p.scoreBase() ? "N" : "0", p.distillationBatchSize()));
    }

    @Override
    public AlignmentResult align(JudgeVersion base, List<AlignmentExample> train, AlignmentContext ctx) {
        LiveRun run = ctx.attribute(LiveRun.class).orElseGet(() -> new LiveRun(null, null, null));
        var params = MemAlignParameters.from(Plugins.withEvaluationTemperature(ctx.parameters(), base));
        String reflectionModel = run.reflectionModel().orElse(base.model);
        JudgeCaller.Setup setup = JudgeCaller.Setup.of(base);
        JudgeProgram baseProgram = JudgeProgram.of(base.instructions, base.demos(), base.memory());
        JudgeRunner judge = new LiveJudgeRunner(caller, setup, run);
        if (params.scoreBase()) {
            judge = reusingStoredVerdicts(judge, baseProgram, base, train, ctx);
        }
        return new MemAlignOptimizer(params, judge, new LiveDistillationModel(llm, reflectionModel, run), embeddings)
                .align(baseProgram, setup.rubric(), train, ctx);
    }

    /**
     * The base run asks where the base judge disagrees with the experts; where this very version has already judged a
     * train trace (a judge run, evaluate, assess), its stored verdict answers without a call — so MemAlign's cost on a
     * judge that has run is its distillation calls alone. Any other program, or a trace without a stored valid
     * verdict, is judged live.
     */
    private static JudgeRunner reusingStoredVerdicts(JudgeRunner live, JudgeProgram baseProgram, JudgeVersion base,
                                                     List<AlignmentExample> train, AlignmentContext ctx) {
        Map<String, Verdict> stored = QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Verdict> found = new HashMap<>();
            for (AlignmentExample example : train) {
                Assessment.findCurrentLabel(Long.parseLong(example.traceId()), base.judge.name, base.sourceId())
                        .filter(a -> a.valid && a.value != null)
                        .ifPresent(a -> found.put(example.traceId(), Verdict.of(a.value, a.rationale)));
            }
            return found;
        });
        if (!stored.isEmpty()) {
            ctx.log().info(String.format(Locale.ROOT, "The base run reuses %d stored verdicts of v%d; %d train traces "
                    + "are judged live.", stored.size(), base.version, train.size() - stored.size()));
        }
        return (program, example, temperature) -> program.equals(baseProgram) && stored.containsKey(example.traceId())
                ? stored.get(example.traceId()) : live.assess(program, example, temperature);
    }
}
