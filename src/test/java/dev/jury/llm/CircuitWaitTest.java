package dev.jury.llm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitWaitTest {

    private final List<String> log = new ArrayList<>();

    /** The circuit's answers to "how long still", one per question; the last one repeats. */
    private static Supplier<Duration> retryIn(long... millis) {
        var answers = new ArrayDeque<Duration>();
        for (long m : millis) {
            answers.add(Duration.ofMillis(m));
        }
        return () -> answers.size() > 1 ? answers.poll() : answers.peek();
    }

    private CircuitWait wait(Supplier<Duration> retryIn) {
        return new CircuitWait(retryIn, m -> log.add("WARN " + m), m -> log.add("INFO " + m));
    }

    @Test
    void sleepsUntilTheCircuitLetsCallsThroughAndLogsOneOutageOnce() {
        var asked = new AtomicInteger();
        Supplier<Duration> answers = retryIn(1_500, 150, 120, 0);
        CircuitWait wait = wait(() -> {
            asked.incrementAndGet();
            return answers.get();
        });
        long start = System.nanoTime();
        assertTrue(wait.await(() -> false));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(4, asked.get(), "asked again after each nap until zero");
        assertTrue(waitedMs >= 300, "three naps of at least 100 ms: " + waitedMs);
        assertTrue(wait.await(() -> false), "a second thread of the same outage");
        assertEquals(1, log.size(), "'Paused' once per outage: " + log);
        assertTrue(log.get(0).startsWith("WARN Paused: the provider's circuit is open"), log.get(0));
        assertTrue(log.get(0).contains("in about 2 s"), "the first answer, rounded up to a second: " + log.get(0));
        assertTrue(wait.isPaused());

        wait.callWentThrough();
        wait.callWentThrough();
        assertEquals(List.of("INFO Resumed: the provider's circuit lets calls through again."), log.subList(1, 2));
        assertEquals(2, log.size(), "'Resumed' once");
        assertFalse(wait.isPaused());

        assertTrue(wait.await(() -> false), "the next outage");
        assertEquals(3, log.size(), "is logged again: " + log);
    }

    @Test
    void napsAtLeastOnceEvenWhenTheCircuitSaysGo() {
        // while the trial call is out, the circuit fails other calls fast and says zero: they must not spin
        var asked = new AtomicInteger();
        CircuitWait wait = wait(() -> {
            asked.incrementAndGet();
            return Duration.ZERO;
        });
        long start = System.nanoTime();
        assertTrue(wait.await(() -> false));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 100, "one nap");
        assertEquals(2, asked.get());
    }

    @Test
    void aStopEndsTheWait() {
        var checks = new AtomicInteger();
        CircuitWait wait = wait(retryIn(30_000));
        assertFalse(wait.await(() -> checks.incrementAndGet() > 2), "stopped after two naps, not after 30 s");
        assertEquals(3, checks.get());
        assertFalse(wait(retryIn(30_000)).await(() -> true), "stopped before the first nap");
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() {
        CircuitWait wait = wait(retryIn(30_000));
        Thread.currentThread().interrupt();
        try {
            assertFalse(wait.await(() -> false));
            assertTrue(Thread.currentThread().isInterrupted(), "the flag is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void callMakesTheCallAgainAfterTheWaitAndGivesItUpWhenStopped() {
        var calls = new AtomicInteger();
        CircuitWait wait = wait(retryIn(0));
        String answer = wait.call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new LlmException(LlmException.Kind.CIRCUIT_OPEN, "databricks", 0, "open");
            }
            return "yes";
        }, () -> false);
        assertEquals("yes", answer);
        assertEquals(2, calls.get());
        assertEquals(2, log.size(), "Paused, then Resumed: " + log);
        assertTrue(log.get(1).startsWith("INFO Resumed"), log.get(1));

        var refused = new LlmException(LlmException.Kind.CIRCUIT_OPEN, "databricks", 0, "open");
        assertSame(refused, assertThrows(LlmException.class, () -> wait.call(() -> {
            throw refused;
        }, () -> true)), "stopped: the refusal it met is rethrown");
        var failed = new LlmException(LlmException.Kind.SERVER_ERROR, "databricks", 5, "HTTP 500");
        assertSame(failed, assertThrows(LlmException.class, () -> wait.call(() -> {
            throw failed;
        }, () -> false)), "other faults are not waited for");
    }
}
