package dev.jury.security;

import dev.jury.testenv.KeycloakServer;
import dev.jury.testenv.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * Issue 12, optional token introspection (docs/security.md, "Revocation window"): with
 * {@code JURY_TOKEN_INTROSPECTION=true} every bearer token is checked with Keycloak's introspection endpoint, the
 * answer cached for {@code JURY_TOKEN_INTROSPECTION_CACHE_TTL}; a user disabled in Keycloak is refused once the
 * cached answer expires, long before the token would. Runs against the real test Keycloak with a user of its own.
 */
@QuarkusTest
@TestProfile(TokenIntrospectionIT.Introspecting.class)
class TokenIntrospectionIT {

    static final Duration CACHE = Duration.ofSeconds(3);

    public static class Introspecting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.token.require-jwt-introspection-only", "true",
                    "quarkus.oidc.token-cache.time-to-live", CACHE.toSeconds() + "S");
        }
    }

    @Test
    void aDisabledUserIsRefusedWithinTheCacheTime() throws Exception {
        String admin = keycloakAdminToken();
        String username = "introspected-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = createReviewer(admin, username);
        try {
            String token = RestAssured.given().baseUri(KeycloakServer.REALM_URL)
                    .formParam("grant_type", "password").formParam("client_id", "jury-cli")
                    .formParam("username", username).formParam("password", username)
                    .post("/protocol/openid-connect/token").then().statusCode(200).extract().path("access_token");
            given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200);

            users(admin).contentType(ContentType.JSON).body(Map.of("enabled", false)).put("/" + userId)
                    .then().statusCode(204);
            Instant disabled = Instant.now();
            int status = 200;
            while (status == 200 && Duration.between(disabled, Instant.now()).compareTo(CACHE.plusSeconds(5)) < 0) {
                Thread.sleep(250);
                status = given().auth().oauth2(token).get("/api/v1/me").statusCode();
            }
            if (status != 401) {
                throw new AssertionError("the disabled user's token still answered " + status + " "
                        + Duration.between(disabled, Instant.now()).toMillis() + " ms after the user was disabled");
            }
            given().auth().oauth2(token).get("/api/v1/me").then().statusCode(401)
                    .contentType("application/problem+json");
        } finally {
            users(admin).delete("/" + userId);
        }
    }

    @Test
    void tokensNotMeantForJuryAreStillRefused() {
        given().auth().oauth2(Tokens.idTokenForUser("admin")).get("/api/v1/me").then().statusCode(401);
        given().auth().oauth2(Tokens.forClient("admin-cli", "admin")).get("/api/v1/me").then().statusCode(401);
        given().auth().oauth2(Tokens.forUser("admin")).get("/api/v1/me").then().statusCode(200);
        given().auth().oauth2(Tokens.forUser("admin")).get("/api/v1/experiments").then().statusCode(200);
        given().auth().oauth2(Tokens.forUser("alice")).get("/api/v1/experiments").then().statusCode(403);
        given().auth().oauth2(Tokens.forService()).get("/api/v1/me").then().statusCode(200);
    }

    private static String keycloakAdminToken() {
        return RestAssured.given().baseUri(KeycloakServer.URL)
                .formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", "kcadmin").formParam("password", "kcadmin")
                .post("/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
    }

    private static io.restassured.specification.RequestSpecification users(String admin) {
        return RestAssured.given().baseUri(KeycloakServer.URL).basePath("/admin/realms/jury/users")
                .auth().oauth2(admin);
    }

    /** An enabled user with the realm role reviewer and password = username; returns its id. */
    private static String createReviewer(String admin, String username) {
        users(admin).contentType(ContentType.JSON).body(Map.of("username", username, "enabled", true,
                        "firstName", "Intro", "lastName", "Spected", "email", username + "@example.com",
                        "emailVerified", true, "credentials", List.of(Map.of("type", "password", "value", username,
                                "temporary", false))))
                .post().then().statusCode(201);
        String id = users(admin).queryParam("username", username).queryParam("exact", true).get()
                .then().statusCode(200).extract().path("[0].id");
        Object role = RestAssured.given().baseUri(KeycloakServer.URL).auth().oauth2(admin)
                .get("/admin/realms/jury/roles/reviewer").then().statusCode(200).extract().as(Map.class);
        users(admin).contentType(ContentType.JSON).body(List.of(role)).post("/" + id + "/role-mappings/realm")
                .then().statusCode(204);
        return id;
    }
}
