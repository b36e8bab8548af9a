package dev.jury.registry;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** The judge page's registry parts and the registry pages: confirm, register, roll back, evaluate, compare. */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class RegistryResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    RegistryFixtures fixtures;

    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    private static String page(RegistryFixtures.World w) {
        return "/experiments/" + w.experiment() + "/judges/correct";
    }

    @Test
    void registerAndRollBackThroughTheConfirmationPages() throws Exception {
        var w = fixtures.world("openai-compatible", 0);
        fixtures.nextVersion(w, "Second: is {{ outputs }} right for {{ inputs }}?");
        given().get(page(w)).then().statusCode(200)
                .body(containsString("No version is registered yet"))
                .body(containsString("aria-label=\"Register version 2\""))
                .body(containsString("hx-get=\"/experiments/" + w.experiment() + "/judges/correct/alignment/panel\""))
                .body(containsString("href=\"/experiments/" + w.experiment() + "/judges/correct/alignment\""))
                .body(containsString("Reviewers' agreement"))
                .body(not(containsString("aria-label=\"Roll back the registered version\"")));

        Response confirm = given().get(page(w) + "/versions/2/register");
        confirm.then().statusCode(200).body(containsString("Register version 2 of judge correct?"))
                .body(containsString("Confirm: register version 2"));
        form(confirm).post(page(w) + "/versions/2/register").then().statusCode(303)
                .header("Location", containsString(page(w)));
        given().get(page(w)).then().statusCode(200)
                .body(containsString("<strong id=\"registered-version\">v2</strong>"))
                .body(containsString("registered v2"))
                .body(not(containsString("aria-label=\"Register version 2\"")));

        // nothing to roll back to: the first registration found no version before it
        Response refused = given().get(page(w) + "/registered/rollback");
        refused.then().statusCode(409).body(containsString("Nothing to roll back to"))
                .body(not(containsString("Confirm: roll back")));

        Response again = given().get(page(w) + "/versions/1/register");
        form(again).post(page(w) + "/versions/1/register").then().statusCode(303);
        Response rollback = given().get(page(w) + "/registered/rollback");
        rollback.then().statusCode(200).body(containsString("Confirm: roll back to version 2"));
        form(rollback).post(page(w) + "/registered/rollback").then().statusCode(303);
        given().get(page(w)).then().statusCode(200)
                .body(containsString("<strong id=\"registered-version\">v2</strong>"))
                .body(containsString("rolled back v1 → v2"));
        // a second rollback (nothing left) posted anyway is refused inline
        Response last = given().get(page(w));
        form(last).post(page(w) + "/registered/rollback").then().statusCode(409)
                .body(containsString("role=\"alert\"")).body(containsString("Nothing to roll back to"));
    }

    @Test
    void compareShowsAnEscapedLineDiffAndEvaluatePagesWork() throws Exception {
        var w = fixtures.world("openai-compatible", 2);
        fixtures.nextVersion(w, "Is {{ outputs }} a correct answer to {{ inputs }}?\n<script>alert(1)</script>");
        given().get(page(w) + "/compare?a=1&b=2").then().statusCode(200)
                .body(containsString("<ins>+ &lt;script&gt;alert(1)&lt;/script&gt;</ins>"))
                .body(not(containsString("<script>alert(1)")))
                .body(containsString("aria-label=\"Register version 1\""))
                .body(containsString("aria-label=\"Register version 2\""));
        given().get(page(w) + "/compare?a=1&b=9").then().statusCode(404).body(containsString("has no version"));

        // no human labels: the evaluation is refused inline
        Response judge = given().get(page(w));
        form(judge).post(page(w) + "/versions/1/evaluate").then().statusCode(422)
                .body(containsString("has a human label named"));
        fixtures.label(w, w.traces().get(0), "yes");
        RegistryFixtures.answer(llm, w, "yes", "fine");
        form(judge).post(page(w) + "/versions/1/evaluate").then().statusCode(303)
                .header("Location", containsString("/versions/1/evaluation"));
        String evaluation = "";
        for (int i = 0; i < 150 && !evaluation.contains("SUCCEEDED"); i++) {
            Thread.sleep(200);
            evaluation = given().get(page(w) + "/versions/1/evaluation").then().statusCode(200).extract().asString();
        }
        org.junit.jupiter.api.Assertions.assertTrue(evaluation.contains("1 / 1 traces"), evaluation);
        org.junit.jupiter.api.Assertions.assertTrue(evaluation.contains("aria-label=\"Evaluation results\""));
        org.junit.jupiter.api.Assertions.assertTrue(evaluation.contains("Accuracy <strong>1.00"), evaluation);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersCannotSeeOrUseTheRegistryPages() {
        given().get("/experiments/x/judges/correct/compare?a=1&b=2").then().statusCode(403);
        given().get("/experiments/x/judges/correct/versions/1/register").then().statusCode(403);
        given().contentType(ContentType.URLENC).post("/experiments/x/judges/correct/registered/rollback").then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(403),
                        org.hamcrest.Matchers.is(400)));
    }
}
