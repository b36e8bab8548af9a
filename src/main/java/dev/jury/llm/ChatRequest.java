package dev.jury.llm;

import com.fasterxml.jackson.databind.JsonNode;

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
 */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
                          JsonNode responseSchema, Long jobId) {

    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    /** A request with the provider's default parameters and no schema. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, null, null, null, null, null);
    }

    public ChatRequest withTemperature(Double temperature) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId);
    }

    public ChatRequest withResponseSchema(JsonNode responseSchema) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId);
    }

    public ChatRequest withJobId(Long jobId) {
        return new ChatRequest(model, messages, temperature, maxTokens, topP, responseSchema, jobId);
    }

    /** Only an explicit temperature of 0 asks for a deterministic answer that may be served from the cache. */
    boolean isDeterministic() {
        return temperature != null && temperature == 0.0;
    }
}
