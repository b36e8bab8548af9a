package dev.jury.alignment;

import dev.jury.alignment.AlignmentFixtures.ScriptedJudge;
import dev.jury.judges.prompt.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jury.alignment.AlignmentFixtures.examples;
import static dev.jury.alignment.AlignmentFixtures.right;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgeCallsTest {

    private final JudgeProgram program = JudgeProgram.of(AlignmentFixtures.BASE_INSTRUCTIONS, List.of());
    private final List<AlignmentExample> train = examples(12, List.of("easy"), List.of("yes", "no"));

    @Test
    void parallelResultsComeBackInSubmissionOrderWithinTheLimit() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(e.traceId().hashCode() % 3 + 1L);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Verdict.of(e.traceId(), "");
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AlignmentContext ctx = AlignmentContext.builder().executor(pool, 2).build();
            List<JudgeCalls.Call> calls = new ArrayList<>();
            train.forEach(e -> calls.add(new JudgeCalls.Call(program, e, 1.0, 1)));
            List<JudgeCalls.Run> runs = new JudgeCalls(judge, ctx, true).run(calls);
            for (int i = 0; i < train.size(); i++) {
                assertEquals(train.get(i).traceId(), runs.get(i).verdict().value());
            }
            assertTrue(most.get() <= 2, "in flight at once: " + most.get());
            assertEquals(12, ctx.counters().judgeCalls());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deterministicEvaluationsAreAskedOncePerRun() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> right(e));
        AlignmentContext ctx = AlignmentContext.builder().build();
        JudgeCalls calls = new JudgeCalls(judge, ctx, true);
        AlignmentExample e = train.get(0);
        List<JudgeCalls.Run> first = calls.run(List.of(new JudgeCalls.Call(program, e, 0.0, 0),
                new JudgeCalls.Call(JudgeProgram.of(program.instructions(), List.of()), e, 0.0, 0)));
        List<JudgeCalls.Run> second = calls.run(List.of(new JudgeCalls.Call(program, e, 0.0, 0),
                new JudgeCalls.Call(program, e, 0.7, 0), new JudgeCalls.Call(program, e, 0.0, 3)));
        assertEquals(3, judge.calls()); // the equal program and the repeat were served from the cache
        assertEquals(2, ctx.counters().cachedEvaluations());
        assertTrue(first.get(1).cached() && second.get(0).cached());
        assertEquals(1.0, second.get(0).score());
    }
}
