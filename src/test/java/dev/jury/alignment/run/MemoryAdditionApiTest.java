package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Add new labels to memory" ({@code POST …/versions/{n}/memory/additions}): a {@code memory-add} alignment run that
 * appends the consensus labels not yet in a MemAlign version's memory — never its held-out traces, never a trace in
 * disagreement — scores both versions on the same held-out traces, and whose new examples {@code assess} recalls.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class MemoryAdditionApiTest {

    static final String LUGGAGE_RATIONALE = "Lost luggage is the airline's business: the answer must say so.";

    @InjectLlmFake
    WireMockServer llm;

    private static String additions(AlignmentTestData data, int version) {
        return "/api/v1/experiments/" + data.experiment + "/judges/policy/versions/" + version + "/memory/additions";
    }

    /** Traces about lost luggage; each labelled by alice and bob ({@code values[i]} = [alice's, bob's]). */
    private static List<Long> luggage(AlignmentTestData data, List<List<String>> values) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            body.append("{\"inputs\":{\"question\":\"luggage-").append(i).append(" my suitcase was lost at the ")
                    .append("airport\"},\"outputs\":{\"answer\":\"We will refund your ticket.\"}}\n");
        }
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(body.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + data.experiment + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        List<Map<String, Object>> labels = new ArrayList<>();
        List<Long> result = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            result.add(ids.get(i).longValue());
            for (int r = 0; r < 2; r++) {
                var label = new HashMap<String, Object>();
                label.put("trace_id", ids.get(i).longValue());
                label.put("name", "policy");
                label.put("value", values.get(i).get(r));
                label.put("rationale", LUGGAGE_RATIONALE);
                label.put("source_type", "HUMAN");
                label.put("source_id", r == 0 ? "alice" : "bob");
                labels.add(label);
            }
        }
        given().contentType(ContentType.JSON).body(labels)
                .post("/api/v1/experiments/" + data.experiment + "/assessments").then().statusCode(201);
        return result;
    }

    @Test
    void addsTheNewConsensusLabelsScoresTheHeldOutSetAndAssessRecallsThem() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        // Right on a refund when a recalled example carries the experts' refund rationale (MemAlignEndToEndTest).
        llm.stubFor(WireMock.post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model)))
                .withRequestBody(matchingJsonPath("$.messages[0].content",
                        WireMock.containing(MemAlignEndToEndTest.REFUND_RATIONALE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", WireMock.containing("refund for")))
                .willReturn(AlignmentTestData.answer("no", "like the remembered refund")));
        given().post(additions(data, 1)).then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("has no labelled memory"));

        // v2: MemAlign without guidelines: the 20 train traces are its memory, 5 are held out.
        Number first = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign",
                        "reflection_model", "openai-compatible:/" + data.reflection, "seed", 7,
                        "params", Map.of("max_guidelines", 0, "score_base", 0, "retrieval_k", 3)))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(first.longValue(), Duration.ofSeconds(120))
                .body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2));
        List<String> v2 = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=2")
                .then().statusCode(200).extract().jsonPath().getList("memory.examples.trace_id");
        assertEquals(20, v2.size());
        List<String> heldout = data.traces.stream().map(String::valueOf).filter(id -> !v2.contains(id)).toList();
        assertEquals(5, heldout.size());

        given().post(additions(data, 2)).then().statusCode(422)
                .body("detail", containsString("No new consensus label to add"));

        // Three new consensus labels and one trace in disagreement.
        List<Long> added = luggage(data, List.of(List.of("no", "no"), List.of("no", "no"), List.of("no", "no"),
                List.of("yes", "no")));
        llm.resetRequests();
        Number runId = given().post(additions(data, 2)).then().statusCode(202)
                .header("Location", containsString("/api/v1/alignments/")).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("memory-add"))
                .body("result_version", equalTo(3))
                .body("metrics.before.traces", equalTo(5)).body("metrics.after.traces", equalTo(5))
                .body("metrics.before.accuracy", equalTo(1.0f)).body("metrics.after.accuracy", equalTo(1.0f))
                .body("metrics.memory_examples", equalTo(23));
        // 5 held-out before + 5 after; nothing else, and no reflection call
        assertEquals(10, ((Number) finished.extract().path("llm_calls")).intValue());
        llm.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.reflection))));

        var v3 = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=3")
                .then().statusCode(200).extract().jsonPath();
        List<String> expected = new ArrayList<>(v2);
        added.subList(0, 3).forEach(id -> expected.add(String.valueOf(id)));
        assertEquals(expected, v3.getList("memory.examples.trace_id"), "v2's memory, then the new labels in order");
        assertEquals(3, v3.getInt("memory.k"));
        assertEquals(LUGGAGE_RATIONALE, v3.getString("memory.examples[20].rationale"));
        assertEquals("no", v3.getString("memory.examples[22].value"));
        heldout.forEach(id -> assertFalse(v3.getList("memory.examples.trace_id").contains(id),
                "held-out trace " + id + " entered the memory"));
        assertEquals(2, v3.getInt("parent_version"));
        assertEquals("memory-add", v3.getString("tags.optimizer"));
        assertEquals(2, v3.getInt("tags.base_version"));
        assertEquals(3, v3.getInt("tags.memory_examples_added"));
        assertEquals(5, v3.getInt("tags.num_heldout_traces"));
        assertEquals(1.0f, v3.getFloat("tags.heldout_accuracy_before"));
        assertEquals(1.0f, v3.getFloat("tags.heldout_accuracy_after"));
        assertEquals(runId.intValue(), v3.getInt("tags.alignment_run_id"));
        assertEquals(v3.getString("instructions"), AlignmentTestData.INSTRUCTIONS);

        // The run page works for it as for any alignment.
        given().get("/alignments/" + runId).then().statusCode(200).body(containsString("memory-add"));

        // v3's new examples are recalled by assess.
        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + data.experiment
                + "/judges/policy/versions/3/register").then().statusCode(200);
        llm.resetRequests();
        given().contentType(ContentType.JSON).body(Map.of(
                        "inputs", Map.of("question", "the airline lost my suitcase at the airport"),
                        "outputs", Map.of("answer", "We will refund your ticket.")))
                .post("/api/v1/experiments/" + data.experiment + "/judges/policy/assess")
                .then().statusCode(200).body("version", equalTo(3));
        List<LoggedRequest> sent = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model))));
        assertEquals(1, sent.size());
        String body = sent.get(0).getBodyAsString();
        assertTrue(body.contains(LUGGAGE_RATIONALE.replace("'", "\\u0027")) || body.contains(LUGGAGE_RATIONALE),
                "the new luggage examples are recalled: " + body);

        // Adding again from v3: nothing new (the disagreement still does not count).
        given().post(additions(data, 3)).then().statusCode(422)
                .body("detail", containsString("1 traces in disagreement were left out"));
    }

    @Test
    void onRequestTheNewLabelsAreAlsoDistilledInOneReflectionCall() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        data.stubDistillation(llm);
        Number first = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign",
                        "reflection_model", "openai-compatible:/" + data.reflection, "seed", 7,
                        "params", Map.of("max_guidelines", 0, "score_base", 0, "retrieval_k", 4)))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(first.longValue(), Duration.ofSeconds(120))
                .body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2));
        luggage(data, List.of(List.of("no", "no"), List.of("no", "no")));

        given().queryParam("distill", true).queryParam("reflection_model", "nowhere:/model")
                .post(additions(data, 2)).then().statusCode(422).body("errors[0].field", equalTo("reflection_model"));
        llm.resetRequests();
        Number runId = given().queryParam("distill", true)
                .queryParam("reflection_model", "openai-compatible:/" + data.reflection)
                .post(additions(data, 2)).then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("memory-add"))
                .body("result_version", equalTo(3)).body("metrics.memory_examples", equalTo(22));
        // 5 held-out before + 1 distillation call for the 2 new labels + 5 held-out after
        assertEquals(11, ((Number) finished.extract().path("llm_calls")).intValue());
        var v3 = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=3")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(AlignmentTestData.RULE), v3.getList("memory.guidelines.text"));
        assertEquals(4, v3.getInt("memory.k"));
        assertEquals(2, v3.getInt("tags.memory_examples_added"));
    }

    @Test
    void theVersionPageButtonStartsTheRunOrSaysWhyNot() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        String page = "/experiments/" + data.experiment + "/judges/policy/versions/";
        String action = "/experiments/" + data.experiment + "/judges/policy/alignment/memory-additions";
        Number first = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign",
                        "reflection_model", "openai-compatible:/" + data.reflection, "seed", 7,
                        "params", Map.of("max_guidelines", 0, "score_base", 0)))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(first.longValue(), Duration.ofSeconds(120)).body("result_version", equalTo(2));
        luggage(data, List.of(List.of("no", "no")));
        io.restassured.response.Response v2 = given().get(page + "2");
        v2.then().statusCode(200).body(containsString("aria-label=\"Add new labels to memory\""));
        var token = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(v2.asString());
        assertTrue(token.find(), "no CSRF token on the version page");
        // v1 has no memory: back to its page with the reason, nothing started
        given().redirects().follow(false).cookies(v2.getCookies()).formParam("csrf-token", token.group(1))
                .formParam("version", "1").post(action).then().statusCode(303)
                .header("Location", containsString(page + "1"));
        String location = given().redirects().follow(false).cookies(v2.getCookies())
                .formParam("csrf-token", token.group(1)).formParam("version", "2").post(action).then()
                .statusCode(303).header("Location", containsString("/alignments/")).extract().header("Location");
        long runId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        AlignmentTestData.awaitFinished(runId, Duration.ofSeconds(120)).body("status", equalTo("SUCCEEDED"))
                .body("optimizer", equalTo("memory-add")).body("result_version", equalTo(3))
                .body("metrics.memory_examples", equalTo(21));
    }

    @Test
    void unknownVersionsAre404() {
        var data = new AlignmentTestData("openai-compatible");
        given().post(additions(data, 9)).then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        given().post("/api/v1/experiments/" + data.experiment + "/judges/ghost/versions/1/memory/additions")
                .then().statusCode(404);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersMayNotAdd() {
        given().post("/api/v1/experiments/any/judges/policy/versions/2/memory/additions").then().statusCode(403);
    }
}
