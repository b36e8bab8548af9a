package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.jury.llm.LlmFakeServer.completion;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

/**
 * An experiment with a yes/no rubric and judge {@code policy}, traces of two kinds and agreeing human labels, and the
 * fake LLM behaviour the alignment tests need. Call from a test running as an admin.
 *
 * <p>The fake judge says "yes" to everything, which is right for ordinary answers and wrong for refund requests
 * (humans say "no": refunds need a receipt the answers never ask for). It answers refunds correctly only when
 * {@link #RULE} is in its system prompt; at sampling temperature 1.0 it alternates on each refund trace, so SIMBA's
 * buckets have spread. The fake reflection model always advises {@link #RULE}.
 */
public final class AlignmentTestData {

    static final String RULE = "If the judge sees a refund request answered without asking for the receipt, it "
            + "should answer no.";
    static final String INSTRUCTIONS = "Does the answer in {{ outputs }} follow the support policy for {{ inputs }}?";

    final String experiment = "al-" + UUID.randomUUID().toString().substring(0, 8);
    final String model = "judge-" + UUID.randomUUID().toString().substring(0, 6);
    final String reflection = "reflect-" + UUID.randomUUID().toString().substring(0, 6);
    final List<Long> traces = new ArrayList<>();
    final List<Long> refunds = new ArrayList<>();

    /** Experiment, rubric, judge v1 on {@code provider}; no traces yet. */
    AlignmentTestData(String provider) {
        given().contentType(ContentType.JSON).body(Map.of("name", experiment)).post("/api/v1/experiments")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Follows", "definition", "Follows the policy.", "negative", false),
                        Map.of("value", "no", "label", "Breaks", "definition", "Breaks the policy.", "negative", true)),
                        "rationale_required", false))
                .put("/api/v1/experiments/" + experiment + "/rubrics/policy").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", "policy", "instructions", INSTRUCTIONS,
                        "model", provider + ":/" + model, "inference_params", Map.of("temperature", 0)))
                .post("/api/v1/experiments/" + experiment + "/judges").then().statusCode(201);
    }

    /** {@code ordinary} traces labelled yes and {@code refund} traces labelled no, each by alice and bob. */
    AlignmentTestData labelled(int ordinary, int refund) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < ordinary + refund; i++) {
            boolean isRefund = i >= ordinary;
            String question = isRefund ? "case-" + i + " I want a refund for my order" : "case-" + i + " where is my parcel";
            body.append("{\"inputs\":{\"question\":\"").append(question).append("\"},\"outputs\":{\"answer\":\"")
                    .append(isRefund ? "Sure, refunded." : "It ships tomorrow.").append("\"}}\n");
        }
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(body.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + experiment + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i).longValue();
            boolean isRefund = i >= ordinary;
            traces.add(id);
            if (isRefund) {
                refunds.add(id);
            }
            for (String reviewer : List.of("alice", "bob")) {
                var label = new HashMap<String, Object>();
                label.put("trace_id", id);
                label.put("name", "policy");
                label.put("value", isRefund ? "no" : "yes");
                label.put("rationale", isRefund ? "A refund needs the receipt first." : "Fine.");
                label.put("source_type", "HUMAN");
                label.put("source_id", reviewer);
                labels.add(label);
            }
        }
        if (!labels.isEmpty()) {
            given().contentType(ContentType.JSON).body(labels)
                    .post("/api/v1/experiments/" + experiment + "/assessments").then().statusCode(201);
        }
        return this;
    }


    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(String value, String rationale) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion("{\"result\": \"" + value + "\", \"rationale\": \"" + rationale + "\"}"));
    }

    /** The judge and reflection behaviour described on the class. */
    void stubLearnableJudge(WireMockServer llm) {
        var forJudge = matchingJsonPath("$.model", WireMock.equalTo(model));
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1).withRequestBody(forJudge)
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing(RULE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("refund")))
                .willReturn(answer("no", "a refund without a receipt breaks the policy")));
        for (long id : refunds) {
            String scenario = model + "-" + id;
            String marker = "case-" + traces.indexOf(id) + " I want a refund";
            llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(2).withRequestBody(forJudge)
                    .withRequestBody(matchingJsonPath("$.temperature", WireMock.equalTo("1.0")))
                    .withRequestBody(matchingJsonPath("$.messages[1].content", containing(marker)))
                    .inScenario(scenario).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                    .willSetStateTo("second").willReturn(answer("no", "refund looked odd")));
            llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(2).withRequestBody(forJudge)
                    .withRequestBody(matchingJsonPath("$.temperature", WireMock.equalTo("1.0")))
                    .withRequestBody(matchingJsonPath("$.messages[1].content", containing(marker)))
                    .inScenario(scenario).whenScenarioStateIs("second")
                    .willSetStateTo(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                    .willReturn(answer("yes", "the customer got their money")));
        }
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(forJudge)
                .willReturn(answer("yes", "the answer is helpful")));
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(reflection)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"discussion\": \"The worse run refunded without a receipt.\", "
                                + "\"advice\": \"" + RULE + "\"}"))));
    }

    /** MemAlign's distillation: the fake reflection model distils {@link #RULE}, citing the batch's first record. */
    void stubDistillation(WireMockServer llm) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(0)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(reflection)))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing("Distill guidelines")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"guidelines\": [{\"text\": \"" + RULE
                                + "\", \"source_ids\": [1]}]}"))));
    }

    /** SIMBA small enough for a test: 2 steps of 8 examples, 2 samples each, rules only. */
    Map<String, Object> startBody() {
        return Map.of("optimizer", "simba", "reflection_model", "openai-compatible:/" + reflection, "seed", 7,
                "params", Map.of("batch_size", 8, "num_candidates", 2, "max_steps", 2, "max_demos", 0,
                        "concurrency", 4));
    }

    String alignments() {
        return "/api/v1/experiments/" + experiment + "/judges/policy/alignments";
    }

    /** Polls the run until it has finished. */
    public static ValidatableResponse awaitFinished(long runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var response = given().get("/api/v1/alignments/" + runId).then().statusCode(200);
            String status = response.extract().path("status");
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("alignment run " + runId + " is still " + status + " after " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
