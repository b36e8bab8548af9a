package dev.jury.llm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    @Test
    void backoffDoublesUpToTheCapWithFullJitter() {
        assertEquals(999, policy.backoff(1, () -> 0.999).toMillis(), "below initial-backoff on the first retry");
        assertEquals(Duration.ofMillis(500), policy.backoff(1, () -> 0.5));
        assertEquals(Duration.ofMillis(1000), policy.backoff(2, () -> 0.5));
        assertEquals(Duration.ofMillis(2000), policy.backoff(3, () -> 0.5));
        assertEquals(Duration.ofMillis(15_000), policy.backoff(20, () -> 0.5), "capped at max-backoff (30 s)");
        assertEquals(Duration.ZERO, policy.backoff(4, () -> 0.0), "full jitter: anywhere from zero");
    }

    @Test
    void retryAfterWinsOverBackoffAndIsCapped() {
        assertEquals(Duration.ofSeconds(7), policy.delay(1, Optional.of(Duration.ofSeconds(7)), () -> 0.5));
        assertEquals(Duration.ofSeconds(60), policy.delay(1, Optional.of(Duration.ofMinutes(10)), () -> 0.5));
        assertEquals(Duration.ofMillis(500), policy.delay(1, Optional.empty(), () -> 0.5));
    }

    @Test
    void readsRetryAfterSecondsDatesAndMilliseconds() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(3)), RetryPolicy.retryAfter(Map.of("Retry-After", List.of("3")), now));
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                RetryPolicy.retryAfter(Map.of("retry-after", List.of("1.5")), now));
        assertEquals(Optional.of(Duration.ofSeconds(20)), RetryPolicy.retryAfter(
                Map.of("Retry-After", List.of("Mon, 23 Nov 2026 10:00:20 GMT")), now));
        assertEquals(Optional.of(Duration.ZERO), RetryPolicy.retryAfter(
                Map.of("Retry-After", List.of("Mon, 23 Nov 2026 09:00:00 GMT")), now), "a past date means now");
        assertEquals(Optional.of(Duration.ofMillis(250)), RetryPolicy.retryAfter(
                Map.of("retry-after-ms", List.of("250"), "retry-after", List.of("1")), now), "milliseconds first");
        assertTrue(RetryPolicy.retryAfter(Map.of("Retry-After", List.of("soon")), now).isEmpty());
        assertTrue(RetryPolicy.retryAfter(Map.of(), now).isEmpty());
        assertTrue(RetryPolicy.retryAfter(null, now).isEmpty());
    }
}
