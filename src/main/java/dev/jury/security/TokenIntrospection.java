package dev.jury.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Optional revocation check for bearer tokens ({@code jury.security.introspection.enabled}): each access token is
 * asked about at Keycloak's introspection endpoint, and the answer is cached for
 * {@code jury.security.introspection.cache-ttl}. A token Keycloak calls inactive (user disabled, session revoked) is
 * refused with 401; the roles are those Keycloak reports now, so a removed role is a 403 at the next look-up.
 * The revocation window shrinks from the access token's lifetime (300 s) to the cache time, at the cost of one call
 * to Keycloak per token and cache period.
 *
 * <p>Why our own augmentor and not {@code quarkus.oidc.token.require-jwt-introspection-only}: in this hybrid
 * application that setting still accepted a disabled user's token (issue 12), while Keycloak itself already answered
 * {@code active:false} for it. Browser sessions are not checked here: their tokens are refreshed through Keycloak,
 * which refuses a disabled user then. Fails closed: if Keycloak cannot be asked, the token is refused.
 */
@ApplicationScoped
public class TokenIntrospection implements SecurityIdentityAugmentor {

    private static final Logger LOG = Logger.getLogger(TokenIntrospection.class);
    /** Beyond this many cached tokens, expired answers are dropped before a new one is added. */
    private static final int CACHE_SWEEP_SIZE = 10_000;

    @ConfigProperty(name = "jury.security.introspection.enabled", defaultValue = "false")
    boolean enabled;

    @ConfigProperty(name = "jury.security.introspection.cache-ttl", defaultValue = "30S")
    Duration cacheTtl;

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    String realmUrl;

    @ConfigProperty(name = "quarkus.oidc.client-id")
    String clientId;

    @ConfigProperty(name = "quarkus.oidc.credentials.secret")
    String clientSecret;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** What Keycloak said about one token, and until when Jury believes it. */
    record Answer(boolean active, Set<String> roles, Instant until) {
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!enabled || identity.isAnonymous() || ApiAuthentication.isSession(identity)) {
            return Uni.createFrom().item(identity);
        }
        AccessTokenCredential token = identity.getCredential(AccessTokenCredential.class);
        if (token == null || token.getToken() == null) {
            return Uni.createFrom().item(identity);
        }
        return context.runBlocking(() -> withCurrentRoles(identity, answerFor(token.getToken())));
    }

    private static SecurityIdentity withCurrentRoles(SecurityIdentity identity, Answer answer) {
        if (!answer.active()) {
            throw new AuthenticationFailedException("The token is no longer active");
        }
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addRoles(answer.roles())
                .setAnonymous(false)
                .build();
    }

    Answer answerFor(String token) {
        String key = sha256(token);
        Instant now = clock.instant();
        Answer cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached;
        }
        Answer fresh = introspect(token, now);
        if (cache.size() >= CACHE_SWEEP_SIZE) {
            cache.values().removeIf(a -> !now.isBefore(a.until()));
        }
        cache.put(key, fresh);
        return fresh;
    }

    private Answer introspect(String token, Instant now) {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
        String basic = Base64.getEncoder().encodeToString(
                (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token/introspect"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warnf("Token introspection answered %d; refusing the token", response.statusCode());
                throw new AuthenticationFailedException("Token introspection failed");
            }
            return parse(json.readTree(response.body()), now);
        } catch (IOException e) {
            LOG.warnf("Token introspection unreachable (%s); refusing the token", e.getMessage());
            throw new AuthenticationFailedException("Token introspection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationFailedException("Token introspection interrupted", e);
        }
    }

    /** An answer lives for the cache time, never past the token's own expiry. */
    Answer parse(JsonNode body, Instant now) {
        Instant until = now.plus(cacheTtl);
        if (body.path("exp").canConvertToLong()) {
            Instant exp = Instant.ofEpochSecond(body.path("exp").asLong());
            until = exp.isBefore(until) ? exp : until;
        }
        boolean active = body.path("active").asBoolean(false);
        Set<String> roles = new LinkedHashSet<>();
        body.path("realm_access").path("roles").forEach(role -> roles.add(role.asText()));
        return new Answer(active, Set.copyOf(roles), until);
    }

    /** RFC 6749 §2.3.1: client id and secret are form-encoded before they go into the Basic header. */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
