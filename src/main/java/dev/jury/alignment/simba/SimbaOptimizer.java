package dev.jury.alignment.simba;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentLog;
import dev.jury.alignment.AlignmentProgress;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeCalls;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.JudgeRunner;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
import dev.jury.rubrics.RubricSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * SIMBA (Stochastic Introspective Mini-Batch Ascent), ported from DSPy's {@code dspy/teleprompt/simba.py} and
 * {@code simba_utils.py} for a single LLM judge, with the changes listed in {@code docs/alignment.md}.
 *
 * <p>Per step: sample C trajectories per mini-batch example (programs picked by softmax over mean scores, judge at
 * temperature 1.0), bucket them per example, and for the most informative buckets derive up to C + 1 candidates by
 * appending a demo or a reflection-model rule to a softmax-picked program; evaluate the candidates on the mini-batch
 * and keep the best as the step winner. At the end, evenly spaced step winners (and the baseline) are evaluated on the
 * whole train set and the best wins, ties to the earliest.
 *
 * <p>Every random choice is drawn on the calling thread before judge calls are dispatched, and results are read in
 * submission order, so a seed and a deterministic judge reproduce the result and the log exactly.
 */
public final class SimbaOptimizer {

    public static final String NAME = "simba";

    /** Judge temperature of trajectory samples (DSPy's {@code prepare_models_for_resampling}). */
    public static final double SAMPLING_TEMPERATURE = 1.0;

    static final String DEMO = "demo";
    static final String RULE = "rule";

    private final SimbaParameters parameters;
    private final JudgeRunner judge;
    private final ReflectionModel reflection;

