package dev.jury.llm;

/**
 * A chat call that failed, after any retries. The message says what happened and what to do; it never contains an
 * API key (provider text quoted in it is redacted).
 */
public class LlmException extends RuntimeException {

    public enum Kind {
        /** The provider lacks a base URL or key; the message names the config key and environment variable. */
        NOT_CONFIGURED(false, false),
        /** HTTP 429 on every attempt. */
        RATE_LIMITED(true, false),
        /** HTTP 5xx or a connection failure on every attempt. */
        SERVER_ERROR(true, true),
        /** No answer within the provider's timeout on every attempt. */
        TIMEOUT(true, true),
        /** The provider refused the request (HTTP 400, 404, 422…), or the request itself is invalid. */
        BAD_REQUEST(false, false),
        /** HTTP 401/403: the key is missing, wrong or lacks access. */
        AUTHENTICATION(false, false),
        /** Too many consecutive failures: calls to this provider fail fast for a while. */
        CIRCUIT_OPEN(false, false),
        /** The answer was not a chat completion (not JSON, no choices, no text). */
        MALFORMED_RESPONSE(false, false),
        /** The model URI names a provider Jury does not know. */
        UNKNOWN_PROVIDER(false, false),
        /** The calling thread was interrupted (a job being cancelled or the replica shutting down). */
        INTERRUPTED(false, false);

        private final boolean retryable;
        private final boolean providerUnhealthy;

        Kind(boolean retryable, boolean providerUnhealthy) {
            this.retryable = retryable;
            this.providerUnhealthy = providerUnhealthy;
        }

        /** Whether another attempt may succeed. */
        public boolean isRetryable() {
            return retryable;
        }

        /** Whether an attempt failing this way counts towards opening the provider's circuit. */
        boolean isProviderUnhealthy() {
            return providerUnhealthy;
        }

        /** The value recorded in {@code llm_call.outcome} and in metrics, e.g. {@code rate_limited}. */
        public String outcome() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String provider;
    private final int attempts;

    public LlmException(Kind kind, String provider, int attempts, String message) {
        super(message);
        this.kind = kind;
        this.provider = provider;
        this.attempts = attempts;
    }

    public Kind kind() {
        return kind;
    }

    /** The provider id ({@code openai}, …), or {@code null} when the model URI did not name a known one. */
    public String provider() {
        return provider;
    }

    /** Provider calls made before giving up (0 when none was made). */
    public int attempts() {
        return attempts;
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }
}
