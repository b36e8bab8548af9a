package dev.jury.alignment.simba;

import dev.jury.alignment.AlignmentCancelledException;
import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentLog;
import dev.jury.alignment.AlignmentProgress;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.AlignmentFixtures.Script;
import dev.jury.alignment.AlignmentFixtures.ScriptedJudge;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jury.alignment.AlignmentFixtures.BASE_INSTRUCTIONS;
import static dev.jury.alignment.AlignmentFixtures.YES_NO;
import static dev.jury.alignment.AlignmentFixtures.coin;
import static dev.jury.alignment.AlignmentFixtures.example;
import static dev.jury.alignment.AlignmentFixtures.examples;
import static dev.jury.alignment.AlignmentFixtures.kind;
import static dev.jury.alignment.AlignmentFixtures.right;
import static dev.jury.alignment.AlignmentFixtures.wrongVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimbaOptimizerTest {

    private static final JudgeProgram BASE = JudgeProgram.of(BASE_INSTRUCTIONS, List.of());

    private static final String MAGIC = "If the judge sees a tricky question, it should answer no (MAGIC).";

    /** Samples alternate: odd sample indexes wrong, even right; evaluations right. Every bucket has spread. */
    private static final Script ALTERNATING = (p, e, t, sample) ->
            sample == 0 || sample % 2 == 0 ? right(e) : wrongVerdict(e);

    /** "mixed" examples alternate as above, "easy" ones are always right, "hard" ones always wrong. */
    private static final Script BY_KIND = (p, e, t, sample) -> switch (kind(e)) {
        case "mixed" -> ALTERNATING.answer(p, e, t, sample);
        case "easy" -> right(e);
        default -> wrongVerdict(e);
    };

    /** Tricky examples are only right with the MAGIC rule (or by luck when sampling); easy ones always; noisy at random. */
    private static final Script RICH = (p, e, t, sample) -> switch (kind(e)) {
        case "easy" -> right(e);
        case "tricky" -> p.instructions().contains("MAGIC") || sample > 0 && coin(p, e, sample, 1)
                ? right(e) : wrongVerdict(e);
        default -> coin(p, e, sample, 2) ? right(e) : wrongVerdict(e);
    };

    private static SimbaParameters params(int batch, int candidates, int steps, int maxDemos, double evalTemperature) {
        return new SimbaParameters(batch, candidates, steps, maxDemos, 0.2, 0.2, 100_000, evalTemperature);
    }

    private static AlignmentContext ctx(long seed) {
        return AlignmentContext.builder().seed(seed).build();
    }

    /** A reflection model that always proposes a new rule (and records what it was asked). */
    private static final class UniqueAdvice implements ReflectionModel {
        final List<ReflectionRequest> requests = new ArrayList<>();

        @Override
        public Optional<Advice> reflect(ReflectionRequest request) {
            requests.add(request);
            return Optional.of(new Advice("the worse run missed it",
                    "If the judge sees pattern " + requests.size() + ", it should weigh it."));
        }
    }

    /** MAGIC for tricky examples, a harmless new rule otherwise. */
    private static ReflectionModel magicForTricky() {
        AtomicInteger count = new AtomicInteger();
        return r -> Optional.of(new Advice("tricky questions fool it",
                kind(r.example()).equals("tricky") ? MAGIC
                        : "If the judge sees case " + count.incrementAndGet() + ", it should keep its value."));
    }

    private static AlignmentResult runRich(long seed, AlignmentContext ctx) {
        List<AlignmentExample> train = examples(16, List.of("tricky", "easy", "noisy", "easy"), List.of("no", "yes"));
        return new SimbaOptimizer(params(6, 3, 4, 2, 0.0), new ScriptedJudge(RICH), magicForTricky())
                .align(BASE, YES_NO, train, ctx);
    }

    @Test
    void judgeCallsEqualTheBudgetFormulaExactly() {
        // S=3 steps, B=4, C=2, N=8; every bucket has spread and every reflection succeeds, so K = C+1 = 3 per step;
        // final: winners [base, w1, w2, w3] → indexes round(i·3/2) = 0, 2, 3 → F = 3.
        List<AlignmentExample> train = examples(8, List.of("mixed"), List.of("yes", "no"));
        ScriptedJudge judge = new ScriptedJudge(ALTERNATING);
        UniqueAdvice reflection = new UniqueAdvice();
        SimbaParameters p = params(4, 2, 3, 0, 0.5); // no caching at a non-zero evaluation temperature

        AlignmentResult result = new SimbaOptimizer(p, judge, reflection).align(BASE, YES_NO, train, ctx(3));

        int s = 3, b = 4, c = 2, k = 3, n = 8, f = 3;
        long expected = (long) s * b * (c + k) + (long) f * n;
        assertEquals(84, expected);
        assertEquals(expected, judge.calls());
        assertEquals(expected, result.calls().judgeCalls());
        assertEquals(0, result.calls().cachedEvaluations());
        assertEquals(expected, result.calls().judgeCallFormula());
        assertEquals(p.maxJudgeCalls(n), result.calls().judgeCallBound());
        assertEquals(84, p.maxJudgeCalls(n)); // this scenario reaches the bound
        result.steps().forEach(step -> assertEquals(k, step.candidates().size()));
        assertEquals(f, result.finalists().size());
        assertEquals((long) s * Math.min(b, c + 1), result.calls().reflectionCalls());
        assertEquals(result.calls().reflectionCallBound(), result.calls().reflectionCalls());
    }

    @Test
    void cachedDeterministicEvaluationsKeepTheFormulaAnUpperBound() {
        List<AlignmentExample> train = examples(8, List.of("mixed"), List.of("yes", "no"));
        ScriptedJudge judge = new ScriptedJudge(ALTERNATING);

        AlignmentResult result = new SimbaOptimizer(params(4, 2, 3, 0, 0.0), judge, new UniqueAdvice())
                .align(BASE, YES_NO, train, ctx(3));

        // Winners #2 and #3 of the final choice were already evaluated on their step's 4 examples.
        assertEquals(84, result.calls().judgeCallFormula());
        assertEquals(8, result.calls().cachedEvaluations());
        assertEquals(76, judge.calls());
        assertEquals(result.calls().judgeCallFormula(), result.calls().judgeCalls() + result.calls().cachedEvaluations());
        assertTrue(result.calls().judgeCalls() <= result.calls().judgeCallBound());
    }

    @Test
    void sameSeedGivesTheSameResultAndLogSequentialOrParallel() throws Exception {
        AlignmentResult first = runRich(11, ctx(11));
        AlignmentResult second = runRich(11, ctx(11));
        assertEquals(first, second);
        assertEquals(first.log(), second.log());

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AlignmentResult parallel = runRich(11, AlignmentContext.builder().seed(11).executor(pool, 2).build());
            assertEquals(first, parallel);
            assertEquals(first.log(), parallel.log());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentSeedsCanDiffer() {
        Set<List<AlignmentLog.Line>> logs = new HashSet<>();
        for (long seed = 0; seed < 4; seed++) {
            logs.add(runRich(seed, ctx(seed)).log());
        }
        assertTrue(logs.size() > 1, "four seeds gave one and the same run");
    }

    @Test
    void aRuleIsProposedExactlyForBucketsWithSpread() {
        List<AlignmentExample> train = examples(12, List.of("mixed", "easy", "hard"), List.of("yes", "no"));
        ScriptedJudge judge = new ScriptedJudge(BY_KIND);
        UniqueAdvice reflection = new UniqueAdvice();

        AlignmentResult result = new SimbaOptimizer(params(12, 4, 2, 0, 0.0), judge, reflection)
                .align(BASE, YES_NO, train, ctx(5));

        assertEquals(8, reflection.requests.size()); // 4 mixed examples per step, 2 steps
        for (ReflectionRequest request : reflection.requests) {
            assertEquals("mixed", kind(request.example()));
            assertEquals(1.0, request.better().score());
            assertEquals(0.0, request.worse().score());
            assertEquals(request.example().label(), request.better().value());
        }
        for (AlignmentResult.Step step : result.steps()) {
            for (AlignmentResult.Attempt attempt : step.attempts()) {
                boolean spread = attempt.maxScore() > attempt.minScore();
                assertEquals(spread, attempt.program() != null, attempt.toString());
                if (spread) {
                    assertEquals(1, attempt.program().rules().size() - sourceRules(result, attempt));
                }
            }
        }
        assertEquals(8, result.steps().stream().mapToLong(s -> s.candidates().size()).sum());
        // rules that change nothing do not beat the baseline: ties go to the earliest finalist
        assertEquals(BASE, result.program());
    }

    private static int sourceRules(AlignmentResult result, AlignmentResult.Attempt attempt) {
        if (attempt.sourceProgramId() == 0) {
            return 0;
        }
        return result.steps().stream().flatMap(s -> s.candidates().stream())
                .filter(a -> a.programId() == attempt.sourceProgramId())
                .findFirst().orElseThrow().program().rules().size();
    }

    @Test
    void noRuleWhenAllSamplesOfEveryExampleAgree() {
        List<AlignmentExample> train = examples(12, List.of("easy", "hard"), List.of("yes", "no"));
        UniqueAdvice reflection = new UniqueAdvice();

        AlignmentResult result = new SimbaOptimizer(params(12, 4, 2, 0, 0.0), new ScriptedJudge(BY_KIND), reflection)
                .align(BASE, YES_NO, train, ctx(5));

        assertTrue(reflection.requests.isEmpty());
        assertEquals(0, result.calls().reflectionCalls());
        assertTrue(result.rules().isEmpty());
        result.steps().forEach(step -> assertTrue(step.candidates().isEmpty()));
    }

    @Test
    void demosAreCappedByDropping() {
        List<AlignmentExample> train = examples(12, List.of("mixed", "easy", "hard"), List.of("yes", "no"));
        AlignmentResult result = new SimbaOptimizer(params(6, 3, 8, 2, 0.0), new ScriptedJudge(BY_KIND),
                r -> Optional.empty()).align(BASE, YES_NO, train, ctx(9));

        List<JudgeProgram> built = result.steps().stream().flatMap(s -> s.candidates().stream())
                .map(AlignmentResult.Attempt::program).toList();
        assertFalse(built.isEmpty());
        built.forEach(program -> assertTrue(program.demos().size() <= 2, program.toString()));
        assertTrue(built.stream().anyMatch(program -> program.demos().size() == 2));
        assertTrue(result.steps().stream().flatMap(s -> s.attempts().stream()).anyMatch(a -> a.demosDropped() > 0));
    }

    @Test
    void aBaseWithTooManyDemosIsCutToMaxDemos() {
        List<AlignmentExample> train = examples(12, List.of("mixed", "easy", "hard"), List.of("yes", "no"));
        List<Demo> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AlignmentExample e = example("d-" + i, "easy", "yes");
            five.add(e.toDemo("yes", "because", 100));
        }
        JudgeProgram crowded = JudgeProgram.of(BASE_INSTRUCTIONS, five);

        AlignmentResult result = new SimbaOptimizer(params(6, 3, 4, 2, 0.0), new ScriptedJudge(BY_KIND),
                new UniqueAdvice()).align(crowded, YES_NO, train, ctx(2));

        result.steps().stream().flatMap(s -> s.candidates().stream())
                .forEach(a -> assertTrue(a.program().demos().size() <= 2, a.toString()));
    }

    @Test
    void theBaselineWinsWhenEveryCandidateIsWorse() {
        List<AlignmentExample> train = examples(8, List.of("mixed"), List.of("yes", "no"));
        Script worseWhenChanged = (p, e, t, sample) -> p.rules().isEmpty() && p.demos().isEmpty()
                ? ALTERNATING.answer(p, e, t, sample) : wrongVerdict(e);

        AlignmentResult result = new SimbaOptimizer(params(4, 2, 3, 4, 0.0), new ScriptedJudge(worseWhenChanged),
                new UniqueAdvice()).align(BASE, YES_NO, train, ctx(4));

        assertEquals(BASE, result.program());
        assertFalse(result.changed());
        assertEquals(1.0, result.trainScore());
        assertEquals(1.0, result.baselineTrainScore());
        assertTrue(result.finalists().size() > 1);
        assertEquals(0, result.finalists().get(0).programId());
        result.finalists().stream().skip(1).forEach(f -> assertEquals(0.0, f.trainScore()));
    }

    @Test
    void declinedStrategiesAddNoCandidate() {
        List<AlignmentExample> train = examples(8, List.of("mixed"), List.of("yes", "no"));
        ScriptedJudge judge = new ScriptedJudge(ALTERNATING);
        AtomicInteger asked = new AtomicInteger();

        AlignmentResult result = new SimbaOptimizer(params(8, 2, 3, 0, 0.5), judge, r -> {
            asked.incrementAndGet();
            return Optional.empty();
        }).align(BASE, YES_NO, train, ctx(1));

        for (AlignmentResult.Step step : result.steps()) {
            assertTrue(step.candidates().isEmpty());
            assertNull(step.winnerProgramId());
            assertTrue(step.attempts().stream().allMatch(a -> a.outcome().startsWith("declined")));
        }
        assertEquals(1, result.finalists().size());
        assertEquals(BASE, result.program());
        assertEquals(3L * 8 * 2 + 8, judge.calls()); // S·B·C sampling + the baseline on the train set
        // all 8 buckets have spread, but the reflection model is asked at most C+1 times per step
        assertEquals(3 * 3, asked.get());
        assertEquals(result.calls().reflectionCallBound(), result.calls().reflectionCalls());
    }

    @Test
    void demoStrategyDeclinesWhenTheBestSampleIsNotAboveTheTenthPercentile() {
        List<AlignmentExample> train = examples(6, List.of("hard"), List.of("yes", "no"));
        ScriptedJudge judge = new ScriptedJudge(BY_KIND);

        AlignmentResult result = new SimbaOptimizer(params(6, 2, 2, 4, 0.0), judge, new UniqueAdvice())
                .align(BASE, YES_NO, train, ctx(8));

        result.steps().forEach(step -> assertTrue(step.candidates().isEmpty()));
        assertEquals(2L * 6 * 2 + 6, judge.calls());
    }

    @Test
    void aRuleThatFixesTheJudgeIsSelected() {
        List<AlignmentExample> train = examples(10, List.of("tricky", "easy"), List.of("no", "yes"));
        Script script = (p, e, t, sample) -> kind(e).equals("easy") || p.instructions().contains("MAGIC")
                ? right(e) : ALTERNATING.answer(p, e, t, sample == 0 ? 1 : sample);

        AlignmentResult result = new SimbaOptimizer(params(10, 3, 4, 4, 0.0), new ScriptedJudge(script),
                magicForTricky()).align(BASE, YES_NO, train, ctx(21));

        assertEquals(0.5, result.baselineTrainScore());
        assertEquals(1.0, result.trainScore());
        assertEquals(List.of(MAGIC), result.rules());
        assertTrue(result.instructions().startsWith(BASE_INSTRUCTIONS + "\n\n" + MAGIC));
        assertTrue(result.changed());
    }

    @Test
    void cancellationStopsBeforeTheNextCall() {
        ScriptedJudge judge = new ScriptedJudge(RICH);
        List<AlignmentExample> train = examples(16, List.of("tricky", "easy", "noisy"), List.of("no", "yes"));
        List<AlignmentProgress> progress = new ArrayList<>();
        AlignmentContext context = AlignmentContext.builder().seed(1).progress(progress::add)
                .cancelled(() -> judge.calls() >= 5).build();

        AlignmentCancelledException e = assertThrows(AlignmentCancelledException.class, () ->
                new SimbaOptimizer(params(6, 3, 4, 2, 0.0), judge, magicForTricky()).align(BASE, YES_NO, train, context));

        assertEquals(5, judge.calls());
        assertEquals(5, e.judgeCalls());
        assertTrue(progress.isEmpty());
    }

    @Test
    void cancellationStopsPromptlyWithParallelCalls() throws Exception {
        ScriptedJudge judge = new ScriptedJudge(RICH);
        List<AlignmentExample> train = examples(16, List.of("tricky", "easy", "noisy"), List.of("no", "yes"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AlignmentContext context = AlignmentContext.builder().seed(1).executor(pool, 2)
                    .cancelled(() -> judge.calls() >= 5).build();
            assertThrows(AlignmentCancelledException.class, () ->
                    new SimbaOptimizer(params(6, 3, 4, 2, 0.0), judge, magicForTricky())
                            .align(BASE, YES_NO, train, context));
            assertTrue(judge.calls() <= 5 + 2, "calls after cancellation: " + judge.calls());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedJudgeCallsScoreZero() {
        List<AlignmentExample> train = examples(10, List.of("easy"), List.of("yes", "no"));
        Script failing = (p, e, t, sample) -> switch (e.traceId()) {
            case "t-01", "t-02" -> throw new IllegalStateException("provider down");
            case "t-03" -> Verdict.failed("not one of the allowed values", "maybe");
            case "t-04" -> null;
            default -> right(e);
        };

        AlignmentResult result = new SimbaOptimizer(params(5, 2, 2, 4, 0.0), new ScriptedJudge(failing),
                new UniqueAdvice()).align(BASE, YES_NO, train, ctx(6));

        assertEquals(0.6, result.baselineTrainScore(), 1e-12);
        assertTrue(result.log().stream().anyMatch(l -> l.message().contains("judge call failed: provider down")));
    }

    @Test
    void logsEveryStepAtInfoAndEveryTrajectoryAndAdviceAtDebug() {
        List<AlignmentExample> train = examples(12, List.of("mixed", "easy", "hard"), List.of("yes", "no"));
        List<AlignmentProgress> progress = new ArrayList<>();
        AlignmentContext context = AlignmentContext.builder().seed(5).progress(progress::add).build();

        AlignmentResult result = new SimbaOptimizer(params(12, 4, 2, 0, 0.0), new ScriptedJudge(BY_KIND),
                new UniqueAdvice()).align(BASE, YES_NO, train, context);

        List<AlignmentLog.Line> log = result.log();
        for (int step = 1; step <= 2; step++) {
            String at = "Step " + step + "/2";
            assertTrue(log.stream().anyMatch(l -> l.level() == AlignmentLog.Level.INFO
                    && l.message().startsWith(at + ": mini-batch") && l.message().contains("mean score")));
            assertTrue(log.stream().anyMatch(l -> l.level() == AlignmentLog.Level.INFO
                    && l.message().startsWith(at + ": candidate scores") && l.message().contains("winner")));
        }
        long trajectories = log.stream().filter(l -> l.level() == AlignmentLog.Level.DEBUG
                && l.message().contains(" sample ")).count();
        assertEquals(2 * 12 * 4, trajectories);
        assertTrue(log.stream().anyMatch(l -> l.level() == AlignmentLog.Level.DEBUG
                && l.message().contains("advice: If the judge sees pattern 1, it should weigh it.")));
        assertEquals(3, progress.size());
        assertEquals(AlignmentProgress.Phase.FINAL, progress.get(2).phase());
        assertEquals(2, progress.get(1).step());
        assertNotNull(result.steps().get(0).winnerProgramId());
    }

    @Test
    void finalChoiceSpacesWinnersEvenlyRoundingHalvesToEven() {
        assertEquals(List.of(0), SimbaOptimizer.finalIndexes(0, 7));
        assertEquals(List.of(0, 2, 3), SimbaOptimizer.finalIndexes(3, 3));
        assertEquals(List.of(0, 2, 5), SimbaOptimizer.finalIndexes(5, 3)); // round(2.5) = 2, as Python
        assertEquals(List.of(0, 1), SimbaOptimizer.finalIndexes(1, 3));
        assertEquals(List.of(0, 1, 3, 4, 5, 7, 8), SimbaOptimizer.finalIndexes(8, 7));
    }

    @Test
    void refusesAnEmptyTrainSet() {
        assertThrows(IllegalArgumentException.class, () -> new SimbaOptimizer(SimbaParameters.defaults(),
                new ScriptedJudge(RICH), new UniqueAdvice()).align(BASE, YES_NO, List.of(), ctx(0)));
    }
}
