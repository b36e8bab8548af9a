package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alignment page, its panel fragment, the start form and the run page. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AlignmentResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @InjectLlmFake
    WireMockServer llm;

    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    String page(AlignmentTestData data) {
        return "/experiments/" + data.experiment + "/judges/policy/alignment";
    }

    @Test
    void thePreviewShowsCountsLeftOutTracesAlphaAndEscapesLabels() {
        var data = new AlignmentTestData("openai-compatible").labelled(7, 5);
        // A trace in disagreement, and a hostile label value outside the rubric.
        long disputed = data.traces.get(0);
        var label = new HashMap<String, Object>(Map.of("trace_id", disputed, "name", "policy", "value", "no",
                "source_type", "HUMAN", "source_id", "carol"));
        var another = new HashMap<String, Object>(label);
        another.put("source_id", "dave");
        given().contentType(ContentType.JSON).body(List.of(label, another))
                .post("/api/v1/experiments/" + data.experiment + "/assessments").then().statusCode(201);
        // Imported with its trace long ago: the feedback API would refuse a value outside the rubric today.
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> io.quarkus.hibernate.orm.panache.Panache
                .getEntityManager().createNativeQuery("INSERT INTO assessment (trace_id, name, value, source_type, "
                        + "source_id, valid) VALUES (?1, 'policy', '<script>alert(1)</script>', 'HUMAN', 'mallory', TRUE)")
                .setParameter(1, disputed).executeUpdate());

        String html = given().get(page(data)).then().statusCode(200).extract().asString();
        assertTrue(html.contains("12 labelled traces"), html);
        assertTrue(html.contains("Left-out traces (1)"), html);
        assertTrue(html.contains("no consensus: 2× yes, 2× no"), html);
        assertTrue(html.contains("Krippendorff's α (nominal)"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(!html.contains("<script>alert(1)</script>"));
        assertTrue(html.contains("11 used (9 train, 2 held out)"), html);
        assertTrue(html.contains("Only 2 held-out traces"), html);
        assertTrue(html.contains("name=\"p.retrieval_k\""), "the default MemAlign's parameters come from its schema");
        assertTrue(html.contains("reflection calls on 9 train traces (N + ⌈N / 50⌉)"), "and its call budget");

        // The panel is the same without the layout.
        given().get(page(data) + "/panel").then().statusCode(200).body(not(containsString("<html")))
                .body(containsString("id=\"alignment-panel\""));
        // Switching the optimizer shows its parameters.
        given().get(page(data) + "?optimizer=few-shot").then().statusCode(200)
                .body(containsString("Parameters of few-shot")).body(not(containsString("p.retrieval_k")));
    }

    @Test
    void badValuesAreShownInlineWithWhatWasTyped() {
        var data = new AlignmentTestData("openai-compatible").labelled(7, 5);
        Response page = given().get(page(data));
        form(page).formParam("action", "start").formParam("optimizer", "simba").formParam("seed", "abc")
                .formParam("heldout_fraction", "0.2").formParam("p.max_steps", "500")
                .post(page(data)).then().statusCode(422)
                .body(containsString("seed must be a whole number, got &#39;abc&#39;"))
                .body(containsString("value=\"abc\"")).body(containsString("value=\"500\""));
        page = given().get(page(data));
        form(page).formParam("action", "start").formParam("optimizer", "simba").formParam("seed", "1")
                .formParam("p.max_steps", "500").post(page(data)).then().statusCode(422)
                .body(containsString("max_steps must be between 1 and 100, got 500"));
    }

    @Test
    void refusalsAreShownOnTheFormInsteadOfStarting() {
        var data = new AlignmentTestData("openai-compatible").labelled(5, 4);
        Response page = given().get(page(data));
        form(page).formParam("action", "start").post(page(data)).then().statusCode(422)
                .body(containsString("At least 10 traces with a human label named &#39;policy&#39; are required; found 9"));
    }

    @Test
    void startingRedirectsToTheRunPageWhichShowsMetricsAndTheLog() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        Response page = given().get(page(data));
        String location = form(page).formParam("action", "start").formParam("optimizer", "simba")
                .formParam("reflection_model", "openai-compatible:/" + data.reflection).formParam("seed", "7")
                .formParam("heldout_fraction", "0.2").formParam("p.batch_size", "8").formParam("p.num_candidates", "2")
                .formParam("p.max_steps", "2").formParam("p.max_demos", "0").formParam("p.concurrency", "4")
                .post(page(data)).then().statusCode(303).extract().header("Location");
        assertTrue(location.matches(".*/alignments/\\d+$"), location);
        long runId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        AlignmentTestData.awaitFinished(runId, Duration.ofSeconds(120));

        given().get("/alignments/" + runId).then().statusCode(200)
                .body(containsString("Held-out traces: before and after"))
                .body(containsString("Confusion matrix before")).body(containsString("policy v2"))
                .body(containsString("/experiments/" + data.experiment + "/judges/policy/compare?a=1&amp;b=2"))
                .body(containsString("Show DEBUG lines")).body(not(containsString("job-log-debug")));
        given().get("/alignments/" + runId + "?debug=true").then().statusCode(200)
                .body(containsString("job-log-debug"));
        given().header("HX-Request", "true").get("/alignments/" + runId).then().statusCode(200)
                .body(not(containsString("<html"))).body(containsString("alignment-progress"));
        given().get(page(data)).then().statusCode(200).body(containsString("/alignments/" + runId));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersSeeNoAlignmentPages() {
        given().redirects().follow(false).get("/experiments/any/judges/policy/alignment").then().statusCode(403);
        given().redirects().follow(false).get("/alignments/1").then().statusCode(403);
    }
}
