package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jury.judges.prompt.JudgePromptBuilder;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MemAlign, the default optimizer, against the fake LLM: the judge says "yes" to every answer and is wrong on refund
 * requests (the experts say "no": a refund needs the receipt first) unless its prompt holds the learned rule — as a
 * distilled guideline — or, with guidelines off, a similar labelled refund example recalled from its memory.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class MemAlignEndToEndTest {

    /** Said by the experts on every refund label: seen by the judge only through a recalled memory example. */
    static final String REFUND_RATIONALE = "A refund needs the receipt first.";

    @InjectLlmFake
    WireMockServer llm;

    private List<LoggedRequest> judgeRequests(AlignmentTestData data) {
        return llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model))));
    }

    @Test
    void aDistilledGuidelineLiftsHeldOutAccuracyAndAssessShowsTheMemory() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        data.stubDistillation(llm);

        given().get(data.alignments() + "/preview").then().statusCode(200)
                .body("optimizers[0].name", equalTo("memalign"));
        // No optimizer named: MemAlign, the default, with its defaults (k = 5, batches of 50).
        Number runId = given().contentType(ContentType.JSON)
                .body(Map.of("reflection_model", "openai-compatible:/" + data.reflection, "seed", 7))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("memalign"))
                .body("result_version", equalTo(2))
                .body("metrics.before.accuracy", equalTo(0.6f)).body("metrics.after.accuracy", equalTo(1.0f))
                .body("metrics.train_score_before", equalTo(0.6f)).body("metrics.train_score_after", equalTo(null))
                .body("metrics.memory_examples", equalTo(20))
                .body("log.message", hasItem(containsString("Guideline 1: " + AlignmentTestData.RULE)));
        // 5 held-out before + 20 train (base run) + 1 distillation (20 records, one batch) + 5 held-out after
        Number calls = finished.extract().path("llm_calls");
        assertEquals(31, calls.intValue());

        var version = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=2")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(AlignmentTestData.INSTRUCTIONS, version.getString("instructions"),
                "MemAlign leaves the instructions alone: what it learns is memory");
        assertEquals(List.of(AlignmentTestData.RULE), version.getList("memory.guidelines.text"));
        assertEquals(1, version.getList("memory.guidelines[0].source_trace_ids").size());
        assertEquals(20, version.getList("memory.examples").size());
        assertEquals(5, version.getInt("memory.k"));
        assertEquals("memalign", version.getString("tags.optimizer"));
        assertEquals(1.0f, version.getFloat("tags.heldout_accuracy_after"));

        assertTrue(version.getString("mlflow.instructions_judge_pydantic_data.instructions")
                .contains(JudgePromptBuilder.LEARNED_GUIDELINES + "\n- " + AlignmentTestData.RULE),
                "the MLflow export carries the guidelines in its instructions");
        String source = version.getString("memory.guidelines[0].source_trace_ids[0]");

        // The run page lists the guideline with the trace it came from; the compare page shows both memories.
        given().get("/alignments/" + runId).then().statusCode(200)
                .body(containsString("Distilled guidelines (1; memory of 20 examples)"))
                .body(containsString("<a href=\"/traces/" + source + "\">" + source + "</a>"));
        given().get("/experiments/" + data.experiment + "/judges/policy/compare?a=1&b=2").then().statusCode(200)
                .body(containsString("v1: no memory"))
                .body(containsString("v2: 20 examples, k = 5, similarity-weighted, 1 guideline"))
                .body(containsString("Guidelines of version 2"));

        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + data.experiment
                + "/judges/policy/versions/2/register").then().statusCode(200).body("registered_version", equalTo(2));
        llm.resetRequests();
        given().contentType(ContentType.JSON).body(Map.of(
                        "inputs", Map.of("question", "I want a refund for my order"),
                        "outputs", Map.of("answer", "Sure, refunded.")))
                .post("/api/v1/experiments/" + data.experiment + "/judges/policy/assess")
                .then().statusCode(200).body("version", equalTo(2)).body("value", equalTo("no"));
        List<LoggedRequest> sent = judgeRequests(data);
        assertEquals(1, sent.size());
        String body = sent.get(0).getBodyAsString();
        assertTrue(body.contains(JudgePromptBuilder.LEARNED_GUIDELINES + "\\n- " + AlignmentTestData.RULE), body);
        assertTrue(body.contains("Labelled examples similar to this one, from the judge's memory"), body);
        assertTrue(body.contains(REFUND_RATIONALE), "the nearest examples are refunds: " + body);
    }

    @Test
    void aJudgeThatHasRunCostsOnlyTheDistillationCalls() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        data.stubDistillation(llm);
        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + data.experiment + "/judges/policy/runs").then().statusCode(202)
                .extract().path("job_id");
        assertEquals(dev.jury.jobs.JobStatus.SUCCEEDED,
                dev.jury.testenv.Db.awaitJob(jobId, Duration.ofSeconds(60)).status);

        Number runId = given().contentType(ContentType.JSON)
                .body(Map.of("reflection_model", "openai-compatible:/" + data.reflection, "seed", 7))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2))
                .body("metrics.after.accuracy", equalTo(1.0f))
                .body("log.message", hasItem(containsString("The base run reuses 20 stored verdicts of v1")));
        // 5 held-out before + 1 distillation + 5 held-out after: the base run made no call
        assertEquals(11, ((Number) finished.extract().path("llm_calls")).intValue());
    }

    @Test
    void withoutGuidelinesASimilarRecalledExampleFixesTheJudge() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        // Right on a refund when a recalled example in its system prompt carries the experts' refund rationale.
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model)))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing(REFUND_RATIONALE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("refund")))
                .willReturn(AlignmentTestData.answer("no", "like the remembered refund")));

        Number runId = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign",
                        "reflection_model", "openai-compatible:/" + data.reflection, "seed", 7,
                        "params", Map.of("max_guidelines", 0, "score_base", 0, "retrieval_k", 3)))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2))
                .body("metrics.before.accuracy", equalTo(0.6f)).body("metrics.after.accuracy", equalTo(1.0f));
        // held-out before and after only: no base run, no distillation
        assertEquals(10, ((Number) finished.extract().path("llm_calls")).intValue());
        llm.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.reflection))));

        var version = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=2")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(3, version.getInt("memory.k"));
        assertTrue(version.getList("memory.guidelines") == null, "no guideline: the memory JSON has none");
    }
}
