package dev.jury.judges.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobStatus;
import dev.jury.llm.InjectLlmFake;
import dev.jury.testenv.Db;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Template judges run against the fake LLM: a 1–5 judge's score becomes yes/no at its (settable) threshold with
 * both stored; a guideline judge's rationale names the failed guideline; a per-chunk judge asks about each chunk
 * and stores one verdict with the chunks and the precision; the run page's yes share and {@code ?only=no}.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class TemplateJudgeRunTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    AgroalDataSource dataSource;

    String experiment;
    String model;

    void experiment() {
        experiment = "tpl-" + UUID.randomUUID().toString().substring(0, 8);
        model = "tpl-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("name", experiment)).post("/api/v1/experiments")
                .then().statusCode(201);
    }

    void judge(Map<String, Object> body) {
        var full = new java.util.HashMap<>(body);
        full.put("model", "openai-compatible:/" + model);
        given().contentType(ContentType.JSON).body(full).post("/api/v1/experiments/" + experiment + "/judges")
                .then().statusCode(201);
    }

    long trace(String inputs, String outputs, String expectations) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO trace (experiment_id, inputs, outputs, expectations)
                SELECT id, ?::jsonb, ?::jsonb, ?::jsonb FROM experiment WHERE name = ? RETURNING id""")) {
            s.setString(1, inputs);
            s.setString(2, outputs);
            s.setString(3, expectations);
            s.setString(4, experiment);
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    void answer(String whenContaining, String answer) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))
                .withRequestBody(containing(whenContaining))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion(answer))));
    }

    long run(String judge) throws InterruptedException {
        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/" + judge + "/runs")
                .then().statusCode(202).extract().path("job_id");
        Job job = Db.awaitJob(jobId, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        return jobId;
    }

    String stored(long trace, String source, String column) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("SELECT " + column
                + " FROM current_assessment WHERE trace_id = ? AND source_id = ? AND valid")) {
            s.setLong(1, trace);
            s.setString(2, source);
            var rs = s.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aScoreBecomesYesAboveTheThresholdAndBothAreStored() throws Exception {
        experiment();
        judge(Map.of("template", "custom_score", "name", "polite", "criterion", "The reply is polite."));
        long low = trace("{\"q\": \"hi\"}", "\"case-1 go away\"", null);
        long edge = trace("{\"q\": \"hi\"}", "\"case-2 hello\"", null);
        long high = trace("{\"q\": \"hi\"}", "\"case-3 hello, how can I help?\"", null);
        answer("case-1 go away", "{\"result\": 2, \"rationale\": \"curt\"}");
        answer("case-2 hello", "{\"result\": \"3\", \"rationale\": \"plain\"}");
        answer("case-3 hello", "{\"result\": 5, \"rationale\": \"warm\"}");

        long job = run("polite");
        String v1 = "judge:polite@v1";
        assertEquals("no", stored(low, v1, "value"));
        assertEquals("no", stored(edge, v1, "value"), "3 is at the default threshold, not above it: no");
        assertEquals("yes", stored(high, v1, "value"));
        assertEquals("2", stored(low, v1, "metadata->>'score'"));
        assertEquals("3", stored(low, v1, "metadata->>'threshold'"));
        assertEquals("false", stored(low, v1, "metadata->>'passed'"));
        assertEquals("false", stored(edge, v1, "metadata->>'passed'"));
        assertEquals("true", stored(high, v1, "metadata->>'passed'"));
        assertEquals(String.valueOf(job), stored(low, v1, "metadata->>'job_id'"));
        // the model was asked for the 1–5 scale, not for yes/no
        var requests = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model))));
        assertTrue(requests.get(0).getBodyAsString().contains("Meets the criterion fully."));

        // the run page: the share of yes and the traces judged no
        given().get("/api/v1/experiments/" + experiment + "/judges/polite/runs/" + job).then().statusCode(200)
                .body("values.yes", equalTo(1)).body("values.no", equalTo(2))
                .body("yes_share", equalTo(1 / 3.0f)).body("results.size()", equalTo(3));
        given().get("/experiments/" + experiment + "/judges/polite/runs/" + job).then().statusCode(200)
                .body(containsString("Share of yes: <strong>33.3 %</strong> of 3 verdicts"))
                .body(containsString("warm"));
        given().queryParam("only", "no").get("/experiments/" + experiment + "/judges/polite/runs/" + job).then()
                .statusCode(200).body(containsString("curt")).body(not(containsString("warm")));

        // the threshold is settable: version 2 at 2 turns the 3 into a yes
        given().contentType(ContentType.JSON).body(Map.of("name", "polite", "threshold", 2,
                        "instructions", "Rate {{ outputs }} to {{ inputs }} on politeness.",
                        "model", "openai-compatible:/" + model))
                .post("/api/v1/experiments/" + experiment + "/judges").then().statusCode(201)
                .body("score_threshold", equalTo(2));
        run("polite");
        assertEquals("yes", stored(edge, "judge:polite@v2", "value"));
        assertEquals("2", stored(edge, "judge:polite@v2", "metadata->>'threshold'"));
        assertEquals("yes", stored(high, "judge:polite@v2", "value"));
    }

    @Test
    void aGuidelineJudgeNamesTheGuidelineThatFailed() throws Exception {
        experiment();
        judge(Map.of("template", "guideline_adherence", "name", "follows_policy",
                "guidelines", List.of("Answer in English.", "Never promise a refund.")));
        long refund = trace("{\"q\": \"money back?\"}", "\"case-1 Yes, we will refund you.\"",
                "{\"guidelines\": [\"Mention the order number.\"]}");
        long fine = trace("{\"q\": \"hours?\"}", "\"case-2 We open at 9.\"", null);
        answer("case-1 Yes", "{\"result\": \"no\", \"rationale\": \"Failed guideline: \\\"Never promise a refund.\\\""
                + " The reply promises one.\"}");
        answer("case-2 We open", "{\"result\": \"yes\", \"rationale\": \"Follows both.\"}");

        run("follows_policy");
        assertEquals("no", stored(refund, "judge:follows_policy@v1", "value"));
        assertTrue(stored(refund, "judge:follows_policy@v1", "rationale")
                .startsWith("Failed guideline: \"Never promise a refund.\""));
        assertEquals("yes", stored(fine, "judge:follows_policy@v1", "value"));
        String sent = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("case-1 Yes"))).get(0).getBodyAsString();
        assertTrue(sent.contains("2. Never promise a refund."), "the global guidelines are in the prompt");
        assertTrue(sent.contains("Failed guideline: "), "the prompt asks to name the failed guideline");
        assertTrue(sent.contains("Mention the order number."), "the trace's own guidelines reach the judge");
    }

    @Test
    void perTraceGuidelinesApplyWithTheGlobalOnesAndAFailedOneIsNamed() throws Exception {
        experiment();
        judge(Map.of("template", "guideline_adherence", "name", "follows_policy",
                "guidelines", List.of("Answer in English.")));
        // One text (not a list) is one guideline; a list works the same.
        long order = trace("{\"q\": \"where is it?\"}", "\"case-3 It ships soon.\"",
                "{\"guidelines\": \"Mention the order number.\"}");
        long listed = trace("{\"q\": \"when?\"}", "\"case-4 Order 77 ships today.\"",
                "{\"guidelines\": [\"Mention the order number.\", \"Be brief.\"]}");
        answer("case-3 It ships", "{\"result\": \"no\", \"rationale\": \"Failed guideline: \\\"Mention the "
                + "order number.\\\" No order number is given.\"}");
        answer("case-4 Order", "{\"result\": \"yes\", \"rationale\": \"Follows all three.\"}");

        run("follows_policy");
        assertEquals("no", stored(order, "judge:follows_policy@v1", "value"));
        assertTrue(stored(order, "judge:follows_policy@v1", "rationale")
                .startsWith("Failed guideline: \"Mention the order number.\""), "the rationale names the trace's own");
        assertEquals("yes", stored(listed, "judge:follows_policy@v1", "value"));
        String sent = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("case-3 It ships"))).get(0).getBodyAsString();
        assertTrue(sent.contains("1. Answer in English."), "the global guideline is in the prompt");
        assertTrue(sent.contains("Mention the order number."), "the trace's own guideline is in the prompt");
        assertTrue(sent.contains("They apply in addition to the global ones"), "the prompt says both apply");
        String other = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("case-4 Order"))).get(0).getBodyAsString();
        assertTrue(other.contains("Be brief.") && !other.contains("case-3"), "each trace gets its own guidelines");
    }

    @Test
    void aChunkJudgeAnswersPerChunkAndStoresThePrecision() throws Exception {
        experiment();
        judge(Map.of("template", "chunk_relevance"));
        long retrieved = trace("{\"q\": \"capital of France?\"}", """
                {"answer": "Paris", "retrieved_context": [
                  {"content": "chunk-a Paris is the capital of France.", "doc_uri": "wiki/paris"},
                  {"content": "chunk-b Bananas are yellow."},
                  {"content": "chunk-c France's capital city is Paris."}]}""", null);
        long none = trace("{\"q\": \"hi\"}", "{\"answer\": \"hello\"}", null);
        answer("chunk-a Paris", "{\"result\": \"yes\", \"rationale\": \"names the capital\"}");
        answer("chunk-b Bananas", "{\"result\": \"no\", \"rationale\": \"unrelated\"}");
        answer("chunk-c France", "{\"result\": \"yes\", \"rationale\": \"names it too\"}");

        long job = run("chunk_relevance");
        String v1 = "judge:chunk_relevance@v1";
        assertEquals("yes", stored(retrieved, v1, "value"), "2 of 3 relevant: at least half");
        assertEquals(2 / 3.0, Double.parseDouble(stored(retrieved, v1, "metadata->>'precision'")), 1e-9);
        assertEquals("3", stored(retrieved, v1, "jsonb_array_length(metadata->'chunks')"));
        assertEquals("no", stored(retrieved, v1, "metadata->'chunks'->1->>'value'"));
        assertTrue(stored(retrieved, v1, "rationale").contains("chunk 2: no — unrelated"));
        assertEquals(null, stored(none, v1, "value"), "no chunks: no verdict");
        assertEquals(1, Db.count(dataSource, "SELECT count(*) FROM current_assessment WHERE trace_id = ? AND "
                + "source_id = ? AND NOT valid AND error LIKE '%no retrieved chunks%'", none, v1));
        // each chunk went to the model on its own, as {{ trace }}
        var calls = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model))));
        assertEquals(3, calls.size());
        assertTrue(calls.stream().anyMatch(r -> r.getBodyAsString().contains("wiki/paris")), "the chunk's doc_uri");
        assertFalse(calls.stream().anyMatch(r -> r.getBodyAsString().contains("chunk-a")
                && r.getBodyAsString().contains("chunk-b")));
        given().get("/experiments/" + experiment + "/judges/chunk_relevance/runs/" + job).then().statusCode(200)
                .body(containsString("Mean chunk precision: <strong>0.667</strong>"));
    }
}
