package dev.jury.alignment.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.llm.ChatMessage;
import dev.jury.llm.ChatRequest;
import dev.jury.llm.LlmClient;
import dev.jury.llm.LlmException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a live alignment run hands to its optimizer through the context ({@code ctx.attribute(LiveRun.class)}): the
 * job whose LLM calls are being accounted, the reflection model, the whole traces for {@code {{ trace }}}, and the
 * fault watch that stops a run whose model cannot answer at all.
 *
 * <p>An optimizer scores a failed judge call 0 and goes on, which is right for a model's occasional mistake and wrong
 * for a provider that is down: the run would "finish" with every score 0 and nothing learnt. So a fault that will not
 * heal by itself (not configured, unknown provider, bad credentials, circuit open) or {@link #MAX_CONSECUTIVE_FAULTS}
 * provider failures in a row mark the run failed; the job's cancellation check sees it and the job ends FAILED with
 * this reason.
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

    /**
     * @param jobId           the job the LLM calls are recorded under; may be null
     * @param reflectionModel the reflection model URI; may be null for optimizers without one
     * @param wholeTraces     trace id → the whole trace as {@code {{ trace }}} shows it; traces missing here get
     *                        one built from the example's fields
     */
    public LiveRun(Long jobId, String reflectionModel, Map<String, JsonNode> wholeTraces) {
        this.jobId = jobId;
        this.reflectionModel = reflectionModel;
        this.wholeTraces = wholeTraces == null ? Map.of() : Map.copyOf(wholeTraces);
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
        try {
            String reply = llm.chat(new ChatRequest(model, List.of(ChatMessage.system(system), ChatMessage.user(user)),
                    null, null, null, null, jobId)).text();
            succeeded();
            return reply;
        } catch (LlmException e) {
            fault(what, e);
            throw e;
        }
    }

    void succeeded() {
        consecutiveFaults.set(0);
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
}
