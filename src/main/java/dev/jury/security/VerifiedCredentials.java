package dev.jury.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials already verified in full, remembered by the SHA-256 of their exact bytes until the earlier of the
 * token's own expiry and {@code maxAge}, so that a credential sent again is not decrypted, parsed and
 * signature-checked again on every request (docs/security.md, "Verifying a credential once").
 *
 * <p>Only a credential that passed the full check is ever stored, and only the same bytes find it again: a forged or
 * altered credential has another hash and takes the full path. Nothing here is Quarkus-specific; {@code V} is
 * whatever the caller remembers (a security identity).
 */
public final class VerifiedCredentials<V> {

    /** One remembered verification. */
    private record Entry<V>(V value, Instant until) {
    }

    private final Map<String, Entry<V>> byHash = new ConcurrentHashMap<>();
    private final Duration maxAge;
    private final int maxSize;
    private final Clock clock;

    public VerifiedCredentials(Duration maxAge, int maxSize, Clock clock) {
        if (maxAge.isNegative() || maxSize < 0) {
            throw new IllegalArgumentException("max-age and max-size must not be negative");
        }
        this.maxAge = maxAge;
        this.maxSize = maxSize;
        this.clock = clock;
    }

    /** The remembered value for exactly this credential, if it was verified and has not expired. */
    public Optional<V> find(String credential) {
        String key = hash(credential);
        Entry<V> entry = byHash.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.until())) {
            byHash.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /**
     * Remembers a credential that has just passed the full check, until {@code expiresAt} (the token's own {@code exp})
     * or {@code maxAge} from now, whichever comes first. An already expired credential is not stored.
     */
    public void remember(String credential, V value, Instant expiresAt) {
        Instant now = clock.instant();
        Instant until = now.plus(maxAge);
        if (expiresAt != null && expiresAt.isBefore(until)) {
            until = expiresAt;
        }
        if (!now.isBefore(until) || maxSize == 0) {
            return;
        }
        if (byHash.size() >= maxSize) {
            sweep(now);
        }
        byHash.put(hash(credential), new Entry<>(value, until));
    }

    /** Forgets a credential (its session was logged out). */
    public void forget(String credential) {
        byHash.remove(hash(credential));
    }

    public int size() {
        return byHash.size();
    }

    /** Drops expired entries; when that frees too little, everything (the next requests verify in full again). */
    private void sweep(Instant now) {
        byHash.values().removeIf(e -> !now.isBefore(e.until()));
        if (byHash.size() >= maxSize) {
            byHash.clear();
        }
    }

    /**
     * One SHA-256 per thread: {@code MessageDigest.getInstance} looks the algorithm up among the security providers on
     * every call, which cost more than hashing a session cookie (docs/performance.md, "Seventh pass"). {@code digest}
     * resets the instance, and a thread hashes one credential at a time.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    static String hash(String credential) {
        return HexFormat.of().formatHex(SHA_256.get().digest(credential.getBytes(StandardCharsets.UTF_8)));
    }
}
