package dev.jury.llm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CircuitBreaker circuit = new CircuitBreaker(3, Duration.ofSeconds(30), now::get);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(circuit.tryAcquire());
            circuit.onFailure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        fail(2);
        assertTrue(circuit.tryAcquire());
        circuit.onSuccess();
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, circuit.state(), "a success in between resets the count");
        fail(1);
        assertEquals(CircuitBreaker.State.OPEN, circuit.state());
        assertFalse(circuit.tryAcquire());
        assertEquals(Duration.ofSeconds(30), circuit.retryIn());
    }

    @Test
    void halfOpenLetsOneTrialThroughAndItsOutcomeDecides() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertFalse(circuit.tryAcquire());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(CircuitBreaker.State.HALF_OPEN, circuit.state());
        assertTrue(circuit.tryAcquire(), "the trial");
        assertFalse(circuit.tryAcquire(), "only one trial at a time");
        circuit.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, circuit.state(), "a failed trial opens it again");
        assertFalse(circuit.tryAcquire());

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertTrue(circuit.tryAcquire());
        circuit.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, circuit.state());
        assertTrue(circuit.tryAcquire());
        assertTrue(circuit.tryAcquire());
    }

    @Test
    void aNeutralTrialFreesTheSlotWithoutClosing() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertTrue(circuit.tryAcquire());
        circuit.onNeutral(); // e.g. 429: says nothing about health
        assertEquals(CircuitBreaker.State.HALF_OPEN, circuit.state());
        assertTrue(circuit.tryAcquire(), "the next caller may try");
    }
}
