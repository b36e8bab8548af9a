package dev.jury.security;

import dev.jury.testenv.Sessions;
import dev.jury.testenv.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verifying a credential once (issue 16, item 4) against the real Keycloak: a credential sent again is answered from
 * the cache with the same identity and roles; anything altered, and anything after logout, is verified in full.
 */
@QuarkusTest
class CredentialCacheTest {

    @Inject
    MeterRegistry registry;

    double count(String result) {
        var counter = registry.find("jury.security.credential.cache").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aBearerTokenIsVerifiedOnceThenAnsweredFromTheCacheWithItsRoles() {
        String token = Tokens.forUser("alice");
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200);
        double hits = count("hit");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200)
                    .body(containsString("reviewer"));
            // The roles came along: a reviewer stays refused where only admins may go.
            given().auth().oauth2(token).get("/api/v1/experiments").then().statusCode(403);
        }
        assertEquals(hits + 6, count("hit"), 1e-9);
    }

    @Test
    void anAlteredTokenIsNeverAnsweredFromTheCache() {
        String token = Tokens.forUser("alice");
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200);
        // A character inside the signature: the last one carries padding bits too, and base64url decoders ignore
        // those, so changing it can leave the very same signature (and a token that is rightly still accepted).
        int at = token.length() - 10;
        String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        double misses = count("miss");
        given().auth().oauth2(altered).get("/api/v1/me").then().statusCode(401);
        assertEquals(misses + 1, count("miss"), 1e-9, "verified in full, and refused");
        given().auth().oauth2(altered).get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void aBrowserSessionIsVerifiedOnceAndForgottenAtLogout() {
        Map<String, String> session = Sessions.signIn("admin");
        given().cookies(session).redirects().follow(false).get("/experiments").then().statusCode(200);
        double hits = count("hit");
        given().cookies(session).redirects().follow(false).get("/experiments").then().statusCode(200)
                .body(containsString("Experiments"));
        assertEquals(hits + 1, count("hit"), 1e-9);
        // Still no credential for the API, cached or not.
        given().cookies(session).get("/api/v1/me").then().statusCode(401);

        given().cookies(session).redirects().follow(false).get("/logout").then().statusCode(302);
        double misses = count("miss");
        given().cookies(session).redirects().follow(false).get("/experiments");
        assertTrue(count("miss") > misses, "after logout the old cookies are verified in full again");
    }
}
