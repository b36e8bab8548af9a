package dev.jury.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/**
 * LLM provider settings (docs/llm.md). Every key can come from the environment, e.g.
 * {@code JURY_LLM_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:18000/v1} points {@code openai:/…} models at any
 * OpenAI-compatible server. Keys are read from here only and never logged, shown or stored.
 */
@ConfigMapping(prefix = "jury.llm")
public interface LlmConfig {

    Providers providers();

    Retry retry();

    Circuit circuit();

    Cache cache();

    interface Providers {
        ProviderConfig openai();

        ProviderConfig anthropic();

        ProviderConfig ollama();

        ProviderConfig databricks();

        @WithName("openai-compatible")
        ProviderConfig openaiCompatible();
    }

    interface ProviderConfig {
        /** The API root, e.g. {@code https://api.openai.com/v1}, {@code http://localhost:11434/v1}. */
        Optional<String> baseUrl();

        /** The secret sent to the provider; from the environment in any real deployment. */
        Optional<String> apiKey();

        /** Longest wait for one answer; an attempt that takes longer is abandoned (and retried). */
        @WithDefault("60s")
        Duration timeout();

        /** Most calls in flight to this provider from one replica; further calls wait their turn (fairly). */
        @WithDefault("8")
        int maxConcurrency();

        /** Retries after the first attempt on 429, 5xx, timeouts and connection errors. */
        @WithDefault("4")
        int maxRetries();
    }

    interface Retry {
        /** Backoff before the first retry; doubles per retry, with full jitter (a random wait up to it). */
        @WithDefault("1s")
        Duration initialBackoff();

        /** Upper bound of the exponential backoff. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** A provider's Retry-After is honoured up to this long. */
        @WithDefault("60s")
        Duration maxRetryAfter();
    }

    interface Circuit {
        /** Consecutive failed attempts (5xx, timeouts, connection errors) that open a provider's circuit. */
        @WithDefault("10")
        int failureThreshold();

        /** How long an open circuit fails calls fast before one trial call is let through. */
        @WithDefault("30s")
        Duration openDuration();
    }

    interface Cache {
        /** Serve identical temperature-0 requests from the llm_cache table. */
        @WithDefault("true")
        boolean enabled();
    }
}
