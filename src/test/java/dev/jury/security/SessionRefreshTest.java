package dev.jury.security;

import dev.jury.testenv.KeycloakServer;
import dev.jury.testenv.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser session outlives its ID token. Keycloak's tokens live five minutes in the demo realm (and often as
 * little in a company's IdP) while a reviewer may spend longer on one item; the session must then refresh its
 * tokens with the refresh token, not send the browser back to Keycloak: an htmx POST cannot follow that round of
 * redirects (it came back as a GET of the submit URL, 405, and the label was lost — seen in the htmx benchmark once
 * its warm-up outlasted the tokens). Against the real Keycloak, with the realm's token lifespan shortened for the test.
 */
@QuarkusTest
class SessionRefreshTest {

    private static final int SHORT_LIFESPAN_SECONDS = 8;

    @Test
    void aSessionWhoseIdTokenExpiredIsRefreshedInPlaceNotSentBackToTheLogin() throws Exception {
        int lifespan = realmTokenLifespan();
        setRealmTokenLifespan(SHORT_LIFESPAN_SECONDS);
        try {
            Map<String, String> session = Sessions.signIn("alice");
            given().cookies(session).redirects().follow(false).get("/").then().statusCode(200);

            Thread.sleep((SHORT_LIFESPAN_SECONDS + 3) * 1000L);

            Response after = given().cookies(session).redirects().follow(false).get("/");
            assertEquals(200, after.statusCode(), "the expired session was refreshed, not redirected to "
                    + after.getHeader("Location"));
            assertTrue(after.getCookies().keySet().stream().anyMatch(name -> name.startsWith("q_session")),
                    "the refreshed tokens come back in a new session cookie: " + after.getCookies().keySet());
        } finally {
            setRealmTokenLifespan(lifespan);
        }
    }

    private static int realmTokenLifespan() {
        return KeycloakServer.admin().get("/admin/realms/jury").then().statusCode(200)
                .extract().path("accessTokenLifespan");
    }

    private static void setRealmTokenLifespan(int seconds) {
        KeycloakServer.admin().contentType(ContentType.JSON).body(Map.of("accessTokenLifespan", seconds))
                .put("/admin/realms/jury").then().statusCode(204);
    }
}
