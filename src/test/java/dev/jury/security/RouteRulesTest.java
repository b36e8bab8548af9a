package dev.jury.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

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

        boolean isApi() {
            return path.startsWith("/api/");
        }
    }

    static List<Route> routes() {
        Map<String, Map<String, Object>> paths = given().accept(ContentType.JSON).get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
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
        var request = given().redirects().follow(false);
        if (route.consumes() == null) {
            return request.request(route.method(), route.concretePath());
        }
        request = request.contentType(route.consumes());
        if (route.consumes().startsWith("application/x-www-form-urlencoded")) {
            request = request.formParam("probe", "1");
        } else if (route.consumes().startsWith("multipart/")) {
            request = request.multiPart("probe", "1");
        } else if (!route.method().equals("GET")) {
            request = request.body("{}");
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
}
