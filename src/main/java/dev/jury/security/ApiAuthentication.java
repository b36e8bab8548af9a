package dev.jury.security;

import dev.jury.web.ApiPaths;
import dev.jury.web.ErrorMapper;
import dev.jury.web.Problem;
import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;

/**
 * The API's answer to a caller without valid credentials: 401 with a problem+json body, never the browser's
 * redirect to the login page (which the hybrid OIDC tenant would otherwise send).
 */
@ApplicationScoped
public class ApiAuthentication {

    static final String DETAIL = "Send an access token from the 'jury' realm as 'Authorization: Bearer <token>'.";

    @Inject
    SecurityIdentity identity;

    /**
     * No credentials at all: refused before routing, so no role check can turn it into a login redirect. The
     * browser's session cookie is no credential here: the hybrid OIDC tenant would accept it (it did, issue 12), and
     * then any same-site page or cross-site form could call the API as the signed-in person. Only a bearer token is.
     */
    @ServerRequestFilter(preMatching = true)
    public Response requireCredentialsForApi(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean api = ApiPaths.isApi(path);
        if (!api) {
            return null;
        }
        if (request.getSecurityContext().getUserPrincipal() == null) {
            return unauthenticated("Authentication required").toResponse();
        }
        if (isSession(identity) && !hasBearer(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return unauthenticated("The API takes bearer tokens only, not the browser session").toResponse();
        }
        // An ID token says who signed in to a client, it grants nothing: Keycloak marks access tokens typ "Bearer".
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim("typ") != null
                && !"Bearer".equalsIgnoreCase(String.valueOf((Object) jwt.getClaim("typ")))) {
            return unauthenticated("Only access tokens are accepted, not ID tokens").toResponse();
        }
        return null;
    }

    /** Signed in through the browser's code flow (the session cookie), as opposed to a bearer token. */
    static boolean isSession(SecurityIdentity identity) {
        return identity.getCredential(IdTokenCredential.class) != null;
    }

    static boolean hasBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** Credentials that fail (expired, forged, wrong issuer) are refused by the HTTP layer; give them a body too. */
    void installFailureHandler(@Observes Router router) {
        router.route("/api/*").order(-100).failureHandler(ApiAuthentication::answerFailedCredentials);
        router.route("/v1/*").order(-100).failureHandler(ApiAuthentication::answerFailedCredentials);
    }

    private static void answerFailedCredentials(io.vertx.ext.web.RoutingContext ctx) {
        // An expired session cookie would make the code flow answer with a redirect to the login page.
        if (ctx.failure() instanceof AuthenticationFailedException
                || ctx.failure() instanceof AuthenticationRedirectException) {
            var problem = unauthenticated("Invalid or expired token");
            ctx.response().setStatusCode(401)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"jury\"")
                    .end(Json.encode(Map.of("type", problem.problem.type(), "title", problem.problem.title(),
                            "status", 401, "detail", problem.problem.detail())));
        } else {
            ctx.next();
        }
    }

    private static Unauthenticated unauthenticated(String title) {
        return new Unauthenticated(new Problem("/problems/unauthenticated", title, 401, DETAIL, List.of()));
    }

    private record Unauthenticated(Problem problem) {
        Response toResponse() {
            return Response.fromResponse(ErrorMapper.problemResponse(problem))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"jury\"").build();
        }
    }
}
