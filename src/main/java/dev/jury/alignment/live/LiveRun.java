package dev.jury.alignment.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.llm.ChatMessage;
import dev.jury.llm.ChatRequest;
import dev.jury.llm.CircuitWait;
import dev.jury.llm.LlmClient;
import dev.jury.llm.LlmException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a live alignment run hands to its optimizer through the context ({@code ctx.attribute(LiveRun.class)}): the
 * job whose LLM calls are being accounted, the reflection model, the whole traces for {@code {{ trace }}}, and the
 * fault watch that stops a run whose model cannot answer at all.
 *
 * <p>An optimizer scores a failed judge call 0 and goes on, which is right for a model's occasional mistake and wrong
 * for a provider that is down: the run would "finish" with every score 0 and nothing learnt. So a fault that will not
 * heal by itself (not configured, unknown provider, bad credentials) or {@link #MAX_CONSECUTIVE_FAULTS} provider
 * failures in a row mark the run failed; the job's cancellation check sees it and the job ends FAILED with this
 * reason. An open circuit is waited out when the run has a {@link CircuitWait} per model (a live run always does): a
 * run of many minutes should not die of a 30 s outage. A provider that stays down — every trial call fails and
 * re-opens the circuit — ends the run once the outage has lasted longer than its {@code maxOutage}
 * ({@code jury.alignment.max-provider-outage}). Without waits, an open circuit is fatal as well.
 */
public final class LiveRun {

    /** Provider failures in a row (after the client's own retries) that stop the run. */
    public static final int MAX_CONSECUTIVE_FAULTS = 10;

    private static final Set<LlmException.Kind> FATAL = Set.of(LlmException.Kind.NOT_CONFIGURED,
            LlmException.Kind.UNKNOWN_PROVIDER, LlmException.Kind.AUTHENTICATION, LlmException.Kind.CIRCUIT_OPEN);

    private final Long jobId;
    private final String reflectionModel;
    private final Map<String, JsonNode> wholeTraces;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicInteger consecutiveFaults = new AtomicInteger();
    private final Function<String, CircuitWait> circuitWaits;
    private final Map<String, CircuitWait> waits = new ConcurrentHashMap<>();
    private final BooleanSupplier cancelled;
    private final Duration maxOutage;

    /**
     * A run without waiting: an open circuit is fatal (tests and the optimizers' pure fallback).
     *
     * @param jobId           the job the LLM calls are recorded under; may be null
     * @param reflectionModel the reflection model URI; may be null for optimizers without one
     * @param wholeTraces     trace id → the whole trace as {@code {{ trace }}} shows it; traces missing here get
     *                        one built from the example's fields
     */
    public LiveRun(Long jobId, String reflectionModel, Map<String, JsonNode> wholeTraces) {
        this(jobId, reflectionModel, wholeTraces, null, () -> false, Duration.ZERO);
    }

    /**
     * @param circuitWaits model URI → the wait for its provider's open circuit; {@code null}: an open circuit is fatal
     * @param cancelled    whether the run was cancelled, checked while waiting
     * @param maxOutage    how long an outage is waited out before the run fails
     */
    public LiveRun(Long jobId, String reflectionModel, Map<String, JsonNode> wholeTraces,
                   Function<String, CircuitWait> circuitWaits, BooleanSupplier cancelled, Duration maxOutage) {
        this.jobId = jobId;
        this.reflectionModel = reflectionModel;
        this.wholeTraces = wholeTraces == null ? Map.of() : Map.copyOf(wholeTraces);
        this.circuitWaits = circuitWaits;
        this.cancelled = cancelled;
        this.maxOutage = maxOutage;
    }

    public Long jobId() {
        return jobId;
    }

    public Optional<String> reflectionModel() {
        return Optional.ofNullable(reflectionModel).filter(m -> !m.isBlank());
    }

    public Optional<JsonNode> wholeTrace(String traceId) {
        return Optional.ofNullable(wholeTraces.get(traceId));
    }

    /** Why the run must stop, once a fatal fault was seen. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure.get());
    }

    public boolean failed() {
        return failure.get() != null;
    }

    /**
     * One call of a helper model of the run (reflection, distillation) at the provider's default temperature, recorded
     * under the run's job; a provider fault counts on the fault watch before it is rethrown.
     *
     * @param what the call's role in the log, e.g. {@code reflection}
     */
    String ask(LlmClient llm, String model, String system, String user, String what) {
        return call(what, model, () -> llm.chat(new ChatRequest(model,
                List.of(ChatMessage.system(system), ChatMessage.user(user)), null, null, null, null, jobId)).text());
    }

    /**
     * One LLM call of the run on the fault watch: a success resets it, a provider fault counts before it is rethrown,
     * and an open circuit is waited out (then the call is made again) when the run has waits.
     *
     * @param what  the call's role in the log, e.g. {@code judge}
     * @param model the model URI whose provider's circuit is waited for
     * @throws LlmException the call's fault; {@code INTERRUPTED} when the run stopped while waiting
     */
    <T> T call(String what, String model, Supplier<T> call) {
        CircuitWait wait = circuitWaits == null ? null : waits.computeIfAbsent(model, circuitWaits);
        try {
            T result = wait == null ? call.get()
                    : wait.call(call, () -> cancelled.getAsBoolean() || failed() || outageTooLong(wait, what));
            consecutiveFaults.set(0);
            return result;
        } catch (LlmException e) {
            if (wait != null && e.kind() == LlmException.Kind.CIRCUIT_OPEN) { // stopped while waiting
                if (failed()) {
                    throw e;
                }
                throw new LlmException(LlmException.Kind.INTERRUPTED, e.provider(), 0,
                        "The run stopped while the provider's circuit was open.");
            }
            fault(what, e);
            throw e;
        }
    }

    void fault(String what, LlmException e) {
        if (e.kind() == LlmException.Kind.INTERRUPTED) {
            return; // the run is being cancelled; not the provider's fault
        }
        if (FATAL.contains(e.kind())) {
            failure.compareAndSet(null, what + " failed: " + e.getMessage());
        } else if (consecutiveFaults.incrementAndGet() >= MAX_CONSECUTIVE_FAULTS) {
            failure.compareAndSet(null, MAX_CONSECUTIVE_FAULTS + " LLM calls in a row failed; the last " + what
                    + " call: " + e.getMessage());
        }
    }

    private boolean outageTooLong(CircuitWait wait, String what) {
        Duration outage = wait.pausedFor();
        if (outage.compareTo(maxOutage) <= 0) {
            return false;
        }
        failure.compareAndSet(null, what + " failed: the provider's circuit stayed open for " + outage.toSeconds()
                + " s (more than jury.alignment.max-provider-outage, " + maxOutage.toSeconds() + " s); check that"
                + " the provider is up.");
        return true;
    }
}
