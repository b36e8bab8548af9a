package dev.jury.judges.run;

import dev.jury.judges.JudgeService;
import dev.jury.testenv.Db;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobService;
import dev.jury.jobs.JobStatus;
import dev.jury.llm.InjectLlmFake;
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

import static dev.jury.llm.LlmFakeServer.completion;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Judge runs end to end against the fake OpenAI-compatible endpoint: verdicts, fenced answers, 429 with
 * Retry-After, persistent 500s, malformed bodies, out-of-rubric answers (repair then error), and a run whose
 * worker died half-way that resumes with each trace assessed exactly once.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class JudgeRunTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobService jobs;

    @Inject
    JudgeService judgeService;

    String experiment;
    String model;


    /** An experiment with a yes/no rubric and judge 'correct' on a fake model, and {@code n} traces "case-i". */
    List<Long> seed(int n, String provider) throws SQLException {
        experiment = "run-" + UUID.randomUUID().toString().substring(0, 8);
        model = "run-" + UUID.randomUUID().toString().substring(0, 6);
        YesNoJudge.create(judgeService, experiment, "Is {{ outputs }} a correct answer to {{ inputs }}?",
                provider + ":/" + model);
        var ids = new java.util.ArrayList<Long>();
        try (var c = dataSource.getConnection()) {
            for (int i = 1; i <= n; i++) {
                try (var s = c.prepareStatement("""
                        INSERT INTO trace (experiment_id, inputs, outputs)
                        SELECT id, '{"q": "2+2"}', to_jsonb(?::text) FROM experiment WHERE name = ? RETURNING id""")) {
                    s.setString(1, "case-" + i + " answer 4");
                    s.setString(2, experiment);
                    var rs = s.executeQuery();
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    void stubDefault(String answer) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(10)
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion(answer))));
    }

    void stubCase(int i, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                .withRequestBody(containing("case-" + i + " answer"))
                .willReturn(response));
    }

    Job await(long id) throws InterruptedException {
        return Db.awaitJob(id, Duration.ofSeconds(60));
    }

    long count(String sql, Object... params) throws SQLException {
        return Db.count(dataSource, sql, params);
    }

    @Test
    void runRecordsVerdictsAndEveryKindOfFailure() throws Exception {
        seed(8, "openai-compatible");
        stubDefault("{\"result\": \"yes\", \"rationale\": \"4 is right\"}");
        // case-1: rate limited once, with Retry-After
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1).inScenario(model + "429")
                .whenScenarioStateIs(STARTED).willSetStateTo("ok")
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                .withRequestBody(containing("case-1 answer"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1).inScenario(model + "429")
                .whenScenarioStateIs("ok").withRequestBody(containing("case-1 answer"))
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"no\", \"rationale\": \"after waiting\"}"))));
        stubCase(2, aResponse().withStatus(500).withBody("upstream down"));
        stubCase(3, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{not json"));
        stubCase(4, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion("{\"result\": \"maybe\", \"rationale\": \"unsure\"}")));
        stubCase(5, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion("```json\n{\"result\": \"No\", \"rationale\": \"fenced\"}\n```")));

        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        Job job = await(jobId);
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        assertEquals(8, job.progressDone);
        assertEquals(3, job.progressErrors, "500, malformed body, out-of-rubric after repair");

        String source = "judge:correct@v1";
        assertEquals(5, count("SELECT count(*) FROM assessment WHERE source_id = ? AND valid AND trace_id IN "
                + "(SELECT t.id FROM trace t JOIN experiment e ON e.id = t.experiment_id WHERE e.name = ?)", source, experiment));
        assertEquals(1, count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id WHERE a.source_id = ?"
                + " AND a.value = 'no' AND a.rationale = 'fenced' AND t.outputs::text LIKE '%case-5 %'", source));
        assertEquals(1, count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id WHERE a.source_id = ?"
                + " AND NOT a.valid AND a.error LIKE '%maybe%' AND t.outputs::text LIKE '%case-4 %'", source));
        // case-4 was asked twice: the answer, then the repair showing the model its invalid answer
        // (a dropped keep-alive connection may add a transport retry, so at least, not exactly)
        var repairs = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                .withRequestBody(containing("case-4 answer")).withRequestBody(containing("\"assistant\"")));
        assertTrue(!repairs.isEmpty(), "the repair retry shows the model its invalid answer");
        assertTrue(repairs.get(0).getBodyAsString().contains("maybe"));

        given().get("/api/v1/experiments/" + experiment + "/judges/correct/runs/" + jobId).then().statusCode(200)
                .body("values.yes", equalTo(3)).body("values.no", equalTo(2)).body("errors", equalTo(3));
        given().get("/experiments/" + experiment + "/judges/correct/runs/" + jobId).then().statusCode(200)
                .body(containsString("3 errors"));
    }

    @Test
    void aRunInterruptedHalfWayResumesAndAssessesEachTraceOnce() throws Exception {
        List<Long> traces = seed(6, "openai-compatible");
        stubDefault("{\"result\": \"yes\", \"rationale\": \"fine\"}");
        long versionId = count("SELECT v.id FROM judge_version v JOIN judge j ON j.id = v.judge_id JOIN experiment e"
                + " ON e.id = j.experiment_id WHERE e.name = ?", experiment);
        long jobId;
        try (var c = dataSource.getConnection()) {
            // A run whose worker died after assessing the first three traces: job and verdicts in one transaction,
            // or a worker may reclaim the stale job before its first verdicts exist (and call the LLM for them).
            c.setAutoCommit(false);
            try (var s = c.prepareStatement("""
                    INSERT INTO job (type, status, payload, progress_done, progress_total, attempts, worker_id,
                                     heartbeat_at, created_by, started_at)
                    VALUES ('judge-run', 'RUNNING', jsonb_build_object('judge_version_id', ?::bigint, 'experiment', ?::text,
                            'judge', 'correct', 'version', 1), 3, 6, 1, 'dead-host/1/dead', now() - interval '10 minutes',
                            'admin', now() - interval '11 minutes') RETURNING id""")) {
                s.setLong(1, versionId);
                s.setString(2, experiment);
                var rs = s.executeQuery();
                rs.next();
                jobId = rs.getLong(1);
            }
            for (long trace : traces.subList(0, 3)) {
                try (var s = c.prepareStatement("""
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id, judge_version_id,
                                                metadata, valid)
                        VALUES (?, 'correct', 'no', 'before the crash', 'LLM_JUDGE', 'judge:correct@v1', ?,
                                jsonb_build_object('job_id', ?::bigint), TRUE)""")) {
                    s.setLong(1, trace);
                    s.setLong(2, versionId);
                    s.setLong(3, jobId);
                    s.executeUpdate();
                }
            }
            c.commit();
        }
        Job job = await(jobId);
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        for (long trace : traces) {
            assertEquals(1, count("SELECT count(*) FROM assessment WHERE trace_id = ? AND source_id = 'judge:correct@v1'",
                    trace), "exactly one verdict on trace " + trace);
        }
        for (int i = 1; i <= 3; i++) {
            llm.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                    .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                    .withRequestBody(containing("case-" + i + " answer")));
        }
        assertEquals(3, count("SELECT count(*) FROM assessment WHERE source_id = 'judge:correct@v1' AND rationale = 'fine'"
                + " AND trace_id = ANY (?)", (Object) traces.toArray(Long[]::new)));
    }

    @Test
    void anUnconfiguredProviderFailsTheRunWithTheKeyToSet() throws Exception {
        seed(2, "anthropic");
        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        Job job = await(jobId);
        assertEquals(JobStatus.FAILED, job.status);
        assertTrue(job.error.contains("jury.llm.providers.anthropic.api-key"), job.error);
    }

    @Test
    void aTimeoutIsRecordedAsThatTracesErrorAndTheRunCompletes() throws Exception {
        // The test profile gives 'ollama' a 300 ms timeout and 2 retries (LlmFakeServer).
        seed(3, "ollama");
        stubDefault("{\"result\": \"yes\", \"rationale\": \"quick\"}");
        stubCase(2, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withFixedDelay(1_500).withBody(completion("{\"result\": \"no\", \"rationale\": \"too late\"}")));
        int jobId = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        Job job = await(jobId);
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        assertEquals(3, job.progressDone);
        assertEquals(1, job.progressErrors);
        assertEquals(1, count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id"
                + " WHERE a.source_id = 'judge:correct@v1' AND NOT a.valid AND a.error LIKE 'timeout%'"
                + " AND t.outputs::text LIKE '%case-2 %'"));
    }

    @Test
    void runsOverATagOnly() throws Exception {
        List<Long> traces = seed(4, "openai-compatible");
        stubDefault("{\"result\": \"yes\", \"rationale\": \"tagged\"}");
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE trace SET tags = '{\"split\": \"a\"}' WHERE id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("bigint", traces.subList(0, 2).toArray()));
            s.executeUpdate();
        }
        given().contentType(ContentType.JSON).body(Map.of("tag", "split=zzz"))
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(422).body("detail", containsString("No traces"));
        int jobId = given().contentType(ContentType.JSON).body(Map.of("tag", "split=a"))
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        assertEquals(JobStatus.SUCCEEDED, await(jobId).status);
        assertEquals(2, count("SELECT count(*) FROM assessment WHERE rationale = 'tagged' AND trace_id = ANY (?)",
                (Object) traces.toArray(Long[]::new)));
    }

    @Test
    void aSecondRunReplacesTheFirstRunsErrorsAndKeepsThemAsHistory() throws Exception {
        List<Long> traces = seed(5, "openai-compatible");
        stubDefault("{\"result\": \"yes\", \"rationale\": \"first\"}");
        var failures = List.of(
                llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                        .withRequestBody(containing("case-2 answer"))
                        .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                        .willReturn(aResponse().withStatus(500).withBody("down"))),
                llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                        .withRequestBody(containing("case-4 answer"))
                        .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
                        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody("{not json"))));
        int first = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        assertEquals(2, await(first).progressErrors);

        failures.forEach(llm::removeStub);
        stubDefault("{\"result\": \"no\", \"rationale\": \"second\"}");
        int second = given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/experiments/" + experiment + "/judges/correct/runs")
                .then().statusCode(202).extract().path("job_id");
        Job job = await(second);
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        assertEquals(5, job.progressDone);
        assertEquals(0, job.progressErrors);

        Object ids = traces.toArray(Long[]::new);
        String source = "judge:correct@v1";
        // one current row per trace: three verdicts of the first run, two of the second
        assertEquals(5, count("SELECT count(*) FROM assessment WHERE source_id = ? AND superseded_by IS NULL"
                + " AND valid AND trace_id = ANY (?)", source, ids));
        assertEquals(2, count("SELECT count(*) FROM assessment WHERE source_id = ? AND rationale = 'second'"
                + " AND trace_id = ANY (?)", source, ids));
        // the two errors are history, each superseded by the verdict that replaced it
        assertEquals(2, count("SELECT count(*) FROM assessment e JOIN assessment v ON v.id = e.superseded_by"
                + " WHERE e.source_id = ? AND NOT e.valid AND v.supersedes = e.id AND v.rationale = 'second'"
                + " AND e.trace_id = ANY (?)", source, ids));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersCannotStartRuns() {
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/experiments/x/judges/y/runs")
                .then().statusCode(403);
    }
}
