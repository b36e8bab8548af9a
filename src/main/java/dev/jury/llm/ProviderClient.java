package dev.jury.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.TokenUsage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * One configured provider: its LangChain4j chat model (the only place Jury builds one), its concurrency slots and
 * its circuit. {@link #attempt} makes exactly one provider call and turns every way it can fail into an
 * {@link AttemptFailure} with a redacted, actionable description; retrying is {@link LlmClient}'s business.
 */
final class ProviderClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[^\\s\"',}]+");
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk|dapi|key)-[A-Za-z0-9_\\-]{8,}");
    /** Phrases providers use when they do not support structured output (OpenAI, vLLM, Ollama, Anthropic). */
    private static final Pattern SCHEMA_REFUSED = Pattern.compile(
            "(?i)response_format|json_schema|output_format|output_config|structured output");

    /** One answer from the provider. */
    record Reply(String text, int inputTokens, int outputTokens) {
    }

    /** One failed attempt, classified. */
    static final class AttemptFailure extends Exception {
        final LlmException.Kind kind;
        final int status;
        final Optional<Duration> retryAfter;
        final boolean schemaRefused;

        AttemptFailure(LlmException.Kind kind, int status, Optional<Duration> retryAfter, boolean schemaRefused,
                       String description) {
            super(description, null, false, false);
            this.kind = kind;
            this.status = status;
            this.retryAfter = retryAfter;
            this.schemaRefused = schemaRefused;
        }
    }

    final Provider provider;
    final String baseUrl;
    final Duration timeout;
    final int maxRetries;
    final Semaphore slots;
    final CircuitBreaker circuit;
    private final String apiKey;
    private final ChatModel model;
    /** Models seen to refuse response_format, so later calls skip the doomed first attempt. */
    private final Set<String> schemaRefusers = ConcurrentHashMap.newKeySet();

    ProviderClient(Provider provider, LlmConfig.ProviderConfig config, CircuitBreaker circuit, Vertx vertx) {
        this.provider = provider;
        this.baseUrl = config.baseUrl().orElse(provider.defaultBaseUrl);
        this.apiKey = config.apiKey().orElse(null);
        this.timeout = config.timeout();
        this.maxRetries = Math.max(0, config.maxRetries());
        this.slots = new Semaphore(Math.max(1, config.maxConcurrency()), true);
        this.circuit = circuit;
        var http = new ProviderHttpClient.Builder(vertx, config.maxConcurrency());
        if (provider == Provider.ANTHROPIC) {
            this.model = AnthropicChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(baseUrl)
                    .apiKey(apiKey)
                    .timeout(timeout)
                    .maxRetries(0)
                    .logRequests(false)
                    .logResponses(false)
                    .build();
        } else {
            this.model = OpenAiChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(baseUrl)
                    .apiKey(apiKey)
                    .timeout(timeout)
                    .maxRetries(0)
                    .strictJsonSchema(true)
                    .logRequests(false)
                    .logResponses(false)
                    .build();
        }
    }

    boolean refusesSchema(String modelName) {
        return schemaRefusers.contains(modelName);
    }

    void rememberSchemaRefused(String modelName) {
        schemaRefusers.add(modelName);
    }

    /** One provider call; the caller holds a concurrency slot and the circuit's permission. */
    Reply attempt(String modelName, ChatRequest request, boolean withSchema) throws AttemptFailure {
        dev.langchain4j.model.chat.request.ChatRequest lcRequest;
        try {
            lcRequest = dev.langchain4j.model.chat.request.ChatRequest.builder()
                    .messages(request.messages().stream().map(ProviderClient::toLangChain).toList())
                    .parameters(parameters(modelName, request, withSchema))
                    .build();
        } catch (RuntimeException e) {
            throw new AttemptFailure(LlmException.Kind.BAD_REQUEST, 0, Optional.empty(), false,
                    "the request cannot be sent: " + redact(e.getMessage()));
        }
        if (Context.isOnEventLoopThread()) {
            // A call waits up to its timeout for the answer; an event loop must never wait (and with the answer due on
            // this very loop, as in a test sharing one Vert.x, it would wait forever).
            throw new IllegalStateException("a provider call blocks and must not run on an event loop thread");
        }
        dev.langchain4j.model.chat.response.ChatResponse response;
        try {
            response = model.chat(lcRequest);
        } catch (RuntimeException e) {
            throw classify(e, withSchema);
        }
        AiMessage message = response.aiMessage();
        if (message == null || message.text() == null) {
            throw new AttemptFailure(LlmException.Kind.MALFORMED_RESPONSE, 200, Optional.empty(), false,
                    "the answer has no text");
        }
        TokenUsage usage = response.tokenUsage();
        // An endpoint that echoes the request (a misconfigured proxy, a prompt-injected model) must not carry the
        // key into the answer, the cache table or a stored rationale.
        String text = apiKey == null || apiKey.isEmpty() ? message.text() : message.text().replace(apiKey, "[redacted]");
        return new Reply(text,
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
    }

    private ChatRequestParameters parameters(String modelName, ChatRequest request, boolean withSchema) {
        ResponseFormat format = withSchema && request.responseSchema() != null
                ? ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()
                        .name("jury_response")
                        .rootElement(JsonRawSchema.from(request.responseSchema().toString()))
                        .build()).build()
                : null;
        if (provider == Provider.ANTHROPIC) {
            return ChatRequestParameters.builder()
                    .modelName(modelName)
                    .temperature(request.temperature())
                    .topP(request.topP())
                    .maxOutputTokens(request.maxTokens())
                    .responseFormat(format)
                    .build();
        }
        var builder = OpenAiChatRequestParameters.builder()
                .modelName(modelName)
                .temperature(request.temperature())
                .topP(request.topP())
                .responseFormat(format);
        // OpenAI's current models refuse max_tokens; compatible servers (vLLM, Ollama, Databricks) all know it.
        if (provider == Provider.OPENAI && baseUrl.equals(provider.defaultBaseUrl)) {
            builder.maxCompletionTokens(request.maxTokens());
        } else {
            builder.maxOutputTokens(request.maxTokens());
        }
        return builder.build();
    }

    private static dev.langchain4j.data.message.ChatMessage toLangChain(ChatMessage message) {
        return switch (message.role()) {
            case SYSTEM -> SystemMessage.from(message.text());
            case USER -> UserMessage.from(message.text());
            case ASSISTANT -> AiMessage.from(message.text());
        };
    }

    /** Every way a call can fail, as one of Jury's kinds, with the provider's own words redacted. */
    AttemptFailure classify(Throwable failure, boolean withSchema) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderHttpClient.ErrorResponse error) {
                return fromStatus(error, withSchema);
            }
            if (t instanceof ProviderHttpClient.Timeout || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException) {
                return new AttemptFailure(LlmException.Kind.TIMEOUT, 0, Optional.empty(), false,
                        "no answer within " + timeout.toMillis() + " ms");
            }
            if (t instanceof InterruptedException) {
                return new AttemptFailure(LlmException.Kind.INTERRUPTED, 0, Optional.empty(), false,
                        "interrupted while waiting for the answer");
            }
            if (t instanceof ProviderHttpClient.NotJson || t instanceof JsonProcessingException) {
                return new AttemptFailure(LlmException.Kind.MALFORMED_RESPONSE, 200, Optional.empty(), false,
                        "the answer is not valid JSON");
            }
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return new AttemptFailure(LlmException.Kind.SERVER_ERROR, 0, Optional.empty(), false,
                        "cannot connect to " + baseUrl + " (" + t.getClass().getSimpleName() + ")");
            }
            if (t instanceof ProviderHttpClient.ConnectionFailure) {
                if (t.getCause() instanceof InterruptedException) {
                    continue;
                }
                return new AttemptFailure(LlmException.Kind.SERVER_ERROR, 0, Optional.empty(), false,
                        "the connection to " + baseUrl + " failed (" + t.getMessage() + ")");
            }
        }
        if (failure instanceof UnsupportedFeatureException || failure instanceof IllegalArgumentException) {
            return new AttemptFailure(LlmException.Kind.BAD_REQUEST, 0, Optional.empty(), false,
                    "the request cannot be sent: " + redact(failure.getMessage()));
        }
        // The HTTP exchange succeeded (transport failures are all recognised above), so LangChain4j could not
        // make a chat completion of a 2xx answer: no choices, missing fields.
        return new AttemptFailure(LlmException.Kind.MALFORMED_RESPONSE, 200, Optional.empty(), false,
                "the answer is not a chat completion (" + redact(failure.getMessage()) + ")");
    }

    private AttemptFailure fromStatus(ProviderHttpClient.ErrorResponse error, boolean withSchema) {
        int status = error.statusCode();
        String said = providerMessage(error.body());
        Optional<Duration> retryAfter = RetryPolicy.retryAfter(error.headers(), Instant.now());
        LlmException.Kind kind;
        if (status == 429) {
            kind = LlmException.Kind.RATE_LIMITED;
        } else if (status == 408) {
            kind = LlmException.Kind.TIMEOUT;
        } else if (status >= 500) {
            kind = LlmException.Kind.SERVER_ERROR;
        } else if (status == 401 || status == 403) {
            kind = LlmException.Kind.AUTHENTICATION;
        } else {
            kind = LlmException.Kind.BAD_REQUEST;
        }
        boolean schemaRefused = withSchema && kind == LlmException.Kind.BAD_REQUEST
                && SCHEMA_REFUSED.matcher(error.body() == null ? "" : error.body()).find();
        return new AttemptFailure(kind, status, retryAfter, schemaRefused,
                "HTTP " + status + (said.isEmpty() ? "" : ": " + said));
    }

    /** The provider's error message ({@code error.message} in OpenAI's and Anthropic's shape), redacted and cut. */
    String providerMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body;
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode message = json.path("error").path("message");
            if (message.isTextual()) {
                text = message.asText();
            } else if (json.path("message").isTextual()) {
                text = json.path("message").asText();
            } else if (json.path("error").isTextual()) {
                text = json.path("error").asText();
            }
        } catch (JsonProcessingException notJson) {
            // keep the raw text
        }
        return LlmException.abbreviate(redact(text.strip().replaceAll("\\s+", " ")), 300);
    }

    /** Removes this provider's key and anything that looks like a credential from text that may be shown. */
    String redact(String text) {
        if (text == null) {
            return "";
        }
        String result = text;
        if (apiKey != null && !apiKey.isEmpty()) {
            result = result.replace(apiKey, "[redacted]");
        }
        result = BEARER.matcher(result).replaceAll("Bearer [redacted]");
        return KEY_LIKE.matcher(result).replaceAll("[redacted]");
    }

    String describeProvider() {
        return provider.id + " at " + baseUrl;
    }
}