    public SimbaOptimizer(SimbaParameters parameters, JudgeRunner judge, ReflectionModel reflection) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.judge = Objects.requireNonNull(judge, "judge");
        this.reflection = Objects.requireNonNull(reflection, "reflection");
    }

    public SimbaParameters parameters() {
        return parameters;
    }

    /**
     * Runs SIMBA.
     *
     * @param base   the judge version's instructions and demos
     * @param rubric the judge's rubric, shown to the reflection model; may be {@code null}
     * @param train  the labelled train examples (at least one)
     * @throws dev.jury.alignment.AlignmentCancelledException when {@code ctx} is cancelled
     */
    public AlignmentResult align(JudgeProgram base, RubricSpec rubric, List<AlignmentExample> train,
                                 AlignmentContext ctx) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(ctx, "ctx");
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("SIMBA needs at least one train example");
        }
        return new Run(base, rubric, List.copyOf(train), ctx).execute();
    }

    /** One sampled or evaluated judge run, as SIMBA's buckets hold it. */
    private record Sample(AlignmentExample example, int programId, Verdict verdict, double score) {
    }

    private record Bucket(int exampleIndex, List<Sample> samples, double gap, double max, double avgGap) {
        Sample best() {
            return samples.get(0);
        }

        Sample worst() {
            return samples.get(samples.size() - 1);
        }
    }

    /** A strategy's result: a candidate, or the reason it declined. */
    private record Outcome(JudgeProgram program, String description) {
        static Outcome declined(String reason) {
            return new Outcome(null, "declined: " + reason);
        }
    }

    private record Draft(Bucket bucket, int sourceId, int dropped, String strategy, Outcome outcome) {
    }

    private final class Run {
        private final JudgeProgram base;
        private final RubricSpec rubric;
        private final List<AlignmentExample> train;
        private final AlignmentContext ctx;
        private final AlignmentLog log;
        private final SimbaRandom random;
        private final JudgeCalls calls;
        private final int n;
        private final int b;
        private final int c;
        private final int s;

        private final List<JudgeProgram> programs = new ArrayList<>();
        private final List<List<Double>> programScores = new ArrayList<>();
        private final List<Integer> winners = new ArrayList<>();
        private final List<Integer> winnerSteps = new ArrayList<>();
        private final List<AlignmentResult.Step> steps = new ArrayList<>();
        private long formula;
        private int reflectionCallsThisStep;
        private double p10;
        private double p90;

        Run(JudgeProgram base, RubricSpec rubric, List<AlignmentExample> train, AlignmentContext ctx) {
            this.base = base;
            this.rubric = rubric;
            this.train = train;
            this.ctx = ctx;
            this.log = ctx.log();
            this.random = new SimbaRandom(ctx.seed());
            this.calls = new JudgeCalls(judge, ctx, true);
            this.n = train.size();
            this.b = parameters.effectiveBatchSize(n);
            this.c = parameters.numCandidates();
            this.s = parameters.maxSteps();
        }

        AlignmentResult execute() {
            long judgeCallsBefore = ctx.counters().judgeCalls();
            long cachedBefore = ctx.counters().cachedEvaluations();
            long reflectionsBefore = ctx.counters().reflectionCalls();
            log.info(String.format(Locale.ROOT,
                    "SIMBA: %d train examples, mini-batch %d, %d samples per example, %d steps, max_demos %d, seed %d, "
                            + "evaluation temperature %s; at most %d judge calls and %d reflection calls.",
                    n, b, c, s, parameters.maxDemos(), ctx.seed(), fmt(parameters.evaluationTemperature()),
                    parameters.maxJudgeCalls(n), parameters.maxReflectionCalls(n)));
            if (b < parameters.batchSize()) {
                log.info("batch_size " + parameters.batchSize() + " exceeds the " + n
                        + " train examples; using mini-batches of " + b + ".");
            }

            programs.add(base);
            programScores.add(new ArrayList<>());
            winners.add(0);
            winnerSteps.add(0);

            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            random.shuffle(order);
            int next = 0;
            for (int step = 1; step <= s; step++) {
                ctx.checkCancelled();
                if (next + b > n) {
                    random.shuffle(order);
                    next = 0;
                }
                List<AlignmentExample> batch = new ArrayList<>(b);
                for (int i = next; i < next + b; i++) {
                    batch.add(train.get(order[i]));
                }
                next += b;
                steps.add(step(step, batch));
            }

            return finalChoice(judgeCallsBefore, cachedBefore, reflectionsBefore);
        }

        private AlignmentResult.Step step(int step, List<AlignmentExample> batch) {
            String at = "Step " + step + "/" + s;

            // Trajectory sampling: for each sample index, for each example, a program by softmax (DSPy's loop order).
            List<Integer> top = topKPlusBaseline(c);
            List<JudgeCalls.Call> sampleCalls = new ArrayList<>(b * c);
            List<Integer> sampledPrograms = new ArrayList<>(b * c);
            for (int sample = 1; sample <= c; sample++) {
                for (AlignmentExample example : batch) {
                    int programId = softmaxSample(top, parameters.temperatureForSampling());
                    sampledPrograms.add(programId);
                    sampleCalls.add(new JudgeCalls.Call(programs.get(programId), example, SAMPLING_TEMPERATURE, sample));
                }
            }
            List<JudgeCalls.Run> runs = calls.run(sampleCalls);
            formula += (long) b * c;

            List<Sample> samples = new ArrayList<>(runs.size());
            double[] all = new double[runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                JudgeCalls.Run run = runs.get(i);
                samples.add(new Sample(run.call().example(), sampledPrograms.get(i), run.verdict(), run.score()));
                all[i] = run.score();
                log.debug(String.format(Locale.ROOT, "%s sample %d of trace %s with program #%d: %s",
                        at, i / b + 1, run.call().example().traceId(), sampledPrograms.get(i),
                        describe(run.verdict(), run.score())));
            }
            if (programScores.get(0).isEmpty()) {
                // DSPy leaves the baseline's score list empty (mean 0) for the whole run; ours is its first samples.
                for (Sample sample : samples) {
                    if (sample.programId() == 0) {
                        programScores.get(0).add(sample.score());
                    }
                }
            }

            p10 = SimbaRandom.percentile(all, 10);
            p90 = SimbaRandom.percentile(all, 90);
            List<Bucket> buckets = buckets(samples);
            double batchScore = mean(all);
            log.info(String.format(Locale.ROOT,
                    "%s: mini-batch of %d examples, %d trajectory samples, mean score %s (p10 %s, p90 %s).",
                    at, b, samples.size(), fmt(batchScore), fmt(p10), fmt(p90)));

            // Candidates: buckets in order until C + 1 candidates.
            reflectionCallsThisStep = 0;
            List<Draft> drafts = new ArrayList<>();
            List<JudgeProgram> candidates = new ArrayList<>();
            for (int k = 0; k < buckets.size(); k++) {
                ctx.checkCancelled();
                Bucket bucket = buckets.get(k);
                int sourceId = softmaxSample(topKPlusBaseline(c), parameters.temperatureForCandidates());
                JudgeProgram source = programs.get(sourceId);

                int d = source.demos().size();
                int maxDemosTmp = parameters.maxDemos() > 0 ? parameters.maxDemos() : 3;
                int toDrop = Math.max(random.poisson((double) d / maxDemosTmp), d >= maxDemosTmp ? 1 : 0);
                toDrop = Math.min(toDrop, d);
                Set<Integer> dropAt = new TreeSet<>();
                for (int i = 0; i < toDrop; i++) {
                    dropAt.add(random.below(d)); // with replacement, as DSPy: fewer may go
                }
                JudgeProgram derived = source.withoutDemosAt(dropAt);

                String strategy = parameters.maxDemos() > 0 ? (random.below(2) == 0 ? DEMO : RULE) : RULE;
                Outcome outcome = DEMO.equals(strategy)
                        ? appendDemo(bucket, derived, at)
                        : appendRule(bucket, derived, at);
                drafts.add(new Draft(bucket, sourceId, dropAt.size(), strategy, outcome));
                String trace = batch.get(bucket.exampleIndex()).traceId();
                String result;
                if (outcome.program() != null) {
                    candidates.add(outcome.program());
                    result = "candidate #" + (programs.size() + candidates.size() - 1) + " (" + outcome.description() + ")";
                } else {
                    result = outcome.description();
                }
                log.info(String.format(Locale.ROOT,
                        "%s: bucket %d (trace %s: max %s, min %s, max-avg gap %s): %s on program #%d%s → %s.",
                        at, k + 1, trace, fmt(bucket.max()), fmt(bucket.max() - bucket.gap()), fmt(bucket.avgGap()),
                        strategy, sourceId, dropAt.isEmpty() ? "" : " having dropped " + count(dropAt.size(), "demo"),
                        result));
                if (candidates.size() >= c + 1) {
                    break;
                }
            }

            // Evaluate the candidates on the same mini-batch.
            List<JudgeCalls.Call> evalCalls = new ArrayList<>(candidates.size() * b);
            for (JudgeProgram candidate : candidates) {
                for (AlignmentExample example : batch) {
                    evalCalls.add(new JudgeCalls.Call(candidate, example, parameters.evaluationTemperature(), 0));
                }
            }
            List<JudgeCalls.Run> evalRuns = calls.run(evalCalls);
            formula += (long) candidates.size() * b;

            int firstId = programs.size();
            List<Double> candidateScores = new ArrayList<>();
            for (int k = 0; k < candidates.size(); k++) {
                List<Double> scores = new ArrayList<>(b);
                for (int e = 0; e < b; e++) {
                    JudgeCalls.Run run = evalRuns.get(k * b + e);
                    scores.add(run.score());
                    log.debug(String.format(Locale.ROOT, "%s evaluation of candidate #%d on trace %s: %s%s",
                            at, firstId + k, run.call().example().traceId(), describe(run.verdict(), run.score()),
                            run.cached() ? " (cached)" : ""));
                }
                candidateScores.add(mean(scores));
                programs.add(candidates.get(k));
                programScores.add(scores);
            }

            Integer winnerId = null;
            double winnerScore = Double.NaN;
            if (!candidates.isEmpty()) {
                int best = 0;
                for (int k = 1; k < candidateScores.size(); k++) {
                    if (candidateScores.get(k) > candidateScores.get(best)) {
                        best = k;
                    }
                }
                winnerId = firstId + best;
                winnerScore = candidateScores.get(best);
                winners.add(winnerId);
                winnerSteps.add(step);
                List<String> shown = new ArrayList<>();
                for (int k = 0; k < candidates.size(); k++) {
                    shown.add("#" + (firstId + k) + " " + fmt(candidateScores.get(k)));
                }
                log.info(String.format(Locale.ROOT, "%s: candidate scores %s; winner #%d (%s).",
                        at, String.join(", ", shown), winnerId, fmt(winnerScore)));
            } else {
                log.info(at + ": no candidate was built; no winner this step.");
            }

            List<AlignmentResult.Attempt> attempts = new ArrayList<>();
            int built = 0;
            for (Draft draft : drafts) {
                JudgeProgram program = draft.outcome().program();
                Integer id = program == null ? null : firstId + built;
                double score = program == null ? Double.NaN : candidateScores.get(built);
                if (program != null) {
                    built++;
                }
                attempts.add(new AlignmentResult.Attempt(batch.get(draft.bucket().exampleIndex()).traceId(),
                        draft.bucket().max(), draft.bucket().max() - draft.bucket().gap(), draft.sourceId(),
                        draft.dropped(), draft.strategy(), draft.outcome().description(), id, program, score));
            }

            ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.STEP, step, s, batchScore, bestMeanScore()));
            return new AlignmentResult.Step(step, batch.stream().map(AlignmentExample::traceId).toList(), batchScore,
                    p10, p90, attempts, winnerId, winnerScore);
        }

        /** DSPy's buckets: the C samples of each example, best first; sorted by (max−min, max, max−mean) descending. */
        private List<Bucket> buckets(List<Sample> samples) {
            List<Bucket> buckets = new ArrayList<>(b);
            for (int e = 0; e < b; e++) {
                List<Sample> bucket = new ArrayList<>(c);
                for (int i = e; i < samples.size(); i += b) {
                    bucket.add(samples.get(i));
                }
                bucket.sort(Comparator.comparingDouble(Sample::score).reversed()); // stable, as Python's sort
                double max = bucket.get(0).score();
                double min = bucket.get(bucket.size() - 1).score();
                double sum = 0.0;
                for (Sample sample : bucket) {
                    sum += sample.score();
                }
                double avg = sum / bucket.size();
                buckets.add(new Bucket(e, bucket, max - min, max, max - avg));
            }
            buckets.sort(Comparator.comparingDouble(Bucket::gap)
                    .thenComparingDouble(Bucket::max)
                    .thenComparingDouble(Bucket::avgGap)
                    .reversed());
            return buckets;
        }

        /** DSPy's {@code append_a_demo}: the bucket's best sample becomes a demo if it beat the 10th percentile. */
        private Outcome appendDemo(Bucket bucket, JudgeProgram derived, String at) {
            Sample good = bucket.best();
            if (good.score() <= p10) {
                return Outcome.declined("best sample scored " + fmt(good.score())
                        + ", at or below the 10th percentile " + fmt(p10));
            }
            Demo demo = good.example().toDemo(good.verdict().value(), good.verdict().rationale(),
                    parameters.demoInputFieldMaxlen());
            if (derived.demos().contains(demo)) {
                return Outcome.declined("the program already holds this demo");
            }
            JudgeProgram room = capDemos(derived, parameters.maxDemos() - 1);
            log.debug(at + " demo from trace " + good.example().traceId() + ": value=" + good.verdict().value()
                    + " rationale=" + oneLine(good.verdict().rationale()));
            return new Outcome(room.withDemo(demo), "added a demo from trace " + good.example().traceId());
        }

        /** DSPy's {@code append_a_rule}: reflect on the best and worst samples of a bucket with spread. */
        private Outcome appendRule(Bucket bucket, JudgeProgram derived, String at) {
            Sample good = bucket.best();
            Sample bad = bucket.worst();
            if (good.score() <= p10 || bad.score() >= p90) {
                return Outcome.declined("best sample " + fmt(good.score()) + " is at or below the 10th percentile "
                        + fmt(p10) + " or worst sample " + fmt(bad.score()) + " is at or above the 90th percentile "
                        + fmt(p90));
            }
            if (good.score() <= bad.score()) {
                return Outcome.declined("all samples scored the same; nothing to contrast");
            }
            if (reflectionCallsThisStep >= c + 1) {
                return Outcome.declined("this step's " + (c + 1) + " reflection calls are used");
            }
            ctx.checkCancelled();
            ReflectionRequest request = new ReflectionRequest(derived.instructions(), rubric, good.example(),
                    ReflectionRequest.Run.of(good.verdict(), good.score()),
                    ReflectionRequest.Run.of(bad.verdict(), bad.score()));
            ctx.counters().countReflectionCall();
            reflectionCallsThisStep++;
            Optional<Advice> answer;
            try {
                answer = reflection.reflect(request);
            } catch (RuntimeException e) {
                return Outcome.declined("the reflection call failed: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            if (answer == null || answer.isEmpty()) {
                return Outcome.declined("the reflection model gave no advice");
            }
            Advice advice = answer.get();
            log.debug(at + " reflection on trace " + good.example().traceId() + ": discussion: "
                    + oneLine(advice.discussion()) + " | advice: " + advice.advice());
            if (derived.hasRule(advice.advice())) {
                return Outcome.declined("the program already has this rule");
            }
            return new Outcome(capDemos(derived, parameters.maxDemos()).withRule(advice.advice()), "added a rule");
        }

        /**
         * Jury's hard cap: when the base came with more demos than {@code max_demos}, DSPy's drop rule removes at
         * most a few per step; drop more at random so no candidate holds more than {@code max_demos}.
         */
        private JudgeProgram capDemos(JudgeProgram program, int limit) {
            if (parameters.maxDemos() == 0 || program.demos().size() <= limit) {
                return program;
            }
            List<Demo> demos = new ArrayList<>(program.demos());
            while (demos.size() > Math.max(limit, 0)) {
                demos.remove(random.below(demos.size()));
            }
            return program.withDemos(demos);
        }

        private AlignmentResult finalChoice(long judgeCallsBefore, long cachedBefore, long reflectionsBefore) {
            ctx.checkCancelled();
            List<Integer> indexes = finalIndexes(winners.size() - 1, c + 1);
            List<Integer> finalIds = new ArrayList<>();
            List<Integer> finalSteps = new ArrayList<>();
            Set<JudgeProgram> seen = new LinkedHashSet<>();
            for (int index : indexes) {
                JudgeProgram program = programs.get(winners.get(index));
                if (seen.add(program)) { // identical programs are evaluated once
                    finalIds.add(winners.get(index));
                    finalSteps.add(winnerSteps.get(index));
                }
            }

            List<JudgeCalls.Call> finalCalls = new ArrayList<>(finalIds.size() * n);
            for (int id : finalIds) {
                for (AlignmentExample example : train) {
                    finalCalls.add(new JudgeCalls.Call(programs.get(id), example, parameters.evaluationTemperature(), 0));
                }
            }
            List<JudgeCalls.Run> runs = calls.run(finalCalls);
            formula += (long) finalIds.size() * n;

            List<AlignmentResult.Finalist> finalists = new ArrayList<>();
            int best = 0;
            for (int k = 0; k < finalIds.size(); k++) {
                double sum = 0.0;
                for (int e = 0; e < n; e++) {
                    JudgeCalls.Run run = runs.get(k * n + e);
                    sum += run.score();
                    log.debug(String.format(Locale.ROOT, "Final evaluation of program #%d on trace %s: %s%s",
                            finalIds.get(k), run.call().example().traceId(), describe(run.verdict(), run.score()),
                            run.cached() ? " (cached)" : ""));
                }
                finalists.add(new AlignmentResult.Finalist(finalIds.get(k), finalSteps.get(k), sum / n));
                if (finalists.get(k).trainScore() > finalists.get(best).trainScore()) {
                    best = k;
                }
            }
            AlignmentResult.Finalist winner = finalists.get(best);
            JudgeProgram program = programs.get(winner.programId());
            List<String> shown = new ArrayList<>();
            for (AlignmentResult.Finalist f : finalists) {
                shown.add("#" + f.programId() + (f.step() == 0 ? " (baseline)" : " (step " + f.step() + ")") + " "
                        + fmt(f.trainScore()));
            }
            log.info(String.format(Locale.ROOT,
                    "Final: %s evaluated on all %d train examples: %s; winner #%d (%s) with %s and %s.",
                    count(finalists.size(), "program"), n, String.join(", ", shown), winner.programId(),
                    fmt(winner.trainScore()), count(program.rules().size(), "rule"),
                    count(program.demos().size(), "demo")));

            long judgeCalls = ctx.counters().judgeCalls() - judgeCallsBefore;
            long cached = ctx.counters().cachedEvaluations() - cachedBefore;
            long reflections = ctx.counters().reflectionCalls() - reflectionsBefore;
            log.info(String.format(Locale.ROOT,
                    "Calls: %d judge calls (+%d evaluations served from the run's cache; formula %d, bound %d), "
                            + "%d reflection calls (bound %d).",
                    judgeCalls, cached, formula, parameters.maxJudgeCalls(n), reflections,
                    parameters.maxReflectionCalls(n)));
            ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.FINAL, s, s, winner.trainScore(),
                    winner.trainScore()));

            return new AlignmentResult(NAME, base, program, winner.trainScore(), finalists.get(0).trainScore(), steps,
                    finalists, new AlignmentResult.Calls(judgeCalls, cached, reflections, formula,
                    parameters.maxJudgeCalls(n), parameters.maxReflectionCalls(n)), ctx.logLines());
        }

        private double meanScore(int programId) {
            List<Double> scores = programScores.get(programId);
            return scores.isEmpty() ? 0.0 : mean(scores);
        }

        private double bestMeanScore() {
            double best = 0.0;
            for (int id = 0; id < programs.size(); id++) {
                best = Math.max(best, meanScore(id));
            }
            return best;
        }

        /** DSPy's {@code top_k_plus_baseline}: best k by mean score (stable), baseline forced in as the last. */
        private List<Integer> topKPlusBaseline(int k) {
            List<Integer> ids = new ArrayList<>();
            for (int id = 0; id < programs.size(); id++) {
                ids.add(id);
            }
            ids.sort(Comparator.comparingDouble(this::meanScore).reversed());
            List<Integer> top = new ArrayList<>(ids.subList(0, Math.min(k, ids.size())));
            if (!top.contains(0) && !top.isEmpty()) {
                top.set(top.size() - 1, 0);
            }
            return new ArrayList<>(new LinkedHashSet<>(top));
        }

        /** DSPy's {@code softmax_sample}: weights exp(mean / T), uniform if they sum to 0. */
        private int softmaxSample(List<Integer> ids, double temperature) {
            double[] exps = new double[ids.size()];
            double sum = 0.0;
            for (int i = 0; i < ids.size(); i++) {
                exps[i] = Math.exp(meanScore(ids.get(i)) / temperature);
                sum += exps[i];
            }
            if (!(sum > 0.0) || Double.isInfinite(sum)) {
                return ids.get(random.below(ids.size()));
            }
            double[] probs = new double[exps.length];
            for (int i = 0; i < exps.length; i++) {
                probs[i] = exps[i] / sum;
            }
            return ids.get(random.weightedChoice(probs));
        }
    }

    /**
     * DSPy's final choice of step winners: {@code [round(i * M / (N - 1)) for i in range(N)]} without duplicates,
     * {@code [0]} when {@code M < 1}; Python's {@code round} rounds halves to even, as {@link Math#rint}.
     *
     * @param m      index of the last step winner (winners[0] is the baseline)
     * @param wanted N = num_candidates + 1
     */
    static List<Integer> finalIndexes(int m, int wanted) {
        Set<Integer> indexes = new LinkedHashSet<>();
        if (m < 1 || wanted < 2) {
            indexes.add(0);
        } else {
            for (int i = 0; i < wanted; i++) {
                indexes.add((int) Math.rint((double) ((long) i * m) / (wanted - 1)));
            }
        }
        return List.copyOf(indexes);
    }

    private static double mean(double[] values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0.0 : sum / values.length;
    }

    private static double mean(List<Double> values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v;
        }
        return values.isEmpty() ? 0.0 : sum / values.size();
    }

    private static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    static String fmt(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String describe(Verdict verdict, double score) {
        String what = verdict.isError() ? "error=" + oneLine(verdict.error()) : "value=" + verdict.value();
        return what + " score=" + (score >= 1.0 ? "1" : "0") + " rationale=" + oneLine(verdict.rationale());
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
