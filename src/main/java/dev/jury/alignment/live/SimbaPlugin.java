package dev.jury.alignment.live;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.simba.SimbaOptimizer;
import dev.jury.alignment.simba.SimbaParameters;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.JudgeVersion;
import dev.jury.llm.LlmClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code simba} optimizer bean: {@link SimbaOptimizer} with live judge calls and a live reflection model. */
@ApplicationScoped
public class SimbaPlugin implements Optimizer {

    @Inject
    JudgeCaller caller;

    @Inject
    LlmClient llm;

    @Override
    public String name() {
        return SimbaOptimizer.NAME;
    }

    @Override
    public String description() {
        return "SIMBA (DSPy): samples the judge, asks the reflection model for rules where runs disagree, adds demos; "
                + "keeps the best program on the train set.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return SimbaParameters.SCHEMA;
    }

    @Override
    public boolean usesReflectionModel() {
        return true;
    }

    @Override
    public Optional<String> budget(Map<String, Number> params, int trainSize) {
        if (trainSize < 1) {
            return Optional.empty();
        }
        SimbaParameters p = SimbaParameters.from(params);
        return Optional.of(String.format(Locale.ROOT, "At most %,d judge calls and %,d reflection calls on %d train "
                + "traces (S·B·(C + min(B, C+1)) + (C+1)·N).", p.maxJudgeCalls(trainSize),
                p.maxReflectionCalls(trainSize), trainSize));
    }

    @Override
    public AlignmentResult align(JudgeVersion base, List<AlignmentExample> train, AlignmentContext ctx) {
        LiveRun run = ctx.attribute(LiveRun.class).orElseGet(() -> new LiveRun(null, null, null));
        var params = SimbaParameters.from(Plugins.withEvaluationTemperature(ctx.parameters(), base));
        String reflectionModel = run.reflectionModel().orElse(base.model);
        JudgeCaller.Setup setup = JudgeCaller.Setup.of(base);
        return new SimbaOptimizer(params, new LiveJudgeRunner(caller, setup, run),
                new LiveReflectionModel(llm, reflectionModel, run))
                .align(JudgeProgram.of(base.instructions, base.demos()), setup.rubric(), train, ctx);
    }
}
