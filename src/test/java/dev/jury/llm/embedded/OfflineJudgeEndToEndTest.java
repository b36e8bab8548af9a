package dev.jury.llm.embedded;

import dev.jury.testenv.Db;
import dev.jury.alignment.run.AlignmentTestData;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobStatus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offline judge end to end, with the real in-process embedding model and no LLM anywhere: a judge on
 * {@code embedded:/minilm-knn} runs over the traces (one verdict each, from the rubric definitions), few-shot
 * alignment gives the next version a labelled memory of the train traces and proves it on held-out traces, and once
 * registered, {@code assess} answers by the vote of the nearest labelled traces.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class OfflineJudgeEndToEndTest {

    private static final String[] PARCELS = {"my parcel with the blue kettle", "the shoes I ordered last week",
            "my delivery of printer ink", "the package with two books", "my order of garden chairs",
            "the parcel containing a lamp", "my shipment of coffee beans", "the box with the headphones",
            "my order of winter gloves", "the delivery with the desk", "my parcel of vitamins",
            "the package with a phone case", "my order of bed sheets", "the shipment of paint",
            "my parcel with the toaster"};
    private static final String[] REFUNDS = {"the broken kettle", "the shoes that do not fit", "the leaking ink",
            "the damaged books", "the wobbly garden chairs", "the lamp that arrived cracked", "the stale coffee beans",
            "the headphones that stopped working", "the gloves with a hole", "the scratched desk"};

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theOfflineJudgeRunsLearnsAMemoryOnTheTrainSplitAndAnswersAssessByItsNearestLabels() throws Exception {
        Labelled data = labelledExperiment();
        String exp = data.experiment();
        List<Number> ids = data.ids();

        // A run with no LLM: every trace gets exactly one verdict, decided by the rubric definitions.
        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + exp + "/judges/policy/runs").then().statusCode(202)
                .extract().path("job_id");
        Job job = await(jobId);
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        assertEquals(0, job.progressErrors);
        for (Number id : ids) {
            assertEquals(1, count("SELECT count(*) FROM assessment WHERE trace_id = ? AND source_id = "
                    + "'judge:policy@v1' AND valid AND superseded_by IS NULL", id.longValue()), "one verdict on " + id);
        }
        assertEquals(ids.size(), count("SELECT count(*) FROM assessment WHERE source_id = 'judge:policy@v1' AND "
                + "rationale LIKE '%compared the text with each rubric level%' AND trace_id = ANY (?)",
                (Object) ids.stream().map(Number::longValue).toArray(Long[]::new)));
        assertTrue(count("SELECT count(*) FROM llm_call WHERE provider = 'embedded' AND job_id = ?", (long) jobId) > 0
                || waitForCalls(jobId), "the offline judge's calls are recorded like any other");

        // Alignment: the default optimizer for the offline judge is few-shot, which learns into memory.
        String alignments = "/api/v1/experiments/" + exp + "/judges/policy/alignments";
        given().get(alignments + "/preview").then().statusCode(200).body("data_set.ready", equalTo(true))
                .body("data_set.train", equalTo(20)).body("data_set.heldout", equalTo(5));
        given().contentType(ContentType.JSON).body(Map.of("optimizer", "simba", "seed", 7)).post(alignments)
                .then().statusCode(422).body("errors.field", org.hamcrest.Matchers.hasItem("reflection_model"));
        Number runId = given().contentType(ContentType.JSON).body(Map.of("seed", 7)).post(alignments)
                .then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("few-shot"))
                .body("result_version", equalTo(2)).body("metrics.before.traces", equalTo(5))
                .body("metrics.memory_examples", equalTo(20))
                .body("log.message", org.hamcrest.Matchers.hasItem(containsString("leave-one-out train score")));
        float before = finished.extract().path("metrics.before.accuracy");
        float after = finished.extract().path("metrics.after.accuracy");
        assertTrue(after >= before, "held-out accuracy " + before + " → " + after);
        assertEquals(1.0f, after, "topic clusters this clear are learned exactly");

        var v2 = given().get("/api/v1/experiments/" + exp + "/judges/policy?version=2").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("few-shot", v2.getString("tags.optimizer"));
        assertEquals(20, v2.getInt("tags.memory_examples"));
        assertEquals("embedded:/minilm-knn", v2.getString("model"));

        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + exp + "/judges/policy/versions/2/register")
                .then().statusCode(200).body("registered_version", equalTo(2));
        given().contentType(ContentType.JSON).body(Map.of(
                        "inputs", Map.of("question", "I want my money back for the torn umbrella."),
                        "outputs", Map.of("answer", "Sure, I have refunded you in full.")))
                .post("/api/v1/experiments/" + exp + "/judges/policy/assess")
                .then().statusCode(200).body("version", equalTo(2)).body("value", equalTo("no"))
                .body("rationale", org.hamcrest.Matchers.matchesPattern(
                        "The \\d+ most similar labelled examples? in memory: trace \\d+ .*"));
        // A stored trace never recalls its own label.
        long labelled = ids.get(PARCELS.length).longValue();
        given().contentType(ContentType.JSON).body(Map.of("trace_id", labelled))
                .post("/api/v1/experiments/" + exp + "/judges/policy/assess")
                .then().statusCode(200).body("version", equalTo(2))
                .body("rationale", org.hamcrest.Matchers.not(containsString("trace " + labelled + " ")));

        given().get("/experiments/" + exp + "/judges/policy").then().statusCode(200)
                .body(containsString("Runs on Jury's small offline model"))
                .body(containsString("not a replacement for a real LLM"))
                .body(containsString("memory: 20 examples"));
    }

    /**
     * An experiment with judge {@code policy} v1 on the offline model and 25 traces labelled by alice and bob: 15
     * parcel questions ("yes") and 10 refund requests ("no"), with rubric definitions that name neither topic.
     */
    private record Labelled(String experiment, List<Number> ids) {
    }

    private static Labelled labelledExperiment() {
        String exp = "offline-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("name", exp)).post("/api/v1/experiments")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        // Definitions that say nothing about the topics: only the labelled memory can tell them apart.
                        Map.of("value", "yes", "label", "Follows", "definition", "Follows the policy.", "negative", false),
                        Map.of("value", "no", "label", "Breaks", "definition", "Breaks the policy.", "negative", true)),
                        "rationale_required", false))
                .put("/api/v1/experiments/" + exp + "/rubrics/policy").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", "policy", "model", "embedded:/minilm-knn",
                        "instructions", "Does the support answer in {{ outputs }} to {{ inputs }} follow the policy?"))
                .post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);

        StringBuilder ndjson = new StringBuilder();
        for (String p : PARCELS) {
            ndjson.append("{\"inputs\":{\"question\":\"Where is ").append(p).append("?\"},\"outputs\":{\"answer\":")
                    .append("\"It left our warehouse and arrives tomorrow.\"}}\n");
        }
        for (String r : REFUNDS) {
            ndjson.append("{\"inputs\":{\"question\":\"I want my money back for ").append(r)
                    .append(".\"},\"outputs\":{\"answer\":\"Sure, I have refunded you in full.\"}}\n");
        }
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            boolean refund = i >= PARCELS.length;
            for (String reviewer : List.of("alice", "bob")) {
                var label = new HashMap<String, Object>();
                label.put("trace_id", ids.get(i).longValue());
                label.put("name", "policy");
                label.put("value", refund ? "no" : "yes");
                label.put("rationale", refund ? "A refund needs the receipt first." : "Tells where the parcel is.");
                label.put("source_type", "HUMAN");
                label.put("source_id", reviewer);
                labels.add(label);
            }
        }
        given().contentType(ContentType.JSON).body(labels).post("/api/v1/experiments/" + exp + "/assessments")
                .then().statusCode(201);

        return new Labelled(exp, ids);
    }

    @Test
    void memAlignWithoutGuidelinesAlignsTheOfflineJudgeWithNoLlm() throws Exception {
        String exp = labelledExperiment().experiment();
        String alignments = "/api/v1/experiments/" + exp + "/judges/policy/alignments";
        // guidelines need a reflection LLM, which the offline judge is not
        given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign")).post(alignments)
                .then().statusCode(422).body("errors.field", org.hamcrest.Matchers.hasItem("reflection_model"))
                .body("errors.message", org.hamcrest.Matchers.hasItem(containsString("max_guidelines 0")));
        Number runId = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign", "seed", 7,
                        "params", Map.of("max_guidelines", 0))).post(alignments)
                .then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("memalign"))
                .body("result_version", equalTo(2)).body("metrics.after.accuracy", equalTo(1.0f));
        given().get("/api/v1/experiments/" + exp + "/judges/policy?version=2").then().statusCode(200)
                .body("memory.examples.size()", equalTo(20)).body("memory.k", equalTo(5))
                .body("tags.optimizer", equalTo("memalign"));
    }

    private boolean waitForCalls(long jobId) throws Exception {
        for (int i = 0; i < 25; i++) {
            if (count("SELECT count(*) FROM llm_call WHERE provider = 'embedded' AND job_id = ?", jobId) > 0) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private Job await(long id) throws InterruptedException {
        return Db.awaitJob(id, Duration.ofSeconds(120));
    }

    private long count(String sql, Object... params) throws SQLException {
        return Db.count(dataSource, sql, params);
    }
}
