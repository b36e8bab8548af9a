package dev.jury.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before a retry: the provider's {@code Retry-After} when it sent one (capped), else exponential
 * backoff with full jitter — a uniformly random wait between 0 and {@code min(max, initial · 2^(retry-1))}, which
 * spreads the retries of many concurrent callers instead of synchronising them (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015).
 */
final class RetryPolicy {

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;

    RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
    }

    /**
     * @param retry      1 before the first retry, 2 before the second, …
     * @param retryAfter what the provider asked for, if anything
     * @param random     uniform in [0, 1)
     */
    Duration delay(int retry, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
        }
        return backoff(retry, random);
    }

    Duration backoff(int retry, DoubleSupplier random) {
        double ceilingMillis = Math.min((double) maxBackoff.toMillis(),
                initialBackoff.toMillis() * Math.pow(2, Math.max(0, retry - 1)));
        return Duration.ofMillis((long) (random.getAsDouble() * ceilingMillis));
    }

    /**
     * Reads {@code retry-after-ms} (milliseconds, sent by OpenAI) or {@code Retry-After}: delta seconds (RFC 9110
     * §10.2.3; fractions tolerated) or an HTTP date. A date in the past means "now"; anything unreadable is ignored.
     */
    static Optional<Duration> retryAfter(Map<String, List<String>> headers, Instant now) {
        Optional<String> millis = header(headers, "retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        Optional<String> value = header(headers, "retry-after");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get().strip();
        try {
            double seconds = Double.parseDouble(text);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) (seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name))
                .flatMap(e -> e.getValue().stream())
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }
}
