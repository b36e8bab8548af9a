package dev.jury.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.llm.embedded.EmbeddedTask;

import java.util.List;

/**
 * One chat call.
 *
 * @param model          a model URI {@code provider:/model}, e.g. {@code openai:/gpt-4.1-mini}
 * @param messages       at least one message, in order
 * @param temperature    {@code null} leaves the provider's default; exactly {@code 0} makes the call cacheable
 * @param maxTokens      most tokens in the answer; {@code null} leaves the provider's default
 * @param topP           nucleus sampling; {@code null} leaves the provider's default
 * @param responseSchema a JSON schema for structured output ({@code response_format: json_schema}) or {@code null};
 *                       when the provider refuses it, the call is repeated without it (docs/llm.md)
 * @param jobId          the job this call works for, recorded in {@code llm_call} for accounting; may be null
 * @param embeddedTask   the same call in structure, for the in-process {@code embedded} provider; remote providers
 *                       ignore it (they read the messages); may be null
 */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
                          JsonNode responseSchema, Long jobId, EmbeddedTask embeddedTask) {

    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    public ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
                       JsonNode responseSchema, Long jobId) {
        this(model, messages, temperature, maxTokens, topP, responseSchema, jobId, null);
    }

    /** A request with the provider's default parameters and no schema. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, null, null, null, null, null);
    }

    public ChatRequest withTemperature(Double temperature) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId, embeddedTask);
    }

    public ChatRequest withResponseSchema(JsonNode responseSchema) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId, embeddedTask);
    }

    public ChatRequest withEmbeddedTask(EmbeddedTask embeddedTask) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId, embeddedTask);
    }

    public ChatRequest withJobId(Long jobId) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId, embeddedTask);
    }

    /** Only an explicit temperature of 0 asks for a deterministic answer that may be served from the cache. */
    boolean isDeterministic() {
        return temperature != null && temperature == 0.0;
    }
}
