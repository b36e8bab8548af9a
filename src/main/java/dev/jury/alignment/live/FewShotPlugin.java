package dev.jury.alignment.live;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.fewshot.FewShotOptimizer;
import dev.jury.alignment.fewshot.FewShotParameters;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.JudgeVersion;
import dev.jury.llm.LlmProviders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code few-shot} optimizer bean: {@link FewShotOptimizer} with live judge calls; no reflection model. */
@ApplicationScoped
public class FewShotPlugin implements Optimizer {

    @Inject
    JudgeCaller caller;

    @Override
    public String name() {
        return FewShotOptimizer.NAME;
    }

    @Override
    public String description() {
        return "Few-shot: adds up to 5 demos from train traces the judge gets wrong, one per failure cluster "
                + "(cheap, no reflection model). For the offline judge: the train examples become its labelled "
                + "memory, k chosen on the train set.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return FewShotParameters.SCHEMA;
    }

    @Override
    public Optional<String> budget(Map<String, Number> params, int trainSize) {
        return trainSize < 1 ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
                "At most %,d judge calls on %d train traces (N, plus N when a demo was added); for the offline "
                        + "judge %,d calls of the in-process model, no LLM (N per memory setting tried, plus N).",
                2L * trainSize, trainSize, (long) trainSize * (1 + FewShotOptimizer.memoryCandidates(trainSize))));
    }

    @Override
    public AlignmentResult align(JudgeVersion base, List<AlignmentExample> train, AlignmentContext ctx) {
        LiveRun run = ctx.attribute(LiveRun.class).orElseGet(() -> new LiveRun(null, null, null));
        var params = FewShotParameters.from(Plugins.withEvaluationTemperature(ctx.parameters(), base));
        JudgeCaller.Setup setup = JudgeCaller.Setup.of(base);
        return new FewShotOptimizer(params, new LiveJudgeRunner(caller, setup, run), base.isEmbedded())
                .align(JudgeProgram.of(base.instructions, base.demos(), base.memory()), setup.rubric(), train, ctx);
    }
}
