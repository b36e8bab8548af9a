package dev.jury.experiments;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class ExperimentResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Test
    void formCreatesAnExperimentAndRedirectsWithAFlash() {
        String name = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        Response page = given().get("/experiments");
        page.then().statusCode(200).body(containsString("New experiment"));
        String token = csrfToken(page);

        given().redirects().follow(false)
                .cookies(page.getCookies())
                .formParam("csrf-token", token).formParam("name", name).formParam("description", "from the form")
                .post("/experiments")
                .then().statusCode(303).header("Location", containsString("/experiments"));

        given().get("/experiments").then().statusCode(200).body(containsString(name));
    }

    @Test
    void badNameKeepsTheTypedValuesAndShowsTheRuleInline() {
        Response page = given().get("/experiments");
        given().cookies(page.getCookies())
                .formParam("csrf-token", csrfToken(page)).formParam("name", "Bad Name").formParam("description", "kept text")
                .post("/experiments")
                .then().statusCode(422)
                .body(containsString("[a-z0-9-]{1,64}"))
                .body(containsString("value=\"Bad Name\""))
                .body(containsString("kept text"))
                .body(containsString("role=\"alert\""));
    }

    @Test
    void formPostWithoutCsrfTokenIsRefused() {
        given().redirects().follow(false).formParam("name", "no-token-" + UUID.randomUUID().toString().substring(0, 6))
                .post("/experiments")
                .then().statusCode(400);
    }

    @Test
    void contentIsEscaped() {
        Response page = given().get("/experiments");
        String name = "xss-" + UUID.randomUUID().toString().substring(0, 8);
        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", csrfToken(page)).formParam("name", name)
                .formParam("description", "<script>alert(1)</script>")
                .post("/experiments").then().statusCode(303);
        given().get("/experiments").then().statusCode(200)
                .body(not(containsString("<script>alert(1)</script>")))
                .body(containsString("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void unknownExperimentPageIs404Page() {
        given().get("/experiments/does-not-exist").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("does-not-exist"));
    }

    static String csrfToken(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return matcher.group(1);
    }
}
