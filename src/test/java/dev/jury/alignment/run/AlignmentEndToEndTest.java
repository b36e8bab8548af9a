package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Labels in → a better judge, proven on held-out traces: SIMBA against the fake LLM finds the rule that fixes the
 * judge on refund requests, and the new version carries it with a higher held-out accuracy.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AlignmentEndToEndTest {

    @InjectLlmFake
    WireMockServer llm;

    @Test
    void simbaLearnsTheRuleAndTheNewVersionScoresHigherOnHeldOutTraces() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);

        given().get(data.alignments() + "/preview").then().statusCode(200)
                .body("data_set.ready", equalTo(true)).body("data_set.usable", equalTo(25))
                .body("data_set.train", equalTo(20)).body("data_set.heldout", equalTo(5))
                .body("data_set.negatives", equalTo(10)).body("data_set.alpha", equalTo(1.0f))
                .body("optimizers.name", equalTo(List.of("memalign", "few-shot", "simba")));

        Number runId = given().contentType(ContentType.JSON).body(data.startBody()).post(data.alignments())
                .then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(120));
        finished.body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2))
                .body("metrics.before.accuracy", equalTo(0.6f)).body("metrics.after.accuracy", equalTo(1.0f))
                .body("metrics.before.traces", equalTo(5)).body("metrics.same_as_baseline", equalTo(false))
                .body("metrics.rules", hasItem(AlignmentTestData.RULE))
                .body("compare_url", equalTo("/experiments/" + data.experiment + "/judges/policy/compare?a=1&b=2"))
                .body("log.message", hasItem(containsString("Held-out after: 5 of 5 correct")));
        Number calls = finished.extract().path("llm_calls");
        assertTrue(calls.longValue() > 0, "LLM calls are counted");

        var version = given().get("/api/v1/experiments/" + data.experiment + "/judges/policy?version=2")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(version.getString("instructions").startsWith(AlignmentTestData.INSTRUCTIONS + "\n\n"));
        assertTrue(version.getString("instructions").contains(AlignmentTestData.RULE));
        assertEquals("simba", version.getString("tags.optimizer"));
        assertEquals(1, version.getInt("tags.base_version"));
        assertEquals(0.6f, version.getFloat("tags.heldout_accuracy_before"));
        assertEquals(1.0f, version.getFloat("tags.heldout_accuracy_after"));
        assertEquals(25, version.getInt("tags.num_traces"));
        assertEquals(calls.longValue(), version.getLong("tags.llm_calls"));
        assertEquals(1, version.getInt("parent_version"));
        assertTrue(version.getList("aliases").contains("latest"));
        assertTrue(!version.getList("aliases").contains("registered"), "alignment never registers");

        // Proven better, so the admin registers it; a service then fetches it and judges with it.
        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + data.experiment
                        + "/judges/policy/versions/2/register")
                .then().statusCode(200).body("registered_version", equalTo(2)).body("moved", equalTo(true));
        given().get("/api/v1/judges/policy?experiment=" + data.experiment).then().statusCode(200)
                .body("version", equalTo(2)).body("aliases", hasItem("registered"))
                .body("instructions", containsString(AlignmentTestData.RULE))
                .body("mlflow.name", equalTo("policy"));
        // Version 1 (temperature 0, no rule) calls a receipt-less refund fine; the registered version 2 does not.
        given().contentType(ContentType.JSON).body(Map.of(
                        "inputs", Map.of("question", "I want a refund for my order"),
                        "outputs", Map.of("answer", "Sure, refunded.")))
                .post("/api/v1/experiments/" + data.experiment + "/judges/policy/assess")
                .then().statusCode(200).body("version", equalTo(2)).body("value", equalTo("no"));

        // DEBUG detail is stored and shown on request only.
        List<String> info = given().get("/api/v1/alignments/" + runId).then().extract().path("log.level");
        assertTrue(!info.contains("DEBUG"));
        List<String> debug = given().get("/api/v1/alignments/" + runId + "?debug=true").then().extract()
                .path("log.message");
        assertTrue(debug.stream().anyMatch(m -> m.contains("advice")), "the reflection's advice is in the DEBUG log");

        given().get(data.alignments()).then().statusCode(200).body("run_id", equalTo(List.of(runId.intValue())));
    }

    @Test
    void fewShotRunsWithoutAReflectionModel() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        Number runId = given().contentType(ContentType.JSON).body(Map.of("optimizer", "few-shot", "seed", 3))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        var finished = AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(60));
        finished.body("status", equalTo("SUCCEEDED")).body("reflection_model", equalTo(null))
                .body("optimizer", equalTo("few-shot")).body("metrics.before.accuracy", equalTo(0.6f));
    }

    @Test
    void aRunWhoseWorkerDiedIsReclaimedAndRunsAgainOnTheSameSplit() throws Exception {
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        Number first = given().contentType(ContentType.JSON).body(data.startBody()).post(data.alignments())
                .then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(first.longValue(), Duration.ofSeconds(120)).body("status", equalTo("SUCCEEDED"));

        // The same run again, as a worker left it when it died mid-way: RUNNING, heartbeat long expired.
        long runId = QuarkusTransaction.requiringNew().call(() -> {
            var em = Panache.getEntityManager();
            long job = ((Number) em.createNativeQuery("""
                    INSERT INTO job (type, status, payload, progress_done, progress_total, attempts, worker_id,
                                     heartbeat_at, created_by, started_at)
                    VALUES ('alignment', 'RUNNING', '{}'::jsonb, 2, 5, 1, 'dead-host/1/dead',
                            now() - interval '10 minutes', 'admin', now() - interval '11 minutes') RETURNING id""")
                    .getSingleResult()).longValue();
            long run = ((Number) em.createNativeQuery("""
                    INSERT INTO alignment_run (experiment_id, judge_id, base_version_id, optimizer, params,
                                               reflection_model, seed, heldout_fraction, rebalance, status, data_set,
                                               progress, job_id, created_by)
                    SELECT experiment_id, judge_id, base_version_id, optimizer, params, reflection_model, seed,
                           heldout_fraction, rebalance, 'RUNNING', data_set,
                           '{"phase": "step", "step": 1, "steps": 2}'::jsonb, ?1, created_by
                      FROM alignment_run WHERE id = ?2 RETURNING id""")
                    .setParameter(1, job).setParameter(2, first.longValue()).getSingleResult()).longValue();
            em.createNativeQuery("UPDATE job SET payload = jsonb_build_object('alignment_run_id', ?1) WHERE id = ?2")
                    .setParameter(1, run).setParameter(2, job).executeUpdate();
            return run;
        });
        AlignmentTestData.awaitFinished(runId, Duration.ofSeconds(180))
                .body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(3))
                .body("metrics.after.accuracy", equalTo(1.0f))
                .body("log.message", hasItem(startsWith("Resumed after its worker stopped")));
    }
}
