package dev.jury.production;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** The online-scoring panel on the judge page and its form: on, off, a bad value shown inline, content escaped. */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class OnlineScoringResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    OnlineScoringWorld worlds;

    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    @Test
    void theFormTurnsScoringOnAndOffAndShowsABadValueInline() throws Exception {
        var w = worlds.create(0);
        String judge = "/experiments/" + w.experiment() + "/judges/correct";
        String page = judge + "/online-scoring";
        String api = "/api/v1" + judge + "/online-scoring";

        given().get(judge).then().statusCode(200)
                .body(containsString("hx-get=\"" + page + "/panel\""));
        given().get(page + "/panel").then().statusCode(200)
                .body(containsString("<strong>Off</strong>"))
                .body(containsString("Score production traffic with the registered version"))
                .body(not(containsString("<html")));

        Response form = given().get(page);
        form.then().statusCode(200).body(containsString("<html"));
        form(form).formParam("enabled", "on").formParam("sample_rate", "0.5")
                .formParam("filter", "tags.env = '<b>prod</b>'").post(page)
                .then().statusCode(303).header("Location", endsWith(judge));
        given().get(api).then().body("enabled", equalTo(true)).body("sample_rate", equalTo(0.5f))
                .body("filter", equalTo("tags.env = '<b>prod</b>'"));
        given().get(page + "/panel").then().statusCode(200)
                .body(containsString("<strong>On</strong>"))
                .body(containsString("50 %"))
                .body(containsString("&lt;b&gt;prod&lt;/b&gt;"))
                .body(not(containsString("<b>prod</b>")))
                .body(containsString("<strong>v1</strong>"));

        form(given().get(page)).formParam("enabled", "on").formParam("sample_rate", "1.5").formParam("filter", "")
                .post(page).then().statusCode(422)
                .body(containsString("The sample rate is a number from 0 to 1"))
                .body(containsString("aria-invalid=\"true\""))
                .body(containsString("value=\"1.5\""));
        form(given().get(page)).formParam("enabled", "on").formParam("sample_rate", "0.5")
                .formParam("filter", "env = prod").post(page).then().statusCode(422)
                .body(containsString("Unknown field &#39;env&#39;"));
        given().get(api).then().body("sample_rate", equalTo(0.5f)).body("filter", equalTo("tags.env = '<b>prod</b>'"));

        // the unchecked box turns it off
        form(given().get(page)).formParam("sample_rate", "0.5").formParam("filter", "").post(page)
                .then().statusCode(303);
        given().get(api).then().body("enabled", equalTo(false)).body("filter", equalTo(""));
    }
}
