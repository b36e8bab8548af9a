package dev.jury.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.llm.embedded.EmbeddedJudge;
import dev.jury.llm.embedded.EmbeddingService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The one way Jury talks to LLMs. Per provider: a fair concurrency limit, retries with exponential backoff and full
 * jitter on 429/5xx/timeouts/connection errors (honouring {@code Retry-After}), a circuit breaker, a per-attempt
 * timeout. Deterministic requests (temperature exactly 0) are served from {@code llm_cache}, and identical ones in
 * flight at the same moment share one provider call. Every call is recorded in {@code llm_call} (docs/llm.md).
 * <p>
 * Blocking: call it from a job's worker thread (or an executor), never from an HTTP event loop.
 */
@ApplicationScoped
public class LlmClient {

    private static final Logger LOG = Logger.getLogger(LlmClient.class);

    @Inject
    LlmConfig config;

    @Inject
    LlmProviders providers;

    @Inject
    LlmCache cache;

    @Inject
    LlmCallRecorder recorder;

    @Inject
    MeterRegistry registry;

    @Inject
    EmbeddingService embeddings;

    private static final ObjectMapper JSON = new ObjectMapper();
    private EmbeddedJudge embeddedJudge;

    private final Map<Provider, ProviderClient> clients = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ChatResponse>> inFlight = new ConcurrentHashMap<>();
    private RetryPolicy retryPolicy;
    /**
     * The event loop of every provider connection: a Vert.x of its own rather than Quarkus', so that a call's I/O
     * never waits behind the HTTP server's event loops and never runs on the context of the request or job that
     * waits for it (one loop is plenty: a call costs ≈ 0.1–0.3 ms of it, docs/performance.md "Judge runs: the HTTP
     * client").
     */
    private Vertx vertx;

