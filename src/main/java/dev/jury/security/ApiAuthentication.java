package dev.jury.security;

import dev.jury.web.ErrorMapper;
import dev.jury.web.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    /** No credentials at all: refused before routing, so no role check can turn it into a login redirect. */
    @ServerRequestFilter(preMatching = true)
    public Response requireCredentialsForApi(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean api = path.startsWith("/api/") || path.equals("/api");
        if (api && request.getSecurityContext().getUserPrincipal() == null) {
            return unauthenticated("Authentication required").toResponse();
        }
        return null;
    }

    /** Credentials that fail (expired, forged, wrong issuer) are refused by the HTTP layer; give them a body too. */
    void installFailureHandler(@Observes Router router) {
        router.route("/api/*").order(-100).failureHandler(ctx -> {
            if (ctx.failure() instanceof AuthenticationFailedException) {
                var problem = unauthenticated("Invalid or expired token");
                ctx.response().setStatusCode(401)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"jury\"")
                        .end(Json.encode(Map.of("type", problem.problem.type(), "title", problem.problem.title(),
                                "status", 401, "detail", problem.problem.detail())));
            } else {
                ctx.next();
            }
        });
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
