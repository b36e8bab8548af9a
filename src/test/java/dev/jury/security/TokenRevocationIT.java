package dev.jury.security;

import dev.jury.testenv.KeycloakServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Issue 12: a disabled user, or one whose role was removed, kept API access until the access token expired. With
 * the optional introspection on ({@link TokenIntrospection}), the window is the cache time: here one second. Each
 * test makes its own user in the real Keycloak through the admin API, so the demo users stay untouched.
 */
@QuarkusTest
@TestProfile(TokenRevocationIT.IntrospectionOn.class)
class TokenRevocationIT {

    public static class IntrospectionOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jury.security.introspection.enabled", "true",
                    "jury.security.introspection.cache-ttl", "1S");
        }
    }

    @Test
    void aDisabledUsersTokenIsRefusedAfterTheCacheTime() throws InterruptedException {
        String userId = createUser("revoke-" + UUID.randomUUID().toString().substring(0, 8), "reviewer");
        String token = passwordToken(username(userId));
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200);

        KeycloakServer.admin().contentType(ContentType.JSON).body(Map.of("enabled", false))
                .put("/admin/realms/jury/users/" + userId).then().statusCode(204);
        Thread.sleep(1_500);

        given().auth().oauth2(token).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aRemovedRoleIsGoneAfterTheCacheTime() throws InterruptedException {
        String userId = createUser("demote-" + UUID.randomUUID().toString().substring(0, 8), "reviewer");
        String token = passwordToken(username(userId));
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200).body("roles", hasItem("reviewer"));
        // a reviewer route: no such queue (404), but the role passes
        given().auth().oauth2(token).get("/api/v1/queues/0").then().statusCode(404);

        Object role = KeycloakServer.admin().get("/admin/realms/jury/roles/reviewer").then().statusCode(200).extract().as(Map.class);
        KeycloakServer.admin().contentType(ContentType.JSON).body(List.of(role))
                .delete("/admin/realms/jury/users/" + userId + "/role-mappings/realm").then().statusCode(204);
        Thread.sleep(1_500);

        given().auth().oauth2(token).get("/api/v1/me")
                .then().statusCode(200).body("roles", not(hasItem("reviewer")));
        given().auth().oauth2(token).get("/api/v1/queues/0")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void aForgedTokenIsStillRefusedLocallyFirst() {
        given().auth().oauth2("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln").get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
    }

    /** A user whose password equals the username, with one realm role; returns the user's id. */
    private static String createUser(String username, String realmRole) {
        KeycloakServer.admin().contentType(ContentType.JSON)
                .body(Map.of("username", username, "enabled", true, "email", username + "@example.com",
                        "emailVerified", true, "firstName", "Test", "lastName", "User",
                        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false))))
                .post("/admin/realms/jury/users").then().statusCode(201);
        List<Map<String, Object>> found = KeycloakServer.admin().queryParam("username", username).queryParam("exact", true)
                .get("/admin/realms/jury/users").then().statusCode(200).extract().path("$");
        String id = String.valueOf(found.get(0).get("id"));
        Object role = KeycloakServer.admin().get("/admin/realms/jury/roles/" + realmRole).then().statusCode(200).extract().as(Map.class);
        KeycloakServer.admin().contentType(ContentType.JSON).body(List.of(role))
                .post("/admin/realms/jury/users/" + id + "/role-mappings/realm").then().statusCode(204);
        return id;
    }

    private static String username(String userId) {
        return KeycloakServer.admin().get("/admin/realms/jury/users/" + userId).then().statusCode(200).extract().path("username");
    }

    private static String passwordToken(String username) {
        return RestAssured.given().baseUri(KeycloakServer.REALM_URL)
                .formParam("grant_type", "password").formParam("client_id", "jury-cli")
                .formParam("username", username).formParam("password", username)
                .post("/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