    @PostConstruct
    void init() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        var retry = config.retry();
        retryPolicy = new RetryPolicy(retry.initialBackoff(), retry.maxBackoff(), retry.maxRetryAfter());
        embeddedJudge = new EmbeddedJudge(embeddings);
    }

    @PreDestroy
    void close() {
        vertx.close();
    }

    /**
     * Sends one chat request.
     *
     * @throws LlmException when the model URI is malformed or unknown, the provider is not configured, or the call
     *                      still fails after the retries this failure allows; {@link LlmException#kind()} says which
     */
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        long started = System.nanoTime();
        ProviderModel target = ProviderModel.parse(request.model());
        if (request.messages().isEmpty()) {
            throw failed(target, request, started, 0, new LlmException(LlmException.Kind.BAD_REQUEST,
                    target.provider().id, 0, "A chat request to " + target + " needs at least one message."));
        }
        Optional<String> missing = providers.missingConfiguration(target.provider().id);
        if (missing.isPresent()) {
            throw failed(target, request, started, 0, new LlmException(LlmException.Kind.NOT_CONFIGURED,
                    target.provider().id, 0, missing.get()));
        }
        if (target.provider().isLocal()) {
            return local(target, request, started);
        }
        ProviderClient client = clientFor(target.provider());
        if (!config.cache().enabled() || !request.isDeterministic()) {
            return call(target, client, request, started);
        }

        String key = CacheKey.of(client.baseUrl, target, request);
        Optional<LlmCache.Entry> hit = cache.find(key);
        if (hit.isPresent()) {
            return served(target, request, started, hit.get());
        }
        var mine = new CompletableFuture<ChatResponse>();
        CompletableFuture<ChatResponse> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            try {
                ChatResponse shared = leader.get();
                return served(target, request, started,
                        new LlmCache.Entry(shared.text(), shared.inputTokens(), shared.outputTokens()));
            } catch (ExecutionException leaderFailed) {
                return call(target, client, request, started); // its failure may have been transient
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed(target, request, started, 0, interrupted(target, 0));
            }
        }
        try {
            ChatResponse response = call(target, client, request, started);
            cache.store(key, target, new LlmCache.Entry(response.text(), response.inputTokens(),
                    response.outputTokens()));
            mine.complete(response);
            return response;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /**
     * A call to the in-process offline judge: no retries, circuit or concurrency slots (there is no provider to
     * protect), and no {@code llm_cache} row (recomputing a vote from cached embeddings costs less than the row);
     * recorded like every other call, with no tokens. Its answer is the same JSON an LLM is asked for, so the judges
     * package parses it the same way. Temperature is ignored: the model is deterministic.
     */
    private ChatResponse local(ProviderModel target, ChatRequest request, long started) {
        if (!EmbeddedJudge.MODEL.equals(target.model())) {
            throw failed(target, request, started, 0, new LlmException(LlmException.Kind.BAD_REQUEST,
                    target.provider().id, 0, "Unknown offline model '" + LlmException.abbreviate(target.model(), 60)
                    + "'. The embedded provider has one model: " + LlmProviders.embeddedModelUri() + "."));
        }
        if (request.embeddedTask() == null) {
            throw failed(target, request, started, 0, new LlmException(LlmException.Kind.BAD_REQUEST,
                    target.provider().id, 0, LlmProviders.embeddedModelUri() + " is a small offline judge, not a "
                    + "chat model: it answers judge calls only. Tasks that need an LLM (e.g. SIMBA's reflection model) "
                    + "need a configured provider (docs/llm.md)."));
        }
        EmbeddedJudge.Answer answer;
        try {
            answer = embeddedJudge.answer(request.embeddedTask());
        } catch (RuntimeException e) {
            LOG.errorf(e, "The offline judge failed");
            throw failed(target, request, started, 1, new LlmException(LlmException.Kind.SERVER_ERROR,
                    target.provider().id, 1, "The offline judge " + target + " failed: " + e.getMessage()));
        }
        // "confidence" is the vote margin (0 a tie … 1 unanimous): stored with the verdict, it is the embedded
        // judge's uncertainty for review queues fed by it (docs/production.md).
        var body = JSON.createObjectNode().put("result", answer.value()).put("rationale", answer.rationale())
                .put("confidence", Math.round(Math.min(1, Math.max(0, answer.margin())) * 10_000) / 10_000.0);
        var response = new ChatResponse(body.toString(), 0, 0, false, elapsedMillis(started), 1);
        record(target, request, 0, 0, response.latencyMs(), 1, "ok", false);
        return response;
    }

    /**
     * How long calls to this model's provider will still fail fast because its circuit is open; zero when calls go
     * through (closed, or open long enough for a trial call). Background work that can wait — online scoring —
     * pauses this long instead of turning every waiting trace into a {@code CIRCUIT_OPEN} failure.
     */
    public Duration pausedFor(String modelUri) {
        ProviderModel target;
        try {
            target = ProviderModel.parse(modelUri);
        } catch (RuntimeException e) {
            return Duration.ZERO; // the call itself reports the bad URI
        }
        if (target.provider().isLocal()) {
            return Duration.ZERO;
        }
        ProviderClient client = clients.get(target.provider());
        return client == null ? Duration.ZERO : client.circuit.retryIn();
    }

    /** What a job's LLM calls used so far (calls recorded a moment ago included). */
    public LlmCall.Usage usageForJob(long jobId) {
        try {
            recorder.flush();
        } catch (SQLException e) {
            LOG.warnf("Could not write pending LLM call records (%s); usage may be incomplete", e.getMessage());
        }
        return QuarkusTransaction.joiningExisting().call(() -> LlmCall.usageForJob(jobId));
    }

    // ---- one call with retries --------------------------------------------------------------------------------

    private ChatResponse call(ProviderModel target, ProviderClient client, ChatRequest request, long started) {
        ChatResponse response;
        try {
            response = callWithRetries(target, client, request, started);
        } catch (AttemptsExhausted e) {
            throw failed(target, request, started, e.attempts, e.exception);
        }
        record(target, request, response.inputTokens(), response.outputTokens(), response.latencyMs(),
                response.attempts(), "ok", false);
        return response;
    }

    /** A final failure together with the number of provider calls it took. */
    private static final class AttemptsExhausted extends Exception {
        final int attempts;
        final LlmException exception;

        AttemptsExhausted(int attempts, LlmException exception) {
            super(null, null, false, false);
            this.attempts = attempts;
            this.exception = exception;
        }
    }

    private ChatResponse callWithRetries(ProviderModel target, ProviderClient client, ChatRequest request,
                                         long started) throws AttemptsExhausted {
        boolean withSchema = request.responseSchema() != null && !client.refusesSchema(target.model());
        int maxAttempts = 1 + client.maxRetries;
        int attempts = 0;
        ProviderClient.AttemptFailure last = null;
        while (true) {
            if (!client.circuit.tryAcquire()) {
                throw new AttemptsExhausted(attempts, circuitOpen(target, client, attempts, last));
            }
            try {
                client.slots.acquire();
            } catch (InterruptedException e) {
                client.circuit.onNeutral();
                Thread.currentThread().interrupt();
                throw new AttemptsExhausted(attempts, interrupted(target, attempts));
            }
            attempts++;
            ProviderClient.Reply reply = null;
            ProviderClient.AttemptFailure failure = null;
            try {
                reply = client.attempt(target.model(), request, withSchema);
            } catch (ProviderClient.AttemptFailure f) {
                failure = f;
            } finally {
                client.slots.release();
            }
            if (reply != null) {
                client.circuit.onSuccess();
                return new ChatResponse(reply.text(), reply.inputTokens(), reply.outputTokens(), false,
                        elapsedMillis(started), attempts);
            }
            last = failure;
            noteOnCircuit(target, client, failure);
            if (failure.schemaRefused) {
                client.rememberSchemaRefused(target.model());
                LOG.infof("%s refused structured output (%s); calling it without a response schema from now on",
                        target, failure.getMessage());
                withSchema = false;
                maxAttempts++; // the refusal is the provider's limitation, not a failure to spend a retry on
                continue;
            }
            if (!failure.kind.isRetryable() || attempts >= maxAttempts) {
                throw new AttemptsExhausted(attempts, finalFailure(target, client, failure, attempts));
            }
            Duration delay = retryPolicy.delay(attempts, failure.retryAfter, ThreadLocalRandom.current()::nextDouble);
            Counter.builder("jury.llm.retries").description("LLM attempts that were retried")
                    .tags("provider", target.provider().id, "reason", failure.kind.outcome())
                    .register(registry).increment();
            LOG.debugf("%s attempt %d of %d failed (%s); retrying in %d ms", target, attempts, maxAttempts,
                    failure.getMessage(), delay.toMillis());
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AttemptsExhausted(attempts, interrupted(target, attempts));
            }
        }
    }

    private void noteOnCircuit(ProviderModel target, ProviderClient client, ProviderClient.AttemptFailure failure) {
        if (failure.kind.isProviderUnhealthy()) {
            if (client.circuit.onFailure()) {
                LOG.warnf("Circuit for %s opened after repeated failures (last: %s); calls fail fast for %d s",
                        client.describeProvider(), failure.getMessage(), config.circuit().openDuration().toSeconds());
            }
        } else if (failure.kind == LlmException.Kind.RATE_LIMITED || failure.kind == LlmException.Kind.INTERRUPTED) {
            client.circuit.onNeutral();
        } else {
            client.circuit.onSuccess(); // it answered: up, even if it refused this request
        }
    }

    // ---- outcomes ---------------------------------------------------------------------------------------------

    private ChatResponse served(ProviderModel target, ChatRequest request, long started, LlmCache.Entry entry) {
        var response = new ChatResponse(entry.text(), entry.inputTokens(), entry.outputTokens(), true,
                elapsedMillis(started), 0);
        record(target, request, entry.inputTokens(), entry.outputTokens(), response.latencyMs(), 0, "ok", true);
        return response;
    }

    private LlmException failed(ProviderModel target, ChatRequest request, long started, int attempts,
                                LlmException exception) {
        record(target, request, 0, 0, elapsedMillis(started), attempts, exception.kind().outcome(), false);
        return exception;
    }

    private void record(ProviderModel target, ChatRequest request, int inputTokens, int outputTokens,
                        long latencyMs, int attempts, String outcome, boolean cached) {
        String provider = target.provider().id;
        recorder.record(new LlmCallRecorder.Entry(provider, target.model(), request.jobId(), inputTokens,
                outputTokens, latencyMs, attempts, outcome, cached, Instant.now()));
        Timer.builder("jury.llm.calls").description("LLM calls by provider and outcome")
                .tags("provider", provider, "outcome", cached ? "cached" : outcome)
                .register(registry).record(latencyMs, TimeUnit.MILLISECONDS);
        if (!cached) {
            Counter.builder("jury.llm.tokens").description("Tokens used by LLM calls")
                    .tags("provider", provider, "direction", "input").register(registry).increment(inputTokens);
            Counter.builder("jury.llm.tokens").description("Tokens used by LLM calls")
                    .tags("provider", provider, "direction", "output").register(registry).increment(outputTokens);
        }
    }

    private LlmException finalFailure(ProviderModel target, ProviderClient client,
                                      ProviderClient.AttemptFailure failure, int attempts) {
        Provider p = target.provider();
        String tries = attempts == 1 ? "" : " on all " + attempts + " attempts";
        String message = switch (failure.kind) {
            case RATE_LIMITED -> target + " is rate-limiting Jury (" + failure.getMessage() + tries + "). Lower "
                    + p.configKey("max-concurrency") + " or ask the provider for a higher limit.";
            case SERVER_ERROR -> target + " failed" + tries + " (" + failure.getMessage() + "). Check that the "
                    + "provider at " + client.baseUrl + " is up; retries are set by " + p.configKey("max-retries") + ".";
            case TIMEOUT -> target + " did not answer within " + client.timeout.toMillis() + " ms" + tries
                    + ". Raise " + p.configKey("timeout") + " or check the provider's load.";
            case AUTHENTICATION -> target + " refused Jury's credentials (" + failure.getMessage() + "). Check "
                    + p.setting("api-key") + ".";
            case MALFORMED_RESPONSE -> target + " answered with something that is not a chat completion ("
                    + failure.getMessage() + "). Check that " + p.setting("base-url") + " points at "
                    + (p.speaksOpenAi() ? "an OpenAI-compatible API root (usually ending in /v1)" : "Anthropic's API")
                    + ".";
            case BAD_REQUEST -> target + " refused the request (" + failure.getMessage() + "). "
                    + (failure.status == 404 ? "Check the model name '" + target.model() + "' and "
                    + p.configKey("base-url") + "." : "Check the model name and the inference parameters.");
            case INTERRUPTED -> interrupted(target, attempts).getMessage();
            default -> target + " failed (" + failure.getMessage() + ").";
        };
        return new LlmException(failure.kind, p.id, attempts, message);
    }

    private LlmException circuitOpen(ProviderModel target, ProviderClient client, int attempts,
                                     ProviderClient.AttemptFailure last) {
        long seconds = Math.max(1, client.circuit.retryIn().toSeconds());
        return new LlmException(LlmException.Kind.CIRCUIT_OPEN, target.provider().id, attempts,
                "Calls to " + client.describeProvider() + " are paused after repeated failures"
                        + (last == null ? "" : " (last: " + last.getMessage() + ")") + "; the next try is in about "
                        + seconds + " s (jury.llm.circuit.open-duration). Check that the provider is up.");
    }

    private static LlmException interrupted(ProviderModel target, int attempts) {
        return new LlmException(LlmException.Kind.INTERRUPTED, target.provider().id, attempts,
                "The call to " + target + " was interrupted (its job was cancelled or Jury is shutting down).");
    }

    private ProviderClient clientFor(Provider provider) {
        return clients.computeIfAbsent(provider, p -> new ProviderClient(p, providers.configOf(p),
                new CircuitBreaker(config.circuit().failureThreshold(), config.circuit().openDuration(),
                        System::nanoTime), vertx));
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
