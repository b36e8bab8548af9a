package dev.jury.security;

import dev.jury.testenv.Sessions;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every route the application publishes (from its OpenAPI document, which lists all JAX-RS endpoints,
 * pages included) and checks the role rules: anonymous callers are sent to the login (pages) or refused with
 * 401 (API); a reviewer is refused (403, or 404 for member-scoped resources) everywhere except the routes meant
 * for reviewers. A new endpoint without a role rule fails here.
 */
@QuarkusTest
class RouteRulesTest {

    /** Reachable without signing in. */
    private static final Set<String> PUBLIC = Set.of("GET /signed-out");

    /** Routes a plain reviewer may use; every other route must refuse them. */
    private static final Set<String> REVIEWER_ROUTES = Set.of("GET /", "GET /api/v1/me",
            // member-scoped: a reviewer who is a member may use them (non-members get 404, see QueueApiTest)
            "GET /api/v1/queues/{id}", "POST /api/v1/queues/{id}/next", "POST /api/v1/leases/{id}/submit",
            "POST /api/v1/leases/{id}/skip",
            // the reviewer page (members only, non-members get 404, see ReviewResourceTest)
            "GET /review/{queue}", "GET /review/{queue}/previous", "POST /review/{queue}/submit",
            "POST /review/{queue}/skip", "POST /review/{queue}/edit");

    record Route(String method, String path, String consumes) {
        String key() {
            return method + " " + path;
        }

        String concretePath() {
            return path.replaceAll("\\{[^}]+}", "1");
        }

        /** Jury's API and the OTLP receiver (POST /v1/traces): bearer tokens only, 401 instead of a login redirect. */
        boolean isApi() {
            return path.startsWith("/api/") || path.startsWith("/v1/");
        }
    }

    @Inject
    OpenApiDocumentService openApi;

    /** Read in process: /q/openapi itself needs the admin or service role, which most of these callers lack. */
    List<Route> routes() {
        Map<String, Map<String, Object>> paths = new JsonPath(new String(openApi.getDocument("<default>", Format.JSON),
                StandardCharsets.UTF_8)).getMap("paths");
        List<Route> routes = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                routes.add(new Route(method.toUpperCase(), path, consumes(operation)));
            }
        }));
        assertTrue(routes.size() >= 8, "expected the application's routes, got " + routes);
        return routes;
    }

    /** The first media type the operation accepts, so the request reaches the security check (not a 415). */
    @SuppressWarnings("unchecked")
    private static String consumes(Object operation) {
        if (operation instanceof Map<?, ?> op && op.get("requestBody") instanceof Map<?, ?> body
                && body.get("content") instanceof Map<?, ?> content && !content.isEmpty()) {
            return (String) content.keySet().iterator().next();
        }
        return null; // no body declared: send none
    }

    private static Response call(Route route) {
        return call(route, Map.of());
    }

    private static Response call(Route route, Map<String, String> cookies) {
        var request = given().redirects().follow(false).cookies(cookies);
        if (route.consumes() == null) {
            return request.request(route.method(), route.concretePath());
        }
        request = request.contentType(route.consumes());
        if (route.consumes().startsWith("application/x-www-form-urlencoded")) {
            request = request.formParam("probe", "1");
        } else if (route.consumes().startsWith("multipart/")) {
            request = request.multiPart("probe", "1");
        } else if (!route.method().equals("GET")) {
            request = request.body("{}".getBytes(StandardCharsets.UTF_8)); // bytes: any type, /v1/traces' protobuf too
        }
        return request.request(route.method(), route.concretePath());
    }

    @Test
    void anonymousCallersAreSentToLoginOrRefused() {
        for (Route route : routes()) {
            if (PUBLIC.contains(route.key())) {
                continue;
            }
            int status = call(route).statusCode();
            if (route.isApi()) {
                assertEquals(401, status, route.key());
            } else {
                assertEquals(302, status, route.key() + " should redirect to the login");
            }
        }
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersReachOnlyReviewerRoutes() {
        for (Route route : routes()) {
            if (PUBLIC.contains(route.key()) || REVIEWER_ROUTES.contains(route.key())) {
                continue;
            }
            int status = call(route).statusCode();
            assertTrue(status == 403 || status == 404, route.key() + " answered " + status + " to a reviewer");
        }
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void servicesCannotUseAdminPages() {
        for (Route route : routes()) {
            if (PUBLIC.contains(route.key()) || route.isApi() || route.key().equals("GET /")) {
                continue;
            }
            int status = call(route).statusCode();
            assertTrue(status == 403 || status == 404, route.key() + " answered " + status + " to a service");
        }
    }

    /** Not GET: a route that changes state. */
    private static boolean isUnsafe(Route route) {
        return !route.method().equals("GET");
    }

    /**
     * Issue 12: every state-changing page route refuses a request without the CSRF token, with the body it declares
     * and with none at all (no Content-Type either). The guard answers before the resource runs, so nothing changes.
     */
    @Test
    @TestSecurity(user = "admin", roles = {"admin", "reviewer", "service"})
    void everyStateChangingPageRouteNeedsTheCsrfToken() throws Exception {
        Response page = given().get("/experiments");
        Map<String, String> cookies = page.getCookies();
        List<String> checked = new ArrayList<>();
        for (Route route : routes()) {
            if (route.isApi() || !isUnsafe(route)) {
                continue;
            }
            assertEquals(400, call(route, cookies).statusCode(), route.key() + " with its body, without the token");
            var bare = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                                    + route.concretePath()))
                    .method(route.method(), java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Cookie", "csrf-token=" + cookies.get("csrf-token")).build();
            int status = java.net.http.HttpClient.newHttpClient()
                    .send(bare, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(400, status, route.key() + " without a body, without the token");
            checked.add(route.key());
        }
        assertTrue(checked.size() >= 20, "expected the application's page forms, got " + checked);
    }

    /** Issue 12: the browser session is no credential for the API; every /api route answers it with 401. */
    @Test
    void everyApiRouteRefusesTheSessionCookie() {
        Map<String, String> session = Sessions.signIn("admin");
        for (Route route : routes()) {
            if (!route.isApi()) {
                continue;
            }
            Response response = call(route, session);
            assertEquals(401, response.statusCode(), route.key() + " with the session cookie only");
            assertTrue(response.contentType().startsWith("application/problem+json"), route.key());
        }
    }
}
