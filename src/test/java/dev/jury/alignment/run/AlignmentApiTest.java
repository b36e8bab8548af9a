package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The alignment API's refusals, validation, roles, a failing LLM and cancellation. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AlignmentApiTest {

    @InjectLlmFake
    WireMockServer llm;

    @Test
    void nineLabelledTracesAreRefusedWithTheNumbers() {
        var data = new AlignmentTestData("openai-compatible").labelled(5, 4);
        given().contentType(ContentType.JSON).body(Map.of()).post(data.alignments()).then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", equalTo("At least 10 traces with a human label named 'policy' are required; found 9"))
                .body("refusals[0].code", equalTo("too_few"))
                .body("data_set.usable", equalTo(9)).body("data_set.negatives", equalTo(4));
        given().get(data.alignments()).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void noLabelsAreRefused() {
        var data = new AlignmentTestData("openai-compatible");
        given().contentType(ContentType.JSON).body(Map.of()).post(data.alignments()).then().statusCode(422)
                .body("detail", equalTo("At least 10 traces with a human label named 'policy' are required; found 0"));
        given().get(data.alignments() + "/preview").then().statusCode(200)
                .body("data_set.ready", equalTo(false)).body("data_set.candidates", equalTo(0))
                .body("data_set.refusals[0].message", startsWith("At least 10 traces"));
    }

    @Test
    void twentyPercentNegativesAreRefusedUnlessRebalancedByDownsampling() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(24, 6);
        given().contentType(ContentType.JSON).body(Map.of()).post(data.alignments()).then().statusCode(422)
                .body("detail", equalTo("Negative labels are 20% of the data set (6 of 30 traces); the balance "
                        + "target is 30% for each side. Label more negative traces, or choose \"rebalance by "
                        + "downsampling\"."))
                .body("errors[0].field", equalTo("rebalance"));
        // With rebalancing: 6 negatives allow 14 positives; the preview shows what is dropped.
        given().get(data.alignments() + "/preview?rebalance=true").then().statusCode(200)
                .body("data_set.ready", equalTo(true)).body("data_set.usable", equalTo(20))
                .body("data_set.rebalanced.side", equalTo("positive")).body("data_set.rebalanced.after", equalTo(14));

        data.stubLearnableJudge(llm);
        Number runId = given().contentType(ContentType.JSON)
                .body(Map.of("optimizer", "few-shot", "rebalance", true)).post(data.alignments())
                .then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(60))
                .body("status", equalTo("SUCCEEDED")).body("rebalance", equalTo(true))
                .body("data_set.rebalanced.after", equalTo(14));
    }

    @Test
    void badRequestsNameTheField() {
        var data = new AlignmentTestData("openai-compatible").labelled(7, 5);
        given().contentType(ContentType.JSON).body(Map.of("optimizer", "gepa")).post(data.alignments())
                .then().statusCode(422).body("detail", equalTo("Unknown optimizer 'gepa'; available: memalign, few-shot, simba."))
                .body("errors[0].field", equalTo("optimizer"));
        given().contentType(ContentType.JSON).body(Map.of("optimizer", "simba", "params", Map.of("max_steps", 0))).post(data.alignments())
                .then().statusCode(422).body("errors[0].field", equalTo("params.max_steps"))
                .body("detail", containsString("max_steps must be between 1 and 100"));
        given().contentType(ContentType.JSON).body(Map.of("params", Map.of("temperature", 1))).post(data.alignments())
                .then().statusCode(422).body("detail", startsWith("unknown parameter 'temperature'"));
        given().contentType(ContentType.JSON).body(Map.of("reflection_model", "gpt-4")).post(data.alignments())
                .then().statusCode(422).body("errors.field", hasItem("reflection_model"));
        given().contentType(ContentType.JSON).body(Map.of("reflection_model", "anthropic:/claude-x"))
                .post(data.alignments()).then().statusCode(422).body("errors.field", hasItem("reflection_model"));
        given().contentType(ContentType.JSON).body(Map.of("heldout_fraction", 0.9, "rubric_version", 7))
                .post(data.alignments()).then().statusCode(422)
                .body("errors.field", equalTo(List.of("heldout_fraction", "rubric_version")));
        given().contentType(ContentType.JSON).body(Map.of("base_version", "9")).post(data.alignments())
                .then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/experiments/" + data.experiment
                + "/judges/nobody/alignments").then().statusCode(404);
        given().get("/api/v1/alignments/987654321").then().statusCode(404);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersMayNotAlign() {
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/experiments/any/judges/policy/alignments")
                .then().statusCode(403);
        given().get("/api/v1/experiments/any/judges/policy/alignments/preview").then().statusCode(403);
        given().get("/api/v1/alignments/1").then().statusCode(403);
        given().post("/api/v1/alignments/1/cancel").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void servicesMayNotAlignEither() {
        given().get("/api/v1/experiments/any/judges/policy/alignments").then().statusCode(403);
    }

    @Test
    void aRunWhoseModelFailsEndsFailedKeepsItsLogAndCreatesNoVersion() throws Exception {
        // ollama, not the shared openai-compatible provider: the 500s open this provider's circuit breaker.
        var data = new AlignmentTestData("ollama").labelled(7, 5);
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model)))
                .willReturn(aResponse().withStatus(500).withBody("upstream down")));
        Number runId = given().contentType(ContentType.JSON).body(Map.of("optimizer", "few-shot"))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(60))
                .body("status", equalTo("FAILED")).body("result_version", nullValue())
                .body("error", containsString("failed")).body("metrics", nullValue())
                .body("log.message", hasItem(startsWith("Aligning policy v1 with few-shot")))
                .body("log.level", hasItem("ERROR"));
        given().get("/api/v1/experiments/" + data.experiment + "/judges/policy/versions").then()
                .body("size()", equalTo(1));
        given().contentType(ContentType.JSON).post("/api/v1/alignments/" + runId + "/cancel").then().statusCode(409);
    }

    @Test
    void aCancelledRunKeepsItsLogAndCreatesNoVersion() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model)))
                .willReturn(AlignmentTestData.answer("yes", "slow").withFixedDelay(300)));
        Number runId = given().contentType(ContentType.JSON).body(data.startBody()).post(data.alignments())
                .then().statusCode(202).extract().path("run_id");
        given().contentType(ContentType.JSON).post("/api/v1/alignments/" + runId + "/cancel").then().statusCode(200);
        AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(60))
                .body("status", equalTo("CANCELLED")).body("result_version", nullValue());
        given().get("/api/v1/experiments/" + data.experiment + "/judges/policy/versions").then()
                .body("size()", equalTo(1));
    }
}
