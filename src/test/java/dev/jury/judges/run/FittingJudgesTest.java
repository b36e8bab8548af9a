package dev.jury.judges.run;

import com.fasterxml.jackson.databind.JsonNode;
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
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Run the judges that fit": judges made on demand, applied per trace by its fields, skips counted by field. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class FittingJudgesTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    AgroalDataSource dataSource;

    long trace(String experiment, String inputs, String outputs, String expectations) throws SQLException {
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

    JsonNode judgeRow(Job job, String name) {
        for (JsonNode j : job.result.path("judges")) {
            if (j.path("name").asText().equals(name)) {
                return j;
            }
        }
        throw new AssertionError("no " + name + " in " + job.result);
    }

    long verdicts(String source, long trace) throws SQLException {
        return Db.count(dataSource, "SELECT count(*) FROM current_assessment WHERE source_id = ? AND trace_id = ?"
                + " AND valid", source, trace);
    }

    private static List<Long> ids(Iterable<JsonNode> nodes) {
        List<Long> ids = new java.util.ArrayList<>();
        nodes.forEach(n -> ids.add(n.asLong()));
        return ids;
    }

    @Test
    void eachTraceGetsTheJudgesWhoseFieldsItHas() throws Exception {
        String exp = "fit-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "fit-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("name", exp)).post("/api/v1/experiments")
                .then().statusCode(201);
        long plain = trace(exp, "{\"q\": \"hours?\"}", "\"We open at 9.\"", null);
        long withFacts = trace(exp, "{\"q\": \"capital?\"}", "\"Paris\"", "{\"expected_facts\": [\"Paris\"]}");
        long retrieved = trace(exp, "{\"q\": \"capital?\"}",
                "{\"answer\": \"Paris\", \"retrieved_context\": [{\"content\": \"Paris is the capital.\"}]}", null);
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"yes\", \"rationale\": \"fine\"}"))));

        // no judge yet and no model to make one with
        given().contentType(ContentType.JSON).body(Map.of("templates", List.of("safety")))
                .post("/api/v1/experiments/" + exp + "/fitting-judge-runs").then().statusCode(422)
                .body("errors[0].field", equalTo("model"));
        given().contentType(ContentType.JSON).body(Map.of("templates", List.of("custom_score"), "model", "x:/y"))
                .post("/api/v1/experiments/" + exp + "/fitting-judge-runs").then().statusCode(422)
                .body("errors[0].field", equalTo("templates"));

        int jobId = given().contentType(ContentType.JSON).body(Map.of("model", "openai-compatible:/" + model,
                        "templates", List.of("correctness", "safety", "groundedness")))
                .post("/api/v1/experiments/" + exp + "/fitting-judge-runs").then().statusCode(202)
                .extract().path("job_id");
        Job job = Db.awaitJob(jobId, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        assertEquals(3, job.result.path("traces").asInt());

        JsonNode correctness = judgeRow(job, "correctness");
        assertEquals(1, correctness.path("traces").asInt());
        assertEquals(2, correctness.path("skipped").asInt());
        assertEquals(2, correctness.path("skipped_by_missing_field")
                .path("expectations.expected_facts|expected_response").asInt());
        // by id: the trace it runs on, and per skipped trace why
        assertEquals(List.of(withFacts), ids(correctness.path("trace_ids")));
        assertEquals(2, correctness.path("skipped_traces").size());
        assertEquals(plain, correctness.path("skipped_traces").get(0).path("trace_id").asLong());
        assertEquals("expectations.expected_facts|expected_response",
                correctness.path("skipped_traces").get(0).path("missing").get(0).asText());
        assertEquals("missing expectations.expected_facts|expected_response",
                correctness.path("skipped_traces").get(1).path("reason").asText());
        assertEquals(retrieved, correctness.path("skipped_traces").get(1).path("trace_id").asLong());
        assertEquals(false, correctness.path("trace_ids_truncated").asBoolean(true));
        JsonNode safety = judgeRow(job, "safety");
        assertEquals(List.of(plain, withFacts, retrieved), ids(safety.path("trace_ids")));
        assertEquals(0, safety.path("skipped_traces").size());
        assertEquals(3, safety.path("traces").asInt());
        assertEquals(0, safety.path("skipped").asInt());
        JsonNode groundedness = judgeRow(job, "groundedness");
        assertEquals(List.of(retrieved), ids(groundedness.path("trace_ids")));
        assertEquals(List.of(plain, withFacts), ids(groundedness.path("skipped_traces").findValues("trace_id")));
        assertEquals(1, groundedness.path("traces").asInt());
        assertEquals(2, groundedness.path("skipped_by_missing_field").path("retrieved_context").asInt());

        for (JsonNode row : job.result.path("judges")) {
            Job run = Db.awaitJob(row.path("run_job_id").asLong(), Duration.ofSeconds(60));
            assertEquals(JobStatus.SUCCEEDED, run.status, run.error);
        }
        assertEquals(1, verdicts("judge:correctness@v1", withFacts));
        assertEquals(0, verdicts("judge:correctness@v1", plain));
        assertEquals(1, verdicts("judge:groundedness@v1", retrieved));
        assertEquals(0, verdicts("judge:groundedness@v1", withFacts));
        for (long t : List.of(plain, withFacts, retrieved)) {
            assertEquals(1, verdicts("judge:safety@v1", t));
        }
        // the job page tells the same, in words
        given().get("/jobs/" + jobId).then().statusCode(200)
                .body(containsString("correctness: run"))
                .body(containsString("2 skipped (missing expectations.expected_facts|expected_response: 2)"));

        // the judges now exist: a second call needs no model, and makes no new judge
        int again = given().contentType(ContentType.JSON).body(Map.of("templates", List.of("safety")))
                .post("/api/v1/experiments/" + exp + "/fitting-judge-runs").then().statusCode(202)
                .extract().path("job_id");
        Job second = Db.awaitJob(again, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, second.status, second.error);
        assertEquals(1, Db.count(dataSource, "SELECT count(*) FROM judge_version v JOIN judge j ON j.id = v.judge_id"
                + " JOIN experiment e ON e.id = j.experiment_id WHERE e.name = ? AND j.name = 'safety'", exp));
        assertFalse(judgeRow(second, "safety").path("run_job_id").isNull());
        assertTrue(judgeRow(second, "safety").path("traces").asInt() == 3);
    }
}
