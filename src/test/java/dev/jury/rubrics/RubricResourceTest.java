package dev.jury.rubrics;

import dev.jury.judges.ApiFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class RubricResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    /** A form post carrying the CSRF cookie and token of {@code page}. */
    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    private static RequestSpecification yesNo(RequestSpecification spec) {
        return yesNo(spec, "Look for links.");
    }

    private static RequestSpecification yesNo(RequestSpecification spec, String guidelines) {
        return spec.formParam("kind", "boolean")
                .formParam("levels[0].value", "yes").formParam("levels[0].label", "Yes")
                .formParam("levels[0].definition", "The answer cites a source.")
                .formParam("levels[1].value", "no").formParam("levels[1].label", "No")
                .formParam("levels[1].definition", "No source is cited.").formParam("levels[1].negative", "true")
                .formParam("guidelines", guidelines).formParam("rationale_required", "true")
                .formParam("min_rationale_length", "0");
    }

    @Test
    void listLinksFromTheExperimentAndOffersANewRubric() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp).then().statusCode(200)
                .body(containsString("href=\"/experiments/" + exp + "/rubrics\""))
                .body(containsString("href=\"/experiments/" + exp + "/judges\""));
        given().get("/experiments/" + exp + "/rubrics").then().statusCode(200)
                .body(containsString("New rubric")).body(containsString("No rubrics yet"));
    }

    @Test
    void newRubricFormCreatesVersionOneThenEditsMakeVersionTwo() {
        String exp = ApiFixtures.experiment();
        Response editor = given().get("/experiments/" + exp + "/rubrics/new?name=cites_source&kind=boolean");
        editor.then().statusCode(200)
                .body(containsString("name=\"levels[0].value\" value=\"yes\""))
                .body(containsString("name=\"levels[1].value\" value=\"no\""));

        yesNo(form(editor)).formParam("name", "cites_source").formParam("op", "save")
                .post("/experiments/" + exp + "/rubrics")
                .then().statusCode(303)
                .header("Location", containsString("/experiments/" + exp + "/rubrics/cites_source"));
        given().get("/api/v1/experiments/" + exp + "/rubrics/cites_source").then().statusCode(200)
                .body("version", equalTo(1)).body("kind", equalTo("boolean"))
                .body("guidelines", equalTo("Look for links."));

        Response page = given().get("/experiments/" + exp + "/rubrics/cites_source");
        page.then().statusCode(200)
                .body(containsString("Current version 1"))
                .body(containsString("rubric.version_created"));
        yesNo(form(page), "Look for links and citations.")
                .post("/experiments/" + exp + "/rubrics/cites_source")
                .then().statusCode(303);
        given().get("/api/v1/experiments/" + exp + "/rubrics/cites_source").then().body("version", equalTo(2));

        // saving the same content again makes no version
        page = given().get("/experiments/" + exp + "/rubrics/cites_source");
        yesNo(form(page), "Look for links and citations.")
                .post("/experiments/" + exp + "/rubrics/cites_source")
                .then().statusCode(303);
        given().get("/api/v1/experiments/" + exp + "/rubrics/cites_source/versions").then().body("size()", equalTo(2));

        // the history lists both, and the old one can be viewed read-only
        given().get("/experiments/" + exp + "/rubrics/cites_source").then().statusCode(200)
                .body(containsString("/experiments/" + exp + "/rubrics/cites_source/versions/1"))
                .body(containsString("Current version 2"));
        given().get("/experiments/" + exp + "/rubrics/cites_source/versions/1").then().statusCode(200)
                .body(containsString("Read only"))
                .body(containsString("Look for links."))
                .body(not(containsString("<form method=\"post\"")));
    }

    @Test
    void anErrorKeepsEverythingTypedAndShowsItInlinePerField() {
        String exp = ApiFixtures.experiment();
        Response editor = given().get("/experiments/" + exp + "/rubrics/new?name=quality&kind=categorical");
        form(editor).formParam("name", "quality").formParam("kind", "categorical")
                .formParam("levels[0].value", "great").formParam("levels[0].label", "Great <b>one</b>")
                .formParam("levels[0].definition", "")
                .formParam("levels[1].value", "bad").formParam("levels[1].label", "Bad")
                .formParam("levels[1].definition", "Wrong.").formParam("levels[1].negative", "true")
                .formParam("guidelines", "Kept guidelines <script>alert(1)</script>")
                .formParam("min_rationale_length", "lots")
                .formParam("op", "save")
                .post("/experiments/" + exp + "/rubrics")
                .then().statusCode(422)
                .body(containsString("role=\"alert\""))
                .body(containsString("has no definition"))
                .body(containsString("must be a whole number"))
                .body(containsString("value=\"great\""))
                .body(containsString("value=\"Great &lt;b&gt;one&lt;/b&gt;\""))
                .body(containsString("value=\"lots\""))
                .body(containsString("Kept guidelines &lt;script&gt;alert(1)&lt;/script&gt;"))
                .body(not(containsString("<script>alert(1)</script>")))
                .body(containsString("name=\"levels[1].negative\" value=\"true\" checked"));
        given().get("/api/v1/experiments/" + exp + "/rubrics/quality").then().statusCode(404);
    }

    @Test
    void rowsAreAddedRemovedAndReorderedWithoutSaving() {
        String exp = ApiFixtures.experiment();
        Response editor = given().get("/experiments/" + exp + "/rubrics/new?name=quality&kind=categorical");
        String body = form(editor).formParam("name", "quality").formParam("kind", "categorical")
                .formParam("levels[0].value", "first").formParam("levels[1].value", "second")
                .formParam("op", "add")
                .post("/experiments/" + exp + "/rubrics")
                .then().statusCode(200)
                .body(containsString("<html")) // without htmx: the whole page
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("name=\"levels[2].value\" value=\"\""), body);

        form(editor).formParam("name", "quality").formParam("kind", "categorical")
                .formParam("levels[0].value", "first").formParam("levels[1].value", "second")
                .formParam("op", "up-1").header("HX-Request", "true")
                .post("/experiments/" + exp + "/rubrics")
                .then().statusCode(200)
                .body(not(containsString("<html")))           // htmx: only the level table
                .body(containsString("id=\"levels\""))
                .body(containsString("name=\"levels[0].value\" value=\"second\""))
                .body(containsString("name=\"levels[1].value\" value=\"first\""));

        form(editor).formParam("name", "quality").formParam("kind", "categorical")
                .formParam("levels[0].value", "first").formParam("levels[1].value", "second")
                .formParam("op", "remove-0")
                .post("/experiments/" + exp + "/rubrics")
                .then().statusCode(200)
                .body(containsString("name=\"levels[0].value\" value=\"second\""))
                .body(not(containsString("value=\"first\"")));
        given().get("/api/v1/experiments/" + exp + "/rubrics/quality").then().statusCode(404);
    }

    @Test
    void badNameOnTheNewFormIsShownOnTheListPage() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp + "/rubrics/new?name=Bad Name&kind=boolean").then().statusCode(422)
                .body(containsString("is not a valid judge name"))
                .body(containsString("value=\"Bad Name\""));
    }

    @Test
    void formPostWithoutCsrfTokenIsRefused() {
        String exp = ApiFixtures.experiment();
        yesNo(given().redirects().follow(false)).formParam("name", "q").post("/experiments/" + exp + "/rubrics")
                .then().statusCode(400);
    }

    @Test
    void unknownRubricOrVersionIs404Page() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp + "/rubrics/ghost").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("ghost"));
        ApiFixtures.rubric(exp, "quality");
        given().get("/experiments/" + exp + "/rubrics/quality/versions/9").then().statusCode(404)
                .body(containsString("no version 9"));
        given().get("/experiments/" + exp + "/rubrics/quality/versions/x").then().statusCode(404);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        given().get("/experiments/any/rubrics").then().statusCode(403);
        given().get("/experiments/any/rubrics/quality").then().statusCode(403);
    }
}
