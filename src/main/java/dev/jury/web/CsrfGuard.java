package dev.jury.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * CSRF protection for every page route. Every state-changing request outside {@code /api} (POST, PUT, PATCH,
 * DELETE) must carry the token, as the form field {@value #FIELD} or the {@value #HEADER} header (htmx sends it,
 * see {@code js/jury.js}), whatever its content type: a body-less {@code POST /queues/1/close} is refused like a
 * form post without the field. (quarkus-rest-csrf, used before, only looked at form bodies; issue 12.)
 *
 * <p>The token is {@code nonce.signature}, the signature an HMAC of the signed-in subject and the nonce under
 * {@link CsrfConfig#signingKey()}. It must equal the {@value #COOKIE} cookie (double submit) <em>and</em> carry a
 * valid signature for the current user, so a value an attacker made up, or planted as a cookie, is refused. The
 * token stays the same across page loads (several tabs keep working) until the user changes. The cookie is
 * {@code HttpOnly} and {@code SameSite=Lax}. {@code /api/**} and {@code /v1/**} (OTLP) take bearer tokens only and need
 * no token.
 */
@Singleton
public class CsrfGuard {

    public static final String COOKIE = "csrf-token";
    public static final String FIELD = "csrf-token";
    public static final String HEADER = "X-CSRF-TOKEN";
    /** Where the request's token waits for the templates ({@link FormToken}) and the response filter. */
    static final String TOKEN = "jury.csrf.token";
    private static final String NEW_COOKIE = "jury.csrf.new-cookie";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final int NONCE_BYTES = 32;

    private final SecureRandom random = new SecureRandom();

    /** Looked up on first use: filters are created at static init, before runtime configuration exists. */
    @Inject
    Instance<CsrfConfig> config;

    private volatile SecretKeySpec key;

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            String secret = config.get().signingKey();
            if (secret.length() < 32) {
                throw new IllegalStateException("jury.csrf.signing-key must be at least 32 characters long");
            }
            key = k = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        }
        return k;
    }

    /** Runs after authentication (the token is bound to the user), before the resource method. */
    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 10)
    @WithFormRead
    public jakarta.ws.rs.core.Response check(ResteasyReactiveContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        if (ApiPaths.isApi(path)) {
            return null;
        }
        var principal = request.getSecurityContext().getUserPrincipal();
        String subject = principal == null ? "" : principal.getName();
        Cookie cookie = routing.request().getCookie(COOKIE);
        String current = cookie != null && isValid(cookie.getValue(), subject) ? cookie.getValue() : null;
        if (!SAFE.contains(request.getMethod())) {
            String sent = request.getHeaderString(HEADER);
            if (sent == null) {
                sent = formField(request);
            }
            if (current == null || sent == null
                    || !MessageDigest.isEqual(current.getBytes(StandardCharsets.US_ASCII),
                    sent.getBytes(StandardCharsets.UTF_8))) {
                throw new ProblemException(400, "Missing or invalid CSRF token",
                        "This request did not carry this page's security token; reload the page and try again.",
                        List.of(Problem.FieldError.field(FIELD, "missing or invalid")));
            }
        }
        if (current == null) {
            current = issue(subject);
            routing.put(NEW_COOKIE, Boolean.TRUE);
        }
        routing.put(TOKEN, current);
        return null;
    }

    @ServerResponseFilter
    public void setCookie(ContainerResponseContext response, RoutingContext routing) {
        String token = routing.get(TOKEN);
        if (token != null && Boolean.TRUE.equals(routing.get(NEW_COOKIE))) {
            routing.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true)
                    .setSecure(config.get().secureCookie()).setSameSite(CookieSameSite.LAX));
        }
    }

    /** The form field of a urlencoded or multipart body, if the request has one. */
    private static String formField(ResteasyReactiveContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (type == null || !(type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE))) {
            return null;
        }
        var form = ((ResteasyReactiveRequestContext) request.getServerRequestContext()).getFormData();
        if (form == null) {
            return null;
        }
        FormValue value = form.getFirst(FIELD);
        return value == null || value.isFileItem() ? null : value.getValue();
    }

    String issue(String subject) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        return encoded + "." + sign(encoded, subject);
    }

    boolean isValid(String token, String subject) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || token.length() > 200) {
            return false;
        }
        String expected = sign(token.substring(0, dot), subject);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One keyed HMAC per request thread: looking the algorithm up among the security providers and keying it on
     * every request was most of what signing cost (docs/performance.md, "Sixth pass"). {@code doFinal} leaves it
     * ready for the next message.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    private String sign(String nonce, String subject) {
        // The subject's length first, so no (subject, nonce) pair can be read as another.
        byte[] signed = macs.get().doFinal((subject.length() + ":" + subject + ":" + nonce)
                .getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
    }
}
