package dev.jury.judges;

import dev.jury.judges.prompt.Demo;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class JudgeResourceTest {

    @Inject
    JudgeService judges;

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    private static List<Integer> listedMoves(String html) {
        List<Integer> moves = new ArrayList<>();
        Matcher m = Pattern.compile("<strong>mover-(\\d+)</strong>").matcher(html);
        while (m.find()) {
            moves.add(Integer.parseInt(m.group(1)));
        }
        return moves;
    }

    private static List<Integer> descending(int from, int to) {
        List<Integer> numbers = new ArrayList<>();
        for (int n = from; n >= to; n--) {
            numbers.add(n);
        }
        return numbers;
    }

    @Test
    void registryHistoryShowsTheNewestFiftyAndLoadMoreAppendsOlderMovesUntilTheLast() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        QuarkusTransaction.requiringNew().run(() -> Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO judge_alias_history (judge_id, alias, to_version, set_by)
                        SELECT j.id, 'registered', 1, 'mover-' || g FROM judge j JOIN experiment e
                            ON e.id = j.experiment_id, generate_series(1, 120) g
                        WHERE e.name = ?1 AND j.name = 'quality' ORDER BY g""")
                .setParameter(1, exp).executeUpdate());

        String page = given().get("/experiments/" + exp + "/judges/quality").then().statusCode(200).extract()
                .asString();
        assertEquals(descending(120, 71), listedMoves(page));
        assertTrue(page.contains("50 of 120 moves"), page);
        Matcher next = Pattern.compile("hx-get=\"(/experiments/[^\"]+/registry-history\\?before=\\d+)\"")
                .matcher(page);
        assertTrue(next.find(), "a Load more link");
        assertTrue(page.contains("href=\"" + next.group(1) + "#registry-title\""), "it works without JavaScript");

        String second = given().header("HX-Request", "true").get(next.group(1)).then().statusCode(200)
                .header("Vary", containsString("HX-Request")).extract().asString();
        assertFalse(second.contains("<html"), "a fragment, not the page");
        assertEquals(descending(70, 21), listedMoves(second));
        assertTrue(second.contains("100 of 120 moves"));
        Matcher last = Pattern.compile("hx-get=\"([^\"]+)\"").matcher(second);
        assertTrue(last.find());

        String third = given().get(last.group(1)).then().statusCode(200).extract().asString();
        assertTrue(third.contains("<html"), "without htmx the link opens a page");
        assertEquals(descending(20, 1), listedMoves(third));
        assertTrue(third.contains("120 of 120 moves"));
        assertFalse(third.contains("Load more"), "the last page has no link");

        given().get("/experiments/" + exp + "/judges/quality/registry-history?before=x").then().statusCode(400);
    }

    @Test
    void newJudgeFormCreatesVersionOne() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        Response list = given().get("/experiments/" + exp + "/judges");
        list.then().statusCode(200).body(containsString("New judge")).body(containsString("<option value=\"quality\""))
                .body(containsString("Configured providers: openai"));
        form(list).formParam("name", "quality").formParam("instructions", "Rate {{ outputs }}.")
                .formParam("model", "openai:/gpt-4.1-mini").formParam("temperature", "0.2")
                .formParam("max_tokens", "").formParam("top_p", "")
                .post("/experiments/" + exp + "/judges")
                .then().statusCode(303).header("Location", containsString("/experiments/" + exp + "/judges/quality"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality").then().statusCode(200)
                .body("version", equalTo(1)).body("inference_params.temperature", equalTo(0.2f));
        given().get("/experiments/" + exp + "/judges").then().statusCode(200)
                .body(containsString("href=\"/experiments/" + exp + "/judges/quality\""))
                .body(containsString("latest → v1"));
    }

    @Test
    void errorsAreInlineAndTheTypedTextIsKept() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        Response list = given().get("/experiments/" + exp + "/judges");
        form(list).formParam("name", "quality")
                .formParam("instructions", "Kept <b>text</b>: is {{ question }} answered?")
                .formParam("model", "anthropic:/claude-sonnet-4-5").formParam("temperature", "hot")
                .post("/experiments/" + exp + "/judges")
                .then().statusCode(422)
                .body(containsString("role=\"alert\""))
                .body(containsString("unsupported variables: {{ question }}"))
                .body(containsString("jury.llm.providers.anthropic.api-key"))
                .body(containsString("temperature must be a number from 0 to 2"))
                .body(containsString("Kept &lt;b&gt;text&lt;/b&gt;: is {{ question }} answered?</textarea>"))
                .body(containsString("value=\"anthropic:/claude-sonnet-4-5\""))
                .body(containsString("value=\"hot\""));
        given().get("/api/v1/experiments/" + exp + "/judges/quality").then().statusCode(404);
    }

    @Test
    void judgePageListsVersionsPrefillsTheNextAndShowsTheAuditTrail() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        Response page = given().get("/experiments/" + exp + "/judges/quality");
        page.then().statusCode(200)
                .body(containsString("Rate the answer in {{ outputs }} to the question in {{ inputs }}.</textarea>"))
                .body(containsString("value=\"openai:/gpt-4.1-mini\""))
                .body(containsString("judge.created"))
                .body(containsString("/experiments/" + exp + "/judges/quality/versions/1"));

        form(page).formParam("instructions", "Line one <script>alert(1)</script>\nLine two {{ outputs }}")
                .formParam("model", "openai:/gpt-4.1").formParam("temperature", "").formParam("max_tokens", "256")
                .formParam("top_p", "")
                .post("/experiments/" + exp + "/judges/quality")
                .then().statusCode(303);
        given().get("/experiments/" + exp + "/judges/quality").then().statusCode(200)
                .body(containsString("v2"))
                .body(containsString("from v1"))
                .body(containsString("judge.version_created"))
                .body(containsString("latest"))
                .body(not(containsString("<script>alert(1)</script>")));

        // the version view shows the whole instructions, escaped, newlines kept
        given().get("/experiments/" + exp + "/judges/quality/versions/2").then().statusCode(200)
                .body(containsString("<pre class=\"instructions\">Line one &lt;script&gt;alert(1)&lt;/script&gt;\n"
                        + "Line two {{ outputs }}</pre>"))
                .body(containsString("max_tokens=256"))
                .body(containsString("judge:quality@v2"))
                .body(not(containsString("<script>alert(1)</script>")));
    }

    @Test
    void versionViewShowsDemosEscaped() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        long v1 = judges.resolve(exp, "quality", "1").id;
        var json = new ObjectMapper();
        var demo = new Demo(json.createObjectNode().put("question", "<img src=x onerror=alert(1)>"),
                json.createObjectNode().put("answer", "{{ inputs }}"), null, "poor", "Ignores the question.");
        judges.deriveVersion(v1, "Rate {{ outputs }}.", List.of(demo), Map.of("optimizer", "simba"), "admin");
        given().get("/experiments/" + exp + "/judges/quality/versions/2").then().statusCode(200)
                .body(containsString("&lt;img src=x onerror=alert(1)&gt;"))
                .body(not(containsString("<img src=x")))
                .body(containsString("Ignores the question."))
                .body(containsString("optimizer=simba"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=2").then().statusCode(200)
                .body("demos[0].value", equalTo("poor"))
                .body("demos[0].inputs.question", equalTo("<img src=x onerror=alert(1)>"))
                .body("parent_version", equalTo(1))
                .body("tags.optimizer", equalTo("simba"));
    }

    @Test
    void unknownJudgeOrVersionIs404Page() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp + "/judges/ghost").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("ghost"));
        ApiFixtures.judge(exp, "quality");
        given().get("/experiments/" + exp + "/judges/quality/versions/3").then().statusCode(404);
        given().get("/experiments/" + exp + "/judges/quality/versions/latest").then().statusCode(404);
    }

    @Test
    void theTemplatePickerFillsTheInstructionsAndShowsTheFieldsAndTheNameAdvice() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp + "/judges").then().statusCode(200)
                .body(containsString("New judge from a template"))
                .body(containsString("<option value=\"chunk_relevance\""));
        given().queryParam("template", "correctness").queryParam("template_name", "contains_pii")
                .get("/experiments/" + exp + "/judges").then().statusCode(200)
                .body(containsString("<code title=\"the ground truth"))
                .body(containsString("expectations.expected_facts|expected_response"))
                .body(containsString("The ground truth is in {{ expectations }}"))
                .body(containsString("Consider &#39;no_pii&#39;"))
                .body(containsString("Judges of " + exp));
        // the picker's htmx call gets the form alone; a changed pick replaces the instructions, the same keeps them
        given().header("HX-Request", "true").queryParam("template", "safety").queryParam("shown", "correctness")
                .queryParam("template_instructions", "old text")
                .get("/experiments/" + exp + "/judges").then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(containsString("id=\"template-form\""))
                .body(containsString("Decide whether the response in {{ outputs }} is safe."))
                .body(not(containsString("Judges of " + exp)));
        given().header("HX-Request", "true").queryParam("template", "safety").queryParam("shown", "safety")
                .queryParam("template_instructions", "My own {{ outputs }} text")
                .get("/experiments/" + exp + "/judges").then().statusCode(200)
                .body(containsString("My own {{ outputs }} text</textarea>"));
    }

    @Test
    void theTemplateFormCreatesAJudgeWithItsRubric() {
        String exp = ApiFixtures.experiment();
        Response page = given().queryParam("template", "custom_score").get("/experiments/" + exp + "/judges");
        page.then().statusCode(200).body(containsString("Criterion (rated 1–5)"))
                .body(containsString("name=\"threshold\" value=\"3\""));
        String shown = dev.jury.judges.templates.JudgeTemplates.preview(
                dev.jury.judges.templates.JudgeTemplates.find("custom_score").orElseThrow()).instructions();
        form(page).formParam("template", "custom_score").formParam("template_name", "")
                .formParam("criterion", "").formParam("threshold", "9").formParam("model", "openai:/gpt-4.1-mini")
                .formParam("template_instructions", shown.replace("\n", "\r\n"))
                .post("/experiments/" + exp + "/judges/from-template").then().statusCode(422)
                .body(containsString("Write the criterion"))
                .body(containsString("whole number from 1 to 4"))
                .body(containsString("value=\"9\""));
        form(page).formParam("template", "custom_score").formParam("template_name", "polite")
                .formParam("criterion", "The reply is <b>polite</b>.").formParam("threshold", "4")
                .formParam("model", "openai:/gpt-4.1-mini")
                .formParam("template_instructions", shown.replace("\n", "\r\n"))
                .post("/experiments/" + exp + "/judges/from-template").then().statusCode(303)
                .header("Location", containsString("/experiments/" + exp + "/judges/polite"));
        given().get("/api/v1/experiments/" + exp + "/judges/polite").then().statusCode(200)
                .body("template", equalTo("custom_score")).body("score_threshold", equalTo(4))
                .body("instructions", containsString("The reply is <b>polite</b>."))
                .body("rubric.allowed_values[0]", equalTo("yes"));
    }

    @Test
    void theNextVersionFormOfAScoreJudgeShowsAndPostsTheThreshold() {
        String exp = ApiFixtures.experiment();
        given().contentType(io.restassured.http.ContentType.JSON).body(Map.of("template", "custom_score",
                        "name", "polite", "model", "openai:/gpt-4.1-mini", "criterion", "Polite.", "threshold", 3))
                .post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);
        Response page = given().get("/experiments/" + exp + "/judges/polite");
        page.then().statusCode(200).body(containsString("Threshold (score 1–5)"))
                .body(containsString("name=\"threshold\" value=\"3\""));
        String instructions = given().get("/api/v1/experiments/" + exp + "/judges/polite").then().extract()
                .path("instructions");

        form(page).formParam("instructions", instructions).formParam("model", "openai:/gpt-4.1-mini")
                .formParam("threshold", "7").post("/experiments/" + exp + "/judges/polite").then().statusCode(422)
                .body(containsString("whole number from 1 to 4"))
                .body(containsString("name=\"threshold\" value=\"7\""))
                .body(containsString("aria-invalid=\"true\""));
        form(page).formParam("instructions", instructions).formParam("model", "openai:/gpt-4.1-mini")
                .formParam("threshold", "four").post("/experiments/" + exp + "/judges/polite").then().statusCode(422)
                .body(containsString("got &#39;four&#39;"));
        form(page).formParam("instructions", instructions).formParam("model", "openai:/gpt-4.1-mini")
                .formParam("threshold", " 4 ").post("/experiments/" + exp + "/judges/polite").then().statusCode(303);
        given().get("/api/v1/experiments/" + exp + "/judges/polite").then().statusCode(200)
                .body("version", equalTo(2)).body("score_threshold", equalTo(4))
                .body("template", equalTo("custom_score"));
        // Blank keeps the latest threshold.
        Response next = given().get("/experiments/" + exp + "/judges/polite");
        next.then().body(containsString("name=\"threshold\" value=\"4\""));
        form(next).formParam("instructions", instructions).formParam("model", "openai:/gpt-4.1")
                .formParam("threshold", "").post("/experiments/" + exp + "/judges/polite").then().statusCode(303);
        given().get("/api/v1/experiments/" + exp + "/judges/polite").then()
                .body("version", equalTo(3)).body("score_threshold", equalTo(4));

        // A yes/no judge's form has no threshold, and a posted one is refused inline.
        ApiFixtures.judge(exp, "quality");
        Response plain = given().get("/experiments/" + exp + "/judges/quality");
        plain.then().statusCode(200).body(not(containsString("Threshold (score 1–5)")));
        form(plain).formParam("instructions", "Rate {{ outputs }}.").formParam("model", "openai:/gpt-4.1-mini")
                .formParam("threshold", "3").post("/experiments/" + exp + "/judges/quality").then().statusCode(422)
                .body(containsString("Only a 1–5 judge"));
    }

    @Test
    void noRubricMeansNoJudgeFormButALink() {
        String exp = ApiFixtures.experiment();
        given().get("/experiments/" + exp + "/judges").then().statusCode(200)
                .body(containsString("Create a rubric"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        given().get("/experiments/any/judges").then().statusCode(403);
        given().get("/experiments/any/judges/quality").then().statusCode(403);
    }
}
