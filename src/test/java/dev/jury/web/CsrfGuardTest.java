package dev.jury.web;

import dev.jury.review.ReviewFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CSRF token on every state-changing page request (issue 12): body-less and non-form posts used to pass, and a
 * made-up token was fine as long as cookie and field matched.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class CsrfGuardTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    ReviewFixtures fixtures;

    @TestHTTPResource("/")
    URL root;

    private long openQueue() throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 2, 2);
        return fixtures.queue(experiment, 4, 1, true, List.of("alice")).id;
    }

    private String status(long queue) throws SQLException {
        return fixtures.text("SELECT status FROM review_queue WHERE id = ?", queue);
    }

    static String token(Response page) {
        Matcher m = TOKEN.matcher(page.asString());
        assertTrue(m.find(), "no CSRF field on the page");
        return m.group(1);
    }

    /** A POST with the session (here: the test identity), the page's cookie and no body at all, no Content-Type. */
    private int bareClose(long queue, String cookie) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(root.toString()).resolve("queues/" + queue + "/close"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", "csrf-token=" + cookie);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aStateChangingRequestWithoutTheTokenIsRefusedWhateverItsBody() throws Exception {
        long queue = openQueue();
        Response page = given().get("/queues/" + queue);
        String cookie = page.getCookie("csrf-token");
        assertEquals(400, bareClose(queue, cookie));
        assertEquals(400, bareClose(queue, null));
        given().redirects().follow(false).cookies(page.getCookies()).contentType(ContentType.JSON).body("{}")
                .post("/queues/" + queue + "/close").then().statusCode(400);
        given().redirects().follow(false).cookies(page.getCookies()).contentType(ContentType.TEXT).body("x")
                .post("/queues/" + queue + "/reopen").then().statusCode(400);
        given().redirects().follow(false).cookies(page.getCookies()).formParam("other", "1")
                .post("/queues/" + queue + "/close").then().statusCode(400);
        assertEquals("OPEN", status(queue));
        // the header htmx sends, or the form field, and the request goes through
        given().redirects().follow(false).cookies(page.getCookies()).header("X-CSRF-TOKEN", token(page))
                .post("/queues/" + queue + "/close").then().statusCode(303);
        assertEquals("CLOSED", status(queue));
        given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", token(page))
                .post("/queues/" + queue + "/reopen").then().statusCode(303);
        assertEquals("OPEN", status(queue));
    }

    @Test
    void aMadeUpTokenIsRefusedEvenWhenCookieAndFieldMatch() throws Exception {
        long queue = openQueue();
        Response page = given().get("/queues/" + queue);
        String real = token(page);
        String forgedSignature = real.substring(0, real.indexOf('.') + 1) + "AAAA" + real.substring(real.indexOf('.') + 5);
        // 22 characters = 16 bytes: the shape quarkus-rest-csrf accepted from anyone (issue 12, defect 7)
        for (String madeUp : List.of("AAAAAAAAAAAAAAAAAAAAAA", "attacker-chosen-value", "bm9uY2U.c2lnbmF0dXJl",
                forgedSignature)) {
            given().redirects().follow(false).cookie("csrf-token", madeUp).formParam("csrf-token", madeUp)
                    .post("/queues/" + queue + "/close").then().statusCode(400);
            given().redirects().follow(false).cookie("csrf-token", madeUp).header("X-CSRF-TOKEN", madeUp)
                    .post("/queues/" + queue + "/close").then().statusCode(400);
        }
        // a real token in the field but another in the cookie: no double submit
        given().redirects().follow(false).cookie("csrf-token", forgedSignature).formParam("csrf-token", real)
                .post("/queues/" + queue + "/close").then().statusCode(400);
        assertEquals("OPEN", status(queue));
    }

    @Test
    void theCookieIsHttpOnlyAndSameSiteAndTheTokenStaysAcrossPages() {
        Response first = given().get("/experiments");
        String setCookie = first.getHeaders().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("csrf-token=")).findFirst().orElse(null);
        assertNotNull(setCookie, "no csrf-token cookie");
        assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        String cookie = first.getCookie("csrf-token");
        // the next page (another tab) keeps the same token: no new cookie, the same value in forms and meta tag
        Response next = given().cookie("csrf-token", cookie).get("/experiments");
        assertNull(next.getCookie("csrf-token"));
        assertEquals(cookie, token(next));
        next.then().body(containsString("<meta name=\"csrf-token\" content=\"" + cookie + "\">"));
    }
}
