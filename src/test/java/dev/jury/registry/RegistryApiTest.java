package dev.jury.registry;

import dev.jury.testenv.Db;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobStatus;
import dev.jury.llm.InjectLlmFake;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Register, roll back and history; the public judge API; assess against the LLM fake; evaluate. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class RegistryApiTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    RegistryFixtures fixtures;

    @Inject
    AgroalDataSource dataSource;

    private static String judgePath(RegistryFixtures.World w) {
        return "/api/v1/experiments/" + w.experiment() + "/judges/correct";
    }

    @Test
    void registerMovesTheAliasAndRollbacksWalkBackThroughTheHistory() throws Exception {
        var w = fixtures.world("openai-compatible", 0);
        fixtures.nextVersion(w, "Strict: is {{ outputs }} right for {{ inputs }}?");
        fixtures.nextVersion(w, "Stricter: is {{ outputs }} right for {{ inputs }}?");
        String path = judgePath(w);

        given().contentType(ContentType.JSON).post(path + "/registered/rollback").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("never been registered"));
        given().contentType(ContentType.JSON).post(path + "/versions/1/register").then().statusCode(200)
                .body("registered_version", org.hamcrest.Matchers.equalTo(1)).body("from_version", nullValue())
                .body("moved", org.hamcrest.Matchers.equalTo(true));
        given().contentType(ContentType.JSON).post(path + "/versions/3/register").then().statusCode(200)
                .body("from_version", org.hamcrest.Matchers.equalTo(1))
                .body("registered_version", org.hamcrest.Matchers.equalTo(3));
        given().contentType(ContentType.JSON).post(path + "/versions/3/register").then().statusCode(200)
                .body("moved", org.hamcrest.Matchers.equalTo(false));
        given().get(path).then().statusCode(200).body("version", org.hamcrest.Matchers.equalTo(3))
                .body("aliases", hasItems("latest", "registered"));

        given().contentType(ContentType.JSON).post(path + "/versions/2/register").then().statusCode(200);
        // rollback undoes 3 → 2, then 1 → 3, then finds the first registration: nothing left
        given().contentType(ContentType.JSON).post(path + "/registered/rollback").then().statusCode(200)
                .body("from_version", org.hamcrest.Matchers.equalTo(2))
                .body("registered_version", org.hamcrest.Matchers.equalTo(3));
        given().contentType(ContentType.JSON).post(path + "/registered/rollback").then().statusCode(200)
                .body("registered_version", org.hamcrest.Matchers.equalTo(1));
        given().contentType(ContentType.JSON).post(path + "/registered/rollback").then().statusCode(409)
                .body("detail", containsString("Nothing to roll back to: version 1"));
        given().get(path + "?version=registered").then().statusCode(200)
                .body("version", org.hamcrest.Matchers.equalTo(1));

        given().get(path + "/registry").then().statusCode(200)
                .body("to_version", contains(1, 3, 2, 3, 1))
                .body("from_version", contains(3, 2, 3, 1, null))
                .body("rollback", contains(true, true, false, false, false))
                .body("by", hasItems("admin"))
                .body("[0].at", notNullValue());
        given().get("/experiments/" + w.experiment() + "/judges/correct").then().statusCode(200)
                .body(containsString("Alias &#39;registered&#39; rolled back from version 3 to version 1"));
    }

    @Test
    void unknownThingsAre404NamingThem() throws Exception {
        var w = fixtures.world("openai-compatible", 0);
        String path = judgePath(w);
        given().contentType(ContentType.JSON).post(path + "/versions/7/register").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("has no version 7"));
        given().contentType(ContentType.JSON).post(path + "/versions/seven/register").then().statusCode(404)
                .body("detail", containsString("has no version 'seven'"));
        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + w.experiment() + "/judges/ghost/versions/1/register").then()
                .statusCode(404).body("detail", containsString("No judge named 'ghost'"));
        given().get("/api/v1/judges/ghost-" + w.model()).then().statusCode(404)
                .body("detail", containsString("No judge named 'ghost-" + w.model() + "' in any experiment"));
        given().get("/api/v1/judges/correct?experiment=" + w.experiment() + "&version=9").then().statusCode(404)
                .body("detail", containsString("has no version '9'"));
        given().get("/api/v1/judges/correct?experiment=no-such-exp").then().statusCode(404)
                .body("detail", containsString("no-such-exp"));
    }

    @Test
    void thePublicApiFindsAJudgeByNameAndAsksWhichExperimentWhenSeveralHaveIt() throws Exception {
        var a = fixtures.world("openai-compatible", 0);
        var b = fixtures.world("openai-compatible", 0);
        // 'correct' exists in many experiments (every registry test makes one): the name alone is ambiguous
        given().get("/api/v1/judges/correct").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString(a.experiment())).body("experiments", hasItems(a.experiment(),
                        b.experiment()));
        given().get("/api/v1/judges/correct?experiment=" + b.experiment()).then().statusCode(200)
                .body("experiment", org.hamcrest.Matchers.equalTo(b.experiment()))
                .body("version", org.hamcrest.Matchers.equalTo(1));
        given().get("/api/v1/judges/correct/versions?experiment=" + a.experiment()).then().statusCode(200)
                .body("version", contains(1)).body("aliases[0]", contains("latest"));
        given().get("/api/v1/judges").then().statusCode(200)
                .body("findAll { it.experiment == '" + a.experiment() + "' }.name", contains("correct"));

        // a name only one experiment has needs no ?experiment=
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Y", "definition", "y", "negative", false),
                        Map.of("value", "no", "label", "N", "definition", "n", "negative", true))))
                .put("/api/v1/experiments/" + a.experiment() + "/rubrics/unique_" + a.model().replace('-', '_'))
                .then().statusCode(201);
        String unique = "unique_" + a.model().replace('-', '_');
        given().contentType(ContentType.JSON).body(Map.of("name", unique, "instructions", "Rate {{ outputs }}.",
                "model", "openai:/gpt-4.1-mini")).post("/api/v1/experiments/" + a.experiment() + "/judges")
                .then().statusCode(201);
        given().get("/api/v1/judges/" + unique).then().statusCode(200)
                .body("experiment", org.hamcrest.Matchers.equalTo(a.experiment()));
    }

    @Test
    void theJudgeJsonCarriesAnMlflowBlockShapedLikeASerializedScorer() throws Exception {
        var w = fixtures.world("openai-compatible", 0);
        given().get(judgePath(w)).then().statusCode(200)
                .body("mlflow.name", org.hamcrest.Matchers.equalTo("correct"))
                .body("mlflow.serialization_version", org.hamcrest.Matchers.equalTo(1))
                .body("mlflow.mlflow_version", notNullValue())
                .body("mlflow.aggregations", org.hamcrest.Matchers.empty())
                .body("mlflow.is_session_level_scorer", org.hamcrest.Matchers.equalTo(false))
                .body("mlflow.containsKey('builtin_scorer_class')", org.hamcrest.Matchers.equalTo(true))
                .body("mlflow.builtin_scorer_class", nullValue())
                .body("mlflow.call_source", nullValue())
                .body("mlflow.instructions_judge_pydantic_data.model",
                        org.hamcrest.Matchers.equalTo("openai-compatible:/" + w.model()))
                .body("mlflow.instructions_judge_pydantic_data.instructions",
                        org.hamcrest.Matchers.startsWith("Is {{ outputs }} a correct answer to {{ inputs }}?"))
                .body("mlflow.instructions_judge_pydantic_data.instructions", containsString("Wrong answer."))
                .body("mlflow.instructions_judge_pydantic_data.feedback_value_type.enum", contains("yes", "no"))
                .body("mlflow.instructions_judge_pydantic_data.feedback_value_type.type",
                        org.hamcrest.Matchers.equalTo("string"))
                .body("mlflow.instructions_judge_pydantic_data.inference_params.temperature",
                        org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void assessRunsTheRegisteredVersionAndStoresTheVerdictWhenGivenATrace() throws Exception {
        var w = fixtures.world("openai-compatible", 2);
        RegistryFixtures.answer(llm, w, "yes", "v1 says yes");
        String path = judgePath(w);
        Map<String, Object> body = Map.of("inputs", Map.of("q", "2+2"), "outputs", "4");
        given().contentType(ContentType.JSON).body(body).post(path + "/assess").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("register a version first"));

        given().contentType(ContentType.JSON).post(path + "/versions/1/register").then().statusCode(200);
        int v2 = fixtures.nextVersion(w, "Version two: is {{ outputs }} right for {{ inputs }}?");
        RegistryFixtures.answerWhen(llm, w, "Version two", "no");
        // v2 is latest but not registered: assess answers with v1
        given().contentType(ContentType.JSON).body(body).post(path + "/assess").then().statusCode(200)
                .body("value", org.hamcrest.Matchers.equalTo("yes"))
                .body("rationale", org.hamcrest.Matchers.equalTo("v1 says yes"))
                .body("version", org.hamcrest.Matchers.equalTo(1))
                .body("source_id", org.hamcrest.Matchers.equalTo("judge:correct@v1"))
                .body("assessment_id", nullValue());

        given().contentType(ContentType.JSON).post(path + "/versions/" + v2 + "/register").then().statusCode(200);
        long trace = w.traces().get(0);
        int stored = given().contentType(ContentType.JSON).body(Map.of("trace_id", trace))
                .post("/api/v1/judges/correct/assess?experiment=" + w.experiment()).then().statusCode(200)
                .body("value", org.hamcrest.Matchers.equalTo("no"))
                .body("version", org.hamcrest.Matchers.equalTo(2))
                .body("existing", org.hamcrest.Matchers.equalTo(false))
                .extract().path("assessment_id");
        given().get("/api/v1/traces/" + trace).then().statusCode(200)
                .body("assessments.find { it.id == " + stored + " }.source_type",
                        org.hamcrest.Matchers.equalTo("LLM_JUDGE"))
                .body("assessments.find { it.id == " + stored + " }.source_id",
                        org.hamcrest.Matchers.equalTo("judge:correct@v2"))
                .body("assessments.find { it.id == " + stored + " }.value", org.hamcrest.Matchers.equalTo("no"));
        // asked again, the stored verdict is the answer: one verdict per trace and version, no second call
        int calls = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(w.model())))).size();
        given().contentType(ContentType.JSON).body(Map.of("trace_id", trace)).post(path + "/assess").then()
                .statusCode(200).body("assessment_id", org.hamcrest.Matchers.equalTo(stored))
                .body("existing", org.hamcrest.Matchers.equalTo(true));
        assertEquals(calls, llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(w.model())))).size());
    }

    @Test
    void badBodiesAre422PerFieldAndForeignTracesAre404() throws Exception {
        var w = fixtures.world("openai-compatible", 1);
        var other = fixtures.world("openai-compatible", 1);
        String path = judgePath(w);
        given().contentType(ContentType.JSON).post(path + "/versions/1/register").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("outputs", "4", "expectations", "yes", "trace_id", "x",
                        "output", 1)).post(path + "/assess").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("expectations", "trace_id", "output"));
        given().contentType(ContentType.JSON).body(Map.of("outputs", "4")).post(path + "/assess").then()
                .statusCode(422).body("errors.field", contains("inputs"))
                .body("errors[0].message", containsString("uses {{ inputs }}"));
        given().contentType(ContentType.JSON).body(Map.of("trace_id", other.traces().get(0)))
                .post(path + "/assess").then().statusCode(404)
                .body("detail", containsString("Trace " + other.traces().get(0) + " is not a trace of experiment '"
                        + w.experiment() + "'"));
        given().contentType(ContentType.JSON).body(Map.of("trace_id", w.traces().get(0), "outputs", "5"))
                .post(path + "/assess").then().statusCode(422).body("errors.field", contains("outputs"));
    }

    @Test
    void providerFaultsAreProblemsNot500() throws Exception {
        var w = fixtures.world("openai-compatible", 0);
        String path = judgePath(w);
        given().contentType(ContentType.JSON).post(path + "/versions/1/register").then().statusCode(200);
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(w.model())))
                .willReturn(aResponse().withStatus(500).withBody("upstream down")));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "q", "outputs", "a")).post(path + "/assess")
                .then().statusCode(502).contentType("application/problem+json")
                .body("llm_error", org.hamcrest.Matchers.equalTo("server_error"))
                .body("detail", containsString(w.model()));

        // The test profile gives 'ollama' a 300 ms timeout (LlmFakeServer).
        var slow = fixtures.world("ollama", 0);
        given().contentType(ContentType.JSON).post(judgePath(slow) + "/versions/1/register").then().statusCode(200);
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(slow.model())))
                .willReturn(aResponse().withStatus(200).withFixedDelay(1_500).withHeader("Content-Type",
                        "application/json").withBody(dev.jury.llm.LlmFakeServer.completion("{\"result\": \"yes\"}"))));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "q", "outputs", "a"))
                .post(judgePath(slow) + "/assess").then().statusCode(503).contentType("application/problem+json")
                .body("llm_error", org.hamcrest.Matchers.equalTo("timeout"));
    }

    @Test
    void evaluateRunsAVersionOverTheLabelledTracesAndComparesItWithTheConsensus() throws Exception {
        var w = fixtures.world("openai-compatible", 5);
        List<Long> t = w.traces();
        // humans: yes, yes, no, no; the fifth trace has no label and is not evaluated
        fixtures.label(w, t.get(0), "yes");
        fixtures.label(w, t.get(1), "yes");
        fixtures.label(w, t.get(2), "no");
        fixtures.label(w, t.get(3), "no");
        RegistryFixtures.answer(llm, w, "yes", "always yes");
        RegistryFixtures.answerWhen(llm, w, "item-3 says", "no");
        String path = judgePath(w);
        int job = given().contentType(ContentType.JSON).body(Map.of()).post(path + "/versions/1/evaluate").then()
                .statusCode(202).body("evaluation", containsString("/versions/1/evaluation"))
                .extract().path("job_id");
        assertEquals(JobStatus.SUCCEEDED, await(job).status);

        given().get(path + "/versions/1/evaluation").then().statusCode(200)
                .body("version", org.hamcrest.Matchers.equalTo(1))
                .body("last_run.job_id", org.hamcrest.Matchers.equalTo(job))
                .body("verdicts", org.hamcrest.Matchers.equalTo(4))
                .body("rows.trace_id", contains(t.get(0).intValue(), t.get(1).intValue(), t.get(2).intValue(),
                        t.get(3).intValue()))
                .body("rows.verdict", contains("yes", "yes", "no", "yes"))
                .body("rows.consensus", contains("yes", "yes", "no", "no"))
                .body("rows.match", contains(true, true, true, false))
                .body("agreement.n", org.hamcrest.Matchers.equalTo(4))
                .body("agreement.accuracy.value", org.hamcrest.Matchers.equalTo(0.75f))
                .body("agreement.kappa.value", org.hamcrest.Matchers.equalTo(0.5f))
                .body("agreement.confusion.labels", contains("yes", "no"))
                .body("agreement.confusion.matrix", contains(List.of(2, 0), List.of(1, 1)));

        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("a")))
                .post(path + "/versions/1/evaluate").then().statusCode(422)
                .body("errors.field", contains("trace_ids[0]"));
        var empty = fixtures.world("openai-compatible", 1);
        given().contentType(ContentType.JSON).body(Map.of()).post(judgePath(empty) + "/versions/1/evaluate").then()
                .statusCode(422).body("detail", containsString("has a human label named 'correct'"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersMayNotUseTheRegistry() {
        given().get("/api/v1/judges").then().statusCode(403);
        given().get("/api/v1/judges/correct").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("inputs", "q")).post("/api/v1/judges/correct/assess")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).post("/api/v1/experiments/x/judges/correct/versions/1/register").then().statusCode(403);
        given().contentType(ContentType.JSON).post("/api/v1/experiments/x/judges/correct/registered/rollback").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void servicesMayReadAndAssessButNotRegisterOrEvaluate() {
        given().get("/api/v1/judges").then().statusCode(200);
        given().get("/api/v1/experiments/no-such/judges/correct/registry").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("inputs", "q", "outputs", "a"))
                .post("/api/v1/experiments/no-such/judges/correct/assess").then().statusCode(404);
        given().contentType(ContentType.JSON).post("/api/v1/experiments/x/judges/correct/versions/1/register").then().statusCode(403);
        given().contentType(ContentType.JSON).post("/api/v1/experiments/x/judges/correct/registered/rollback").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/experiments/x/judges/correct/versions/1"
                + "/evaluate").then().statusCode(403);
    }

    private static Job await(long id) throws InterruptedException {
        return Db.awaitJob(id, Duration.ofSeconds(60));
    }
}
