package dev.jury.demo;

import dev.jury.testenv.Db;
import dev.jury.alignment.run.AlignmentTestData;
import dev.jury.experiments.Experiment;
import dev.jury.llm.LlmProviders;
import dev.jury.review.ReviewQueue;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new user sees with no API key: the demo's judges run on the offline model at start (a background job), every
 * demo trace gets exactly one verdict, the review queue is built from those predictions and balanced, and the whole
 * loop — alignment with held-out before/after, register, assess — works with no LLM.
 */
@QuarkusTest
@TestProfile(NoLlmDemoProfile.class)
@TestSecurity(user = "admin", roles = "admin")
class OfflineDemoTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    LlmProviders providers;

    @Test
    void withNoProviderTheDemoRunsTheWholeLoopOnTheOfflineJudge() throws Exception {
        assertTrue(providers.configuredLlmProviders().isEmpty(), "this profile has no LLM provider: "
                + providers.configuredLlmProviders());
        awaitDemoQueue(Duration.ofSeconds(240));

        long haluEval = count("SELECT count(*) FROM trace t JOIN experiment e ON e.id = t.experiment_id "
                + "WHERE e.name = 'demo' AND t.tags ->> 'dataset' = 'halueval'");
        assertEquals(300, haluEval);
        given().get("/api/v1/experiments/demo/judges/hallucination").then().statusCode(200)
                .body("model", equalTo("embedded:/minilm-knn"));
        // exactly one verdict per demo trace, from the offline judge's run at start
        assertEquals(0, count("SELECT count(*) FROM trace t JOIN experiment e ON e.id = t.experiment_id "
                + "WHERE e.name = 'demo' AND t.tags ->> 'dataset' = 'halueval' AND (SELECT count(*) FROM assessment a "
                + "WHERE a.trace_id = t.id AND a.source_id = 'judge:hallucination@v1' AND a.valid "
                + "AND a.superseded_by IS NULL) <> 1"));
        // the queue was sampled from those predictions: balanced, at least 30 % predicted negatives
        ReviewQueue queue = QuarkusTransaction.requiringNew().call(() -> ReviewQueue.<ReviewQueue>find(
                "experimentId = ?1 and name = ?2", Experiment.findByName("demo").orElseThrow().id,
                DemoData.QUEUE).firstResult());
        long items = count("SELECT count(*) FROM queue_item WHERE queue_id = ?", queue.id);
        long predictedNegative = count("SELECT count(*) FROM queue_item qi JOIN assessment a ON a.trace_id = "
                + "qi.trace_id AND a.source_id = 'judge:hallucination@v1' AND a.superseded_by IS NULL "
                + "WHERE qi.queue_id = ? AND a.value = 'yes'", queue.id);
        assertEquals(60, items);
        assertTrue(predictedNegative >= 18, predictedNegative + " of 60 items predicted hallucinated");

        // alignment of the offline judge: few-shot into memory, on the rebalanced HaluEval labels
        String alignments = "/api/v1/experiments/demo/judges/hallucination/alignments";
        Number runId = given().contentType(ContentType.JSON).body(Map.of("rebalance", true)).post(alignments)
                .then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(180));
        finished.body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("few-shot"));
        var metrics = finished.extract().jsonPath();
        System.out.println("Offline demo alignment (HaluEval, rebalanced): before " + metrics.getMap("metrics.before")
                + " after " + metrics.getMap("metrics.after") + " result version " + metrics.get("result_version"));
        assertTrue(metrics.getInt("metrics.before.traces") >= 20, "held-out figures are stored");
        // The version the run made, or — when the memory did not beat its base on the train set — the base itself.
        Integer version = metrics.get("result_version");
        int toRegister = version != null ? version : metrics.getInt("base_version");

        given().contentType(ContentType.JSON)
                .post("/api/v1/experiments/demo/judges/hallucination/versions/" + toRegister + "/register")
                .then().statusCode(200).body("registered_version", equalTo(toRegister));
        long trace = count("SELECT min(t.id) FROM trace t JOIN experiment e ON e.id = t.experiment_id "
                + "WHERE e.name = 'demo' AND t.tags ->> 'dataset' = 'halueval'");
        given().contentType(ContentType.JSON).body(Map.of("trace_id", trace))
                .post("/api/v1/experiments/demo/judges/hallucination/assess")
                .then().statusCode(200).body("version", equalTo(toRegister))
                .body("rationale", org.hamcrest.Matchers.containsStringIgnoringCase("offline model"));
    }

    /** The demo is complete when its queue exists: made after the offline judge's run at start. */
    static void awaitDemoQueue(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (QuarkusTransaction.requiringNew().call(() -> Experiment.findByName("demo")
                    .map(e -> ReviewQueue.count("experimentId = ?1 and name = ?2", e.id, DemoData.QUEUE) > 0)
                    .orElse(false))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the demo queue was not created within " + timeout);
    }

    private long count(String sql, Object... params) throws SQLException {
        return Db.count(dataSource, sql, params);
    }
}
