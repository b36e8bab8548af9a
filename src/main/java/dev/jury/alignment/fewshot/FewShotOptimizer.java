package dev.jury.alignment.fewshot;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentLog;
import dev.jury.alignment.AlignmentProgress;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeCalls;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.JudgeRunner;
import dev.jury.alignment.LabelMatch;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.llm.embedded.EmbeddedTask;
import dev.jury.rubrics.RubricSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The cheap baseline optimizer: no reflection model. Runs the base judge once on every train example, groups the
 * examples it gets wrong into failure clusters — (human label, wrong judge value) — and adds one demo per cluster,
 * largest clusters first, up to {@code max_demos}. A demo shows the trace with the human label and rationale. Fully
 * deterministic: no random draw at all.
 *
 * <p>Judge calls: N for the base, plus N to score the result when a demo was added.
 *
 * <p>For the offline embedded judge, which learns from labelled examples rather than from a prompt, the same idea
 * takes another form ({@link #FewShotOptimizer(FewShotParameters, JudgeRunner, boolean)} with {@code memory}): every
 * train example becomes part of the judge's labelled memory, and k and the vote weighting are chosen by the best
 * leave-one-out score on the train set (a trace never recalls itself). Judge calls: N for the base plus N per
 * (k, weighting) candidate — no LLM is called.
 */
public final class FewShotOptimizer {

    public static final String NAME = "few-shot";

    /** The k values tried for a labelled memory (equal scores go to the k nearest {@link JudgeMemory#DEFAULT_K}). */
    public static final List<Integer> MEMORY_K_CHOICES = List.of(1, 3, 5, 7, 9, 15);

    private final FewShotParameters parameters;
    private final JudgeRunner judge;
    private final boolean memory;

    public FewShotOptimizer(FewShotParameters parameters, JudgeRunner judge) {
        this(parameters, judge, false);
    }

    /** @param memory learn into a labelled memory (the offline judge) instead of into demos */
    public FewShotOptimizer(FewShotParameters parameters, JudgeRunner judge, boolean memory) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.judge = Objects.requireNonNull(judge, "judge");
        this.memory = memory;
    }

    /** The (k, weighting) candidates for a memory of {@code size} examples: each k below the size, both weightings. */
    public static int memoryCandidates(int size) {
        int ks = (int) MEMORY_K_CHOICES.stream().filter(k -> k < Math.max(2, size)).count();
        return Math.max(1, ks) * EmbeddedTask.Weighting.values().length;
    }

    private record Cluster(String label, String verdict, List<AlignmentExample> examples, int firstIndex) {
    }

    /**
     * @param base   the judge version's instructions and demos (kept; new demos come after them)
     * @param rubric unused; accepted so every optimizer has the same shape
     * @param train  the labelled train examples (at least one)
     */
    public AlignmentResult align(JudgeProgram base, RubricSpec rubric, List<AlignmentExample> train,
                                 AlignmentContext ctx) {
        Objects.requireNonNull(base, "base");
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("few-shot needs at least one train example");
        }
        if (memory) {
            return alignMemory(base, train, ctx);
        }
        AlignmentLog log = ctx.log();
        long callsBefore = ctx.counters().judgeCalls();
        long cachedBefore = ctx.counters().cachedEvaluations();
        int n = train.size();
        JudgeCalls calls = new JudgeCalls(judge, ctx, true);
        log.info(String.format(Locale.ROOT, "Few-shot: %d train examples, up to %d demos, evaluation temperature %s.",
                n, parameters.maxDemos(), fmt(parameters.evaluationTemperature())));

        List<JudgeCalls.Run> runs = calls.run(evaluate(base, train));
        long formula = n;
        double baselineScore = meanScore(runs);

        Map<String, Cluster> clusters = new LinkedHashMap<>();
        int errors = 0;
        for (int i = 0; i < n; i++) {
            JudgeCalls.Run run = runs.get(i);
            AlignmentExample example = train.get(i);
            log.debug("Base judge on trace " + example.traceId() + ": "
                    + (run.verdict().isError() ? "error=" + run.verdict().error() : "value=" + run.verdict().value())
                    + " label=" + example.label() + " score=" + (run.score() >= 1.0 ? "1" : "0"));
            if (run.score() >= 1.0) {
                continue;
            }
            if (run.verdict().isError()) {
                errors++;
                continue; // a failed call shows nothing about the judge's judgement
            }
            String label = LabelMatch.normalise(example.label());
            String verdict = LabelMatch.normalise(run.verdict().value());
            int index = i;
            clusters.computeIfAbsent(label + "\u0000" + verdict,
                    k -> new Cluster(label, verdict, new ArrayList<>(), index)).examples().add(example);
        }
        List<Cluster> ordered = new ArrayList<>(clusters.values());
        ordered.sort(Comparator.comparingInt((Cluster cl) -> -cl.examples().size())
                .thenComparingInt(Cluster::firstIndex));
        log.info(String.format(Locale.ROOT, "Base judge agrees on %d of %d (%s); %d failure clusters%s%s.",
                Math.round(baselineScore * n), n, fmt(baselineScore), ordered.size(),
                errors > 0 ? ", " + errors + " failed calls left out" : "",
                ordered.isEmpty() ? "" : ": " + ordered.stream()
                        .map(cl -> "(label " + cl.label() + ", judge " + cl.verdict() + ") x" + cl.examples().size())
                        .reduce((a, b) -> a + ", " + b).orElse("")));

        List<Demo> demos = new ArrayList<>(base.demos());
        int added = 0;
        for (Cluster cluster : ordered) {
            if (added == parameters.maxDemos()) {
                break;
            }
            AlignmentExample pick = cluster.examples().stream()
                    .filter(e -> !e.humanRationale().isBlank())
                    .findFirst()
                    .orElse(cluster.examples().get(0));
            Demo demo = pick.toDemo(pick.label(), pick.humanRationale(), parameters.demoInputFieldMaxlen());
            if (demos.contains(demo)) {
                continue;
            }
            demos.add(demo);
            added++;
            log.info("Demo " + added + ": trace " + pick.traceId() + " (label " + cluster.label()
                    + ", the judge said " + cluster.verdict() + ").");
        }

        JudgeProgram program = base;
        double score = baselineScore;
        List<AlignmentResult.Finalist> finalists = new ArrayList<>();
        finalists.add(new AlignmentResult.Finalist(0, 0, baselineScore));
        if (added > 0) {
            ctx.checkCancelled();
            JudgeProgram candidate = base.withDemos(demos);
            List<JudgeCalls.Run> after = calls.run(evaluate(candidate, train));
            formula += n;
            double candidateScore = meanScore(after);
            finalists.add(new AlignmentResult.Finalist(1, 1, candidateScore));
            if (candidateScore > baselineScore) {
                program = candidate;
                score = candidateScore;
            }
            log.info(String.format(Locale.ROOT, "With %d new demos the judge scores %s on the train set (base %s); %s.",
                    added, fmt(candidateScore), fmt(baselineScore),
                    program == candidate ? "keeping the demos" : "keeping the base judge"));
        } else {
            log.info("No failure to learn from; the base judge is kept.");
        }
        long judgeCalls = ctx.counters().judgeCalls() - callsBefore;
        long cached = ctx.counters().cachedEvaluations() - cachedBefore;
        ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.FINAL, 1, 1, score, score));
        return new AlignmentResult(NAME, base, program, score, baselineScore, List.of(), finalists,
                new AlignmentResult.Calls(judgeCalls, cached, 0, formula, 2L * n, 0), ctx.logLines());
    }

    private AlignmentResult alignMemory(JudgeProgram base, List<AlignmentExample> train, AlignmentContext ctx) {
        AlignmentLog log = ctx.log();
        long callsBefore = ctx.counters().judgeCalls();
        long cachedBefore = ctx.counters().cachedEvaluations();
        int n = train.size();
        JudgeCalls calls = new JudgeCalls(judge, ctx, true);
        List<MemoryExample> examples = memoryExamples(base, train);
        List<Integer> ks = MEMORY_K_CHOICES.stream().filter(k -> k < Math.max(2, examples.size())).toList();
        if (ks.isEmpty()) {
            ks = List.of(1);
        }
        int candidates = ks.size() * EmbeddedTask.Weighting.values().length;
        log.info(String.format(Locale.ROOT, "Few-shot into memory (offline judge): the %d train examples become the "
                + "judge's labelled memory (%d examples in all); k in %s and the vote weighting are chosen by "
                + "leave-one-out score on the train set (a trace never recalls itself).", n, examples.size(), ks));

        double baselineScore = meanScore(calls.run(evaluate(base, train)));
        log.info(String.format(Locale.ROOT, "Base judge%s agrees on %d of %d train traces (%s).",
                base.memory() == null ? " (no memory: rubric definitions)" : " (memory of " + base.memory().describe()
                        + ")", Math.round(baselineScore * n), n, fmt(baselineScore)));
        List<AlignmentResult.Finalist> finalists = new ArrayList<>();
        finalists.add(new AlignmentResult.Finalist(0, 0, baselineScore));
        JudgeProgram best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        int id = 0;
        for (int k : ks) {
            for (EmbeddedTask.Weighting weighting : EmbeddedTask.Weighting.values()) {
                ctx.checkCancelled();
                id++;
                JudgeProgram candidate = base.withMemory(JudgeMemory.of(k, weighting, examples));
                double score = meanScore(calls.run(evaluate(candidate, train)));
                finalists.add(new AlignmentResult.Finalist(id, id, score));
                log.info(String.format(Locale.ROOT, "Memory k = %d, %s vote: leave-one-out train score %s.", k,
                        weighting.id(), fmt(score)));
                // Equal scores go to the k nearest MLflow's default (5), then to the similarity-weighted vote: a
                // larger memory recall is steadier on new traces than k = 1 that merely tied on the train set.
                if (score > bestScore || (score == bestScore && best != null && Math.abs(k - JudgeMemory.DEFAULT_K)
                        < Math.abs(best.memory().k() - JudgeMemory.DEFAULT_K))) {
                    best = candidate;
                    bestScore = score;
                }
                ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.STEP, id, candidates, score, bestScore));
            }
        }
        JudgeProgram program = base;
        double score = baselineScore;
        if (best != null && bestScore > baselineScore) {
            program = best;
            score = bestScore;
            log.info("Keeping the memory: " + best.memory().describe() + " (train score " + fmt(bestScore)
                    + " against the base's " + fmt(baselineScore) + ").");
        } else {
            log.info("No memory setting beat the base judge on the train set; the base judge is kept.");
        }
        long judgeCalls = ctx.counters().judgeCalls() - callsBefore;
        long cached = ctx.counters().cachedEvaluations() - cachedBefore;
        long formula = (long) n * (1 + candidates);
        ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.FINAL, candidates, candidates, score, score));
        return new AlignmentResult(NAME, base, program, score, baselineScore, List.of(), finalists,
                new AlignmentResult.Calls(judgeCalls, cached, 0, formula, formula, 0), ctx.logLines());
    }

    /** The base memory's examples whose traces are not in the train set, then every train example (full text). */
    private static List<MemoryExample> memoryExamples(JudgeProgram base, List<AlignmentExample> train) {
        java.util.Set<String> trainIds = new java.util.HashSet<>();
        train.forEach(e -> trainIds.add(e.traceId()));
        List<MemoryExample> examples = new ArrayList<>();
        if (base.memory() != null) {
            base.memory().examples().stream().filter(e -> !trainIds.contains(e.traceId())).forEach(examples::add);
        }
        for (AlignmentExample e : train) {
            examples.add(new MemoryExample(e.traceId(), e.inputs(), e.outputs(), e.expectations(), e.label(),
                    e.humanRationale()));
        }
        return examples;
    }

    private List<JudgeCalls.Call> evaluate(JudgeProgram program, List<AlignmentExample> train) {
        List<JudgeCalls.Call> list = new ArrayList<>(train.size());
        for (AlignmentExample example : train) {
            list.add(new JudgeCalls.Call(program, example, parameters.evaluationTemperature(), 0));
        }
        return list;
    }

    private static double meanScore(List<JudgeCalls.Run> runs) {
        double sum = 0.0;
        for (JudgeCalls.Run run : runs) {
            sum += run.score();
        }
        return runs.isEmpty() ? 0.0 : sum / runs.size();
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
