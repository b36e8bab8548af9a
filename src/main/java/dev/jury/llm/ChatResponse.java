package dev.jury.llm;

/**
 * The answer to a {@link ChatRequest}.
 *
 * @param text         the model's answer
 * @param inputTokens  prompt tokens as the provider counted them (0 when it did not say)
 * @param outputTokens answer tokens
 * @param cached       served from Jury's cache (no provider call; the token counts are the original call's)
 * @param latencyMs    wall time of the whole call, including waits for a concurrency slot and retries
 * @param attempts     provider calls made (0 when cached)
 */
public record ChatResponse(String text, int inputTokens, int outputTokens, boolean cached, long latencyMs,
                           int attempts) {
}
