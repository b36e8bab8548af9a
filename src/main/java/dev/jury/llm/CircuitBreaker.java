package dev.jury.llm;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A provider's circuit: after {@code failureThreshold} consecutive failed attempts (5xx, timeouts, connection
 * errors) it opens and calls fail fast; after {@code openDuration} one trial call is let through (half-open) — its
 * success closes the circuit, its failure opens it again. Answers that show the provider is up but refuses this
 * request (4xx) count as successes; rate limiting (429) counts as neither. Thread-safe.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long openNanos;
    private final LongSupplier nanoClock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openUntil;
    private boolean trialInFlight;

    CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoClock) {
        this.failureThreshold = Math.max(1, failureThreshold);
        this.openNanos = openDuration.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Whether an attempt may go out now; when half-open, only one trial at a time gets a yes. */
    synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (nanoClock.getAsLong() - openUntil < 0) {
                    return false;
                }
                state = State.HALF_OPEN;
                trialInFlight = true;
                return true;
            default:
                if (trialInFlight) {
                    return false;
                }
                trialInFlight = true;
                return true;
        }
    }

    synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    /** @return whether this failure opened the circuit */
    synchronized boolean onFailure() {
        if (state == State.HALF_OPEN) {
            open();
            return true;
        }
        consecutiveFailures++;
        if (state == State.CLOSED && consecutiveFailures >= failureThreshold) {
            open();
            return true;
        }
        return false;
    }

    /** An attempt that says nothing about the provider's health (429): a half-open trial slot is freed. */
    synchronized void onNeutral() {
        if (state == State.HALF_OPEN) {
            trialInFlight = false;
        }
    }

    synchronized State state() {
        if (state == State.OPEN && nanoClock.getAsLong() - openUntil >= 0) {
            return State.HALF_OPEN;
        }
        return state;
    }

    synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** How long until a trial call is allowed; zero unless open. */
    synchronized Duration retryIn() {
        if (state != State.OPEN) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, openUntil - nanoClock.getAsLong()));
    }

    private void open() {
        state = State.OPEN;
        openUntil = nanoClock.getAsLong() + openNanos;
        trialInFlight = false;
    }
}
