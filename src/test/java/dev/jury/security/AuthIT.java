package dev.jury.security;

import dev.jury.testenv.Sessions;
import dev.jury.testenv.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authentication and roles end to end against the real Keycloak with the demo realm. */
@QuarkusTest
class AuthIT {

    @Inject
    EntityManager em;

    @Test
    void anonymousPageIsRedirectedToKeycloakLogin() {
        given().redirects().follow(false).get("/experiments")
                .then().statusCode(302)
                .header("Location", containsString("127.0.0.1"))
                .header("Location", containsString("/realms/jury/protocol/openid-connect/auth"))
                .header("Location", containsString("client_id=jury"));
    }

    @Test
    void reviewerTokenShowsTheReviewerRole() {
        given().auth().oauth2(Tokens.forUser("alice")).get("/api/v1/me")
                .then().statusCode(200)
                .body("username", equalTo("alice"))
                .body("email", equalTo("alice@example.com"))
                .body("roles", hasItem("reviewer"))
                .body("roles", not(hasItem("admin")));
    }

    @Test
    void reviewerCannotUseTheAdminApi() {
        String alice = Tokens.forUser("alice");
        given().auth().oauth2(alice).get("/api/v1/experiments")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("name", "alice-was-here"))
                .post("/api/v1/experiments")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void adminCreatesAnExperimentThroughTheApi() {
        String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.forUser("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "description", "created with a real Keycloak token"))
                .post("/api/v1/experiments")
                .then().statusCode(201).body("name", equalTo(name)).body("created_by", equalTo("admin"));
    }

    @Test
    void serviceClientHasTheServiceRoleOnly() {
        given().auth().oauth2(Tokens.forService()).get("/api/v1/me")
                .then().statusCode(200)
                .body("roles", hasItem("service"))
                .body("roles", not(hasItem("admin")));
        given().auth().oauth2(Tokens.forService()).get("/api/v1/experiments").then().statusCode(403);
    }

    @Test
    void tamperedTokenIsRefusedWithProblem() {
        String token = Tokens.forUser("admin");
        String tampered = token.substring(0, token.length() - 4) + "AAAA";
        given().auth().oauth2(tampered).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
    }

    /** Issue 12: with only the browser's session cookie, the API created experiments and handed out leases. */
    @Test
    void theSessionCookieIsNoCredentialForTheApi() {
        Map<String, String> session = Sessions.signIn("admin");
        given().redirects().follow(false).cookies(session).get("/experiments").then().statusCode(200);
        String name = "cookie-" + UUID.randomUUID().toString().substring(0, 8);
        given().redirects().follow(false).cookies(session).contentType(ContentType.JSON)
                .body(Map.of("name", name)).post("/api/v1/experiments")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        given().redirects().follow(false).cookies(session).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
        assertTrue(em.createNativeQuery("SELECT 1 FROM experiment WHERE name = ?1").setParameter(1, name)
                .getResultList().isEmpty(), "the experiment was created with the session cookie");
        // the same person with a bearer token is fine
        given().auth().oauth2(Tokens.forUser("admin")).cookies(session).get("/api/v1/me").then().statusCode(200);
    }

    /** Issue 12: tokens of any client of the realm, and ID tokens, were accepted. */
    @Test
    void onlyAccessTokensMeantForJuryAreAccepted() {
        String otherClient = Tokens.forClient("admin-cli", "admin");
        given().auth().oauth2(otherClient).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.idTokenForUser("admin")).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
        for (String token : List.of(Tokens.forUser("admin"), Tokens.forService())) {
            Object aud = Tokens.claims(token).get("aud");
            assertTrue(aud instanceof List<?> list ? list.contains("jury") : "jury".equals(aud),
                    "Jury's own clients' tokens carry aud 'jury', got " + aud);
        }
    }

    /** The revocation window: a removed role or a disabled user keeps access at most one access-token lifetime. */
    @Test
    void accessTokensLiveFiveMinutesAtMost() {
        var claims = Tokens.claims(Tokens.forUser("alice"));
        long lifetime = claims.getLong("exp") - claims.getLong("iat");
        assertTrue(lifetime <= 300, "access tokens live " + lifetime + " s");
    }

    /** Issue 12: metrics and the OpenAPI document answered anonymous requests. */
    @Test
    void metricsAndOpenApiNeedARoleWhileHealthStaysOpen() {
        for (String path : List.of("/q/metrics", "/q/openapi")) {
            int anonymous = given().redirects().follow(false).get(path).statusCode();
            assertTrue(anonymous == 302 || anonymous == 401, path + " answered " + anonymous + " anonymously");
            given().auth().oauth2(Tokens.forUser("alice")).get(path).then().statusCode(403);
            given().auth().oauth2(Tokens.forService()).get(path).then().statusCode(200);
            given().auth().oauth2(Tokens.forUser("admin")).get(path).then().statusCode(200);
        }
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void usersSeenThroughOidcAreRecorded() throws InterruptedException {
        given().auth().oauth2(Tokens.forUser("bob")).get("/api/v1/me").then().statusCode(200);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        boolean recorded = false;
        while (!recorded && Instant.now().isBefore(deadline)) {
            recorded = !em.createNativeQuery(
                    "SELECT 1 FROM reviewer WHERE username = 'bob' AND email = 'bob@example.com' AND name = 'Bob Reviewer'")
                    .getResultList().isEmpty();
            if (!recorded) {
                Thread.sleep(200);
            }
        }
        assertTrue(recorded, "bob was not recorded in the reviewer table");
    }
}
