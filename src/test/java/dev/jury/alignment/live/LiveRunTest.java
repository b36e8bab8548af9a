package dev.jury.alignment.live;

import dev.jury.llm.CircuitWait;
import dev.jury.llm.LlmException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveRunTest {

    private final List<String> log = new ArrayList<>();
    private final List<String> waitedFor = new ArrayList<>();
    /** Every provider's circuit lets a call through at the first look (each wait still naps once). */
    private final Function<String, CircuitWait> waits = model -> {
        waitedFor.add(model);
        return new CircuitWait(() -> Duration.ZERO, log::add, log::add);
    };

    private static LlmException fault(LlmException.Kind kind) {
        return new LlmException(kind, "databricks", kind == LlmException.Kind.CIRCUIT_OPEN ? 0 : 3, kind.outcome());
    }

    /** Throws {@code faults} in turn, then answers "yes". */
    private static Supplier<String> provider(AtomicInteger calls, LlmException... faults) {
        return () -> {
            int n = calls.getAndIncrement();
            if (n < faults.length) {
                throw faults[n];
            }
            return "yes";
        };
    }

    @Test
    void anOpenCircuitIsWaitedOutAndTheCallMadeAgain() {
        var run = new LiveRun(7L, null, null, waits, () -> false, Duration.ofSeconds(30));
        var calls = new AtomicInteger();
        String answer = run.call("judge", "databricks:/m", provider(calls,
                fault(LlmException.Kind.CIRCUIT_OPEN), fault(LlmException.Kind.CIRCUIT_OPEN)));
        assertEquals("yes", answer);
        assertEquals(3, calls.get());
        assertFalse(run.failed(), "an open circuit is not a fault of the run");
        assertEquals(List.of("databricks:/m"), waitedFor, "one wait per model, reused");
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("Paused: the provider's circuit is open"), log.get(0));
        assertEquals("Resumed: the provider's circuit lets calls through again.", log.get(1));
    }

    @Test
    void withoutWaitsAnOpenCircuitIsFatalAsBefore() {
        var run = new LiveRun(7L, null, null);
        var e = assertThrows(LlmException.class, () -> run.call("judge", "databricks:/m",
                provider(new AtomicInteger(), fault(LlmException.Kind.CIRCUIT_OPEN))));
        assertEquals(LlmException.Kind.CIRCUIT_OPEN, e.kind());
        assertTrue(run.failed());
        assertTrue(run.failure().orElseThrow().startsWith("judge failed: "), run.failure().orElseThrow());
    }

    @Test
    void aProviderThatStaysDownStillEndsTheRun() {
        // each trial call fails and re-opens the circuit: the run waits no longer than its maximum outage
        var run = new LiveRun(7L, null, null, waits, () -> false, Duration.ofMillis(300));
        var calls = new AtomicInteger();
        long start = System.nanoTime();
        var e = assertThrows(LlmException.class, () -> run.call("reflection", "databricks:/m", () -> {
            calls.incrementAndGet();
            throw new LlmException(LlmException.Kind.CIRCUIT_OPEN, "databricks", 1, "paused (last: HTTP 500)");
        }));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(LlmException.Kind.CIRCUIT_OPEN, e.kind());
        assertTrue(calls.get() >= 3, "waited and tried again: " + calls.get());
        assertTrue(tookMs >= 300 && tookMs < 5_000, "gave up after the maximum outage: " + tookMs + " ms");
        assertTrue(run.failed());
        assertTrue(run.failure().orElseThrow().startsWith("reflection failed: the provider's circuit stayed open for"),
                run.failure().orElseThrow());
    }

    @Test
    void eachOutageIsMeasuredFromItsOwnStart() {
        var run = new LiveRun(7L, null, null, waits, () -> false, Duration.ofMillis(400));
        for (int i = 0; i < 4; i++) { // about 200 ms each, 800 ms in all
            var calls = new AtomicInteger();
            assertEquals("yes", run.call("judge", "databricks:/m", provider(calls,
                    fault(LlmException.Kind.CIRCUIT_OPEN), fault(LlmException.Kind.CIRCUIT_OPEN))));
            assertEquals(3, calls.get());
        }
        assertFalse(run.failed(), "a call went through after each outage");
        assertEquals(8, log.size(), "Paused and Resumed four times: " + log);
    }

    @Test
    void aCancelEndsTheWaitWithoutFailingTheRun() {
        var run = new LiveRun(7L, null, null, waits, () -> true, Duration.ofSeconds(30));
        var calls = new AtomicInteger();
        var e = assertThrows(LlmException.class, () -> run.call("judge", "databricks:/m",
                provider(calls, fault(LlmException.Kind.CIRCUIT_OPEN))));
        assertEquals(LlmException.Kind.INTERRUPTED, e.kind());
        assertEquals(1, calls.get(), "not called again");
        assertFalse(run.failed(), "a cancel is not the provider's fault");
    }
}
