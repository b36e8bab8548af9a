package dev.jury.security;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedCredentialsTest {

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final HandClock clock = new HandClock();

    @Test
    void onlyTheExactCredentialFindsWhatWasRemembered() {
        var cache = new VerifiedCredentials<String>(Duration.ofSeconds(60), 100, clock);
        cache.remember("bearer abc.def.ghi", "alice", clock.now.plusSeconds(300));
        assertEquals(Optional.of("alice"), cache.find("bearer abc.def.ghi"));
        assertEquals(Optional.empty(), cache.find("bearer abc.def.ghj"), "one character changed is another credential");
        assertEquals(Optional.empty(), cache.find("bearer abc.def.gh"));
        assertEquals(Optional.empty(), cache.find("session abc.def.ghi"));
    }

    @Test
    void anEntryLivesUntilTheTokenExpiresOrMaxAgeWhicheverIsFirst() {
        var cache = new VerifiedCredentials<String>(Duration.ofSeconds(60), 100, clock);
        cache.remember("short", "s", clock.now.plusSeconds(10));
        cache.remember("long", "l", clock.now.plusSeconds(3600));
        clock.now = clock.now.plusSeconds(9);
        assertEquals(Optional.of("s"), cache.find("short"));
        clock.now = clock.now.plusSeconds(1);
        assertEquals(Optional.empty(), cache.find("short"), "gone at the token's own expiry");
        assertEquals(Optional.of("l"), cache.find("long"));
        clock.now = clock.now.plusSeconds(50);
        assertEquals(Optional.empty(), cache.find("long"), "gone after max-age although the token still lives");
    }

    @Test
    void expiredCredentialsAreNotStoredAndForgetRemoves() {
        var cache = new VerifiedCredentials<String>(Duration.ofSeconds(60), 100, clock);
        cache.remember("expired", "x", clock.now.minusSeconds(1));
        assertEquals(0, cache.size());
        cache.remember("live", "y", null);
        assertEquals(Optional.of("y"), cache.find("live"), "no exp: max-age alone");
        cache.forget("live");
        assertEquals(Optional.empty(), cache.find("live"));
    }

    @Test
    void theCacheStaysWithinItsSize() {
        var cache = new VerifiedCredentials<String>(Duration.ofSeconds(60), 3, clock);
        cache.remember("a", "a", clock.now.plusSeconds(5));
        cache.remember("b", "b", clock.now.plusSeconds(100));
        cache.remember("c", "c", clock.now.plusSeconds(100));
        clock.now = clock.now.plusSeconds(6);
        cache.remember("d", "d", clock.now.plusSeconds(100));
        assertEquals(3, cache.size(), "the expired entry made room");
        assertEquals(Optional.of("b"), cache.find("b"));
        cache.remember("e", "e", clock.now.plusSeconds(100));
        assertTrue(cache.size() <= 3);
        assertEquals(Optional.of("e"), cache.find("e"));
    }

    @Test
    void keysAreSha256OfTheCredentialNotTheCredential() {
        String key = VerifiedCredentials.hash("bearer secret-token");
        assertEquals(64, key.length());
        assertNotEquals(-1, "0123456789abcdef".indexOf(key.charAt(0)));
        assertEquals("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                VerifiedCredentials.hash("password"), "SHA-256 of 'password' (a published test vector)");
    }
}
