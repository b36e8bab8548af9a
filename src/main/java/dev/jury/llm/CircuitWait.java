package dev.jury.llm;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Background work waiting out a provider's open circuit ({@code jury.llm.circuit}) instead of failing: a judge run's
 * trace or an alignment's judge call that met {@code CIRCUIT_OPEN} made no call at all, so it sleeps until the circuit
 * lets a trial call through and calls again. One instance per unit of work and model, shared by its threads: the log
 * says "Paused" once per outage and "Resumed" at the first call that goes through after a wait.
 *
 * <p>Only work that can wait uses it; a request thread (assess, test a judge) reports {@code CIRCUIT_OPEN} at once.
 * How long to wait for a provider that stays down is the caller's choice ({@link #pausedFor()}): a judge run waits
 * until cancelled, an alignment run gives up after {@code jury.alignment.max-provider-outage}.
 */
public final class CircuitWait {

    private final Supplier<Duration> retryIn;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile long pausedAt;

    /**
     * @param retryIn how long calls still fail fast; zero when they go through ({@link LlmClient#pausedFor})
     * @param warn    where "Paused" is logged, e.g. the job's log
     * @param info    where "Resumed" is logged
     */
    public CircuitWait(Supplier<Duration> retryIn, Consumer<String> warn, Consumer<String> info) {
        this.retryIn = retryIn;
        this.warn = warn;
        this.info = info;
    }

    /** The wait for one model's provider. */
    public static CircuitWait of(LlmClient llm, String model, Consumer<String> warn, Consumer<String> info) {
        return new CircuitWait(() -> llm.pausedFor(model), warn, info);
    }

    /**
     * Makes {@code call}; when it meets {@code CIRCUIT_OPEN} (no call was made), waits until the circuit lets calls
     * through and makes it again, logging "Resumed" when a call made after a wait goes through.
     *
     * @param stop checked while waiting (cancel, shutdown, the work ended elsewhere)
     * @throws LlmException the call's own faults; the {@code CIRCUIT_OPEN} it met when stopped (or interrupted, the
     *                      flag kept) while waiting — the caller gives the call up
     */
    public <T> T call(Supplier<T> call, BooleanSupplier stop) {
        boolean waited = false;
        while (true) {
            try {
                T result = call.get();
                if (waited) {
                    callWentThrough(); // not a call that was out before the circuit opened
                }
                return result;
            } catch (LlmException e) {
                if (e.kind() != LlmException.Kind.CIRCUIT_OPEN || !await(stop)) {
                    throw e;
                }
                waited = true;
            }
        }
    }

    /**
     * Sleeps until the circuit lets calls through. Call it after {@code CIRCUIT_OPEN}; call
     * {@link #callWentThrough()} once the next call succeeds.
     *
     * @param stop checked between naps (cancel, shutdown, the work ended elsewhere)
     * @return {@code false} when stopped (or interrupted, the flag kept) while waiting: the caller gives up the call
     */
    public boolean await(BooleanSupplier stop) {
        Duration left = retryIn.get();
        if (paused.compareAndSet(false, true)) {
            pausedAt = System.nanoTime();
            warn.accept("Paused: the provider's circuit is open (repeated failures); the work goes on when it lets "
                    + "calls through again, in about " + Math.max(1, (left.toMillis() + 999) / 1000) + " s. Calls "
                    + "waiting meanwhile are not counted as errors.");
        }
        do { // at least once: while a trial call is out the circuit fails the others fast and says "go" (zero)
            if (stop.getAsBoolean()) {
                return false;
            }
            try {
                // a little jitter, so that the waiting threads do not all call again at the same millisecond
                Thread.sleep(Math.max(100, Math.min(left.toMillis(), 1_000))
                        + ThreadLocalRandom.current().nextInt(1, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            left = retryIn.get();
        } while (!left.isZero());
        return !stop.getAsBoolean();
    }

    /** A call made after {@link #await} went through: logs "Resumed" once for the outage. */
    public void callWentThrough() {
        if (paused.get() && paused.compareAndSet(true, false)) {
            info.accept("Resumed: the provider's circuit lets calls through again.");
        }
    }

    /** Whether an outage was logged and no call has gone through since. */
    public boolean isPaused() {
        return paused.get();
    }

    /** How long the current outage has lasted: since "Paused" was logged; zero when not paused. */
    public Duration pausedFor() {
        return paused.get() ? Duration.ofNanos(System.nanoTime() - pausedAt) : Duration.ZERO;
    }
}
