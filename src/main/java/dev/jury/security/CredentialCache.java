package dev.jury.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Verifies a credential once per its lifetime (issue 16, item 4; reasoning in docs/security.md, "Verifying a
 * credential once"). Quarkus OIDC checks every request in full: the browser session's three cookies decrypted, the ID
 * and access tokens parsed and their signatures verified — about a fifth of the app's CPU in the htmx reviewer loop.
 * This mechanism runs before OIDC's: when the request carries exactly the bytes of a credential that OIDC verified
 * before (same session cookies, or same bearer token) and that has not expired, it answers with the identity OIDC
 * built then; anything else — a new, altered or expired credential, the code flow's callback, logout — goes on to
 * OIDC untouched, and {@link Filler} remembers what OIDC accepted.
 *
 * <p>Bearer tokens are not remembered while the revocation check ({@link TokenIntrospection}) is on: it must see
 * every request.
 */
@ApplicationScoped
public class CredentialCache implements HttpAuthenticationMechanism {

    /** Before OIDC's mechanism (priority 1001 by default). */
    static final int PRIORITY = 10_000;

    private static final String SESSION_COOKIE = "q_session";

    @ConfigProperty(name = "jury.security.credential-cache.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "jury.security.credential-cache.max-age", defaultValue = "60S")
    Duration maxAge;

    @ConfigProperty(name = "jury.security.credential-cache.max-size", defaultValue = "10000")
    int maxSize;

    @ConfigProperty(name = "jury.security.introspection.enabled", defaultValue = "false")
    boolean introspection;

    @ConfigProperty(name = "quarkus.oidc.logout.path", defaultValue = "/logout")
    String logoutPath;

    @Inject
    MeterRegistry registry;

    private VerifiedCredentials<Remembered> verified;
    private Counter hits;
    private Counter misses;

    /** An identity OIDC built, without the request it was built in; {@code contextKeys}: where that request was. */
    record Remembered(SecurityIdentity identity, Set<String> contextKeys) {
    }

    @PostConstruct
    void start() {
        verified = new VerifiedCredentials<>(maxAge, maxSize, Clock.systemUTC());
        hits = Counter.builder("jury.security.credential.cache").tag("result", "hit")
                .description("Requests whose credential was verified before (no decryption, no signature check)")
                .register(registry);
        misses = Counter.builder("jury.security.credential.cache").tag("result", "miss")
                .description("Requests whose credential OIDC verified in full")
                .register(registry);
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!enabled) {
            return Uni.createFrom().nullItem();
        }
        String credential = credentialOf(context);
        if (credential == null) {
            return Uni.createFrom().nullItem();
        }
        if (context.normalizedPath().equals(logoutPath)) {
            verified.forget(credential); // OIDC ends the session; this copy must not outlive it
            return Uni.createFrom().nullItem();
        }
        var found = verified.find(credential);
        if (found.isEmpty()) {
            misses.increment();
            return Uni.createFrom().nullItem();
        }
        hits.increment();
        var builder = QuarkusSecurityIdentity.builder(found.get().identity());
        for (String key : found.get().contextKeys()) {
            builder.addAttribute(key, context);
        }
        return Uni.createFrom().item(builder.build());
    }

    /**
     * The credential this request authenticates with, as OIDC would read it: the bearer token when there is an
     * {@code Authorization: Bearer} header (it wins in this hybrid application), else the session cookies; null when
     * there is nothing to remember or the request is the code flow's callback (it carries the {@code state}).
     */
    String credentialOf(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization != null) {
            return ApiAuthentication.hasBearer(authorization) && !introspection
                    ? "bearer " + authorization.substring(7).strip() : null;
        }
        if (context.request().getParam("state") != null) {
            return null; // the code flow's callback: OIDC exchanges the code and sets the session
        }
        Map<String, String> session = new TreeMap<>();
        for (Cookie cookie : context.request().cookies()) {
            if (cookie.getName().startsWith(SESSION_COOKIE)) {
                session.put(cookie.getName(), cookie.getValue());
            }
        }
        return session.isEmpty() ? null : "session " + session.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    /** Remembers an identity OIDC has just built from this request's credential. */
    void remember(RoutingContext context, SecurityIdentity identity) {
        if (!enabled || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        String credential = credentialOf(context);
        if (credential == null || context.normalizedPath().equals(logoutPath)) {
            return;
        }
        // Only the credential the identity was built from: the bearer token itself, or a session (ID token inside).
        AccessTokenCredential bearer = identity.getCredential(AccessTokenCredential.class);
        boolean matches = credential.startsWith("bearer ")
                ? bearer != null && credential.substring(7).equals(bearer.getToken())
                : identity.getCredential(IdTokenCredential.class) != null;
        if (!matches) {
            return;
        }
        Set<String> contextKeys = identity.getAttributes().entrySet().stream()
                .filter(e -> e.getValue() instanceof RoutingContext).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        var stripped = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions())
                .addAttributes(identity.getAttributes().entrySet().stream()
                        .filter(e -> !(e.getValue() instanceof RoutingContext))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .setAnonymous(false)
                .build();
        Instant expires = jwt.getExpirationTime() > 0 ? Instant.ofEpochSecond(jwt.getExpirationTime()) : null;
        verified.remember(credential, new Remembered(stripped, contextKeys), expires);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem(); // OIDC's mechanism answers
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return Uni.createFrom().item(false);
    }

    @Override
    public Set<Class<? extends io.quarkus.security.identity.request.AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    /** Sees every identity OIDC builds, last of all augmentors, and hands it to the cache. */
    @ApplicationScoped
    public static class Filler implements SecurityIdentityAugmentor {

        @Inject
        CredentialCache cache;

        @Override
        public int priority() {
            return Integer.MIN_VALUE; // after every other augmentor: remember the identity as the app will see it
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
            return Uni.createFrom().item(identity);
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
                                             Map<String, Object> attributes) {
            RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(attributes);
            if (routing == null) {
                routing = HttpSecurityUtils.getRoutingContextAttribute(identity);
            }
            if (routing != null) {
                cache.remember(routing, identity);
            }
            return Uni.createFrom().item(identity);
        }
    }
}
