package dev.jury.production;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.jobs.JobStatus;
import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;
import dev.jury.llm.InjectLlmFake;
import dev.jury.registry.RegistryFixtures;
import dev.jury.registry.RegistryService;
import dev.jury.testenv.Db;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.testenv.Db.count;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET/PUT …/online-scoring} and online scoring end to end against the LLM fake: new traces ingested through
 * the API are scored by the registered version, an alias move switches the version for new traces only, the
 * filter, and a job restarted after its worker died.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class OnlineScoringApiTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    OnlineScoringWorld worlds;

    @Inject
    RegistryFixtures fixtures;

    @Inject
    RegistryService registry;

    @Inject
    OnlineScoringScheduler scheduler;

    @Inject
    AgroalDataSource dataSource;

    private static String path(OnlineScoringWorld.World w) {
        return "/api/v1/experiments/" + w.experiment() + "/judges/correct/online-scoring";
    }

    private static ValidatableResponse put(OnlineScoringWorld.World w, String body) {
        return given().contentType(ContentType.JSON).body(body).put(path(w)).then();
    }

    /** Ingests traces through the public API, as an application would. */
    private static void ingest(OnlineScoringWorld.World w, int n, String env) {
        var traces = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < n; i++) {
            traces.add(Map.of("inputs", Map.of("q", "2+2"), "outputs", env + " answer " + i + ": 4",
                    "tags", Map.of("env", env)));
        }
        given().contentType(ContentType.JSON).body(traces).post("/api/v1/experiments/" + w.experiment() + "/traces")
                .then().statusCode(200).body("created", equalTo(n));
    }

    private Set<Long> traceIds(OnlineScoringWorld.World w, String env) throws Exception {
        var ids = new TreeSet<Long>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT id FROM trace WHERE experiment_id = ? AND (? IS NULL OR tags ->> 'env' = ?)")) {
            s.setLong(1, w.experimentId());
            s.setString(2, env);
            s.setString(3, env);
            var rs = s.executeQuery();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Waits, nudging the scheduler, until {@code done} holds. */
    private void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            scheduler.tick();
            Thread.sleep(200);
        }
    }

    private Map<Long, Long> verdicts(OnlineScoringWorld.World w, int version) {
        try {
            return worlds.verdicts(w, version);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badInputIsA422NamingTheFieldAndNothingChanges() throws Exception {
        var w = worlds.create(0);
        given().get(path(w)).then().statusCode(200).body("enabled", equalTo(false))
                .body("sample_rate", equalTo(0.1f)).body("filter", equalTo("")).body("registered_version", equalTo(1))
                .body("judge", equalTo("correct"));
        for (String body : List.of("{\"sample_rate\": 1.5}", "{\"sample_rate\": -0.1}", "{\"sample_rate\": \"half\"}")) {
            put(w, body).statusCode(422).contentType("application/problem+json")
                    .body("errors.field", hasItem("sample_rate"));
        }
        put(w, "{\"filter\": \"env = prod\"}").statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("filter")).body("detail", containsString("Unknown field 'env'"));
        put(w, "{\"filter\": \"tags.env = 'prod\"}").statusCode(422).body("detail", containsString("Unclosed quote"));
        put(w, "{\"enabled\": \"yes\"}").statusCode(422).body("errors.field", hasItem("enabled"));
        put(w, "{\"rate\": 0.5}").statusCode(422).body("errors.field", hasItem("rate"));
        put(w, "[1]").statusCode(422).contentType("application/problem+json");
        given().get(path(w)).then().statusCode(200).body("enabled", equalTo(false)).body("sample_rate", equalTo(0.1f));
        given().contentType(ContentType.JSON).body("{\"enabled\": true}")
                .put("/api/v1/experiments/" + w.experiment() + "/judges/nobody/online-scoring").then().statusCode(404)
                .contentType("application/problem+json");

        // a judge without a registered version cannot be turned on
        var unregistered = fixtures.world("openai-compatible", 0);
        given().contentType(ContentType.JSON).body("{\"enabled\": true}")
                .put("/api/v1/experiments/" + unregistered.experiment() + "/judges/correct/online-scoring")
                .then().statusCode(409).body("detail", containsString("no registered version"));

        put(w, "{\"enabled\": true, \"sample_rate\": 0.25, \"filter\": \"tags.env = 'prod'\"}").statusCode(200)
                .body("enabled", equalTo(true)).body("sample_rate", equalTo(0.25f))
                .body("filter", equalTo("tags.env = 'prod'")).body("enabled_at", org.hamcrest.Matchers.notNullValue())
                .body("updated_by", equalTo("admin"));
        put(w, "{\"enabled\": false}").statusCode(200).body("enabled", equalTo(false))
                .body("sample_rate", equalTo(0.25f)).body("enabled_at", nullValue());
    }

    @Test
    void newTracesAreScoredByTheRegisteredVersionAndAnAliasMoveSwitchesTheVersionForNewTracesOnly() throws Exception {
        var w = worlds.create(2);
        RegistryFixtures.answer(llm, w.registry(), "yes", "fine");
        Set<Long> before = traceIds(w, null);
        put(w, "{\"enabled\": true, \"sample_rate\": 1}").statusCode(200).body("enabled", equalTo(true));

        ingest(w, 4, "prod");
        Set<Long> first = traceIds(w, "prod");
        await("version 1 scored the 4 new traces", () -> verdicts(w, 1).size() == 4);
        assertEquals(first, verdicts(w, 1).keySet());

        int v2 = fixtures.nextVersion(w.registry(), "Stricter: is {{ outputs }} right for {{ inputs }}?");
        registry.register(w.experiment(), "correct", v2, "admin");
        ingest(w, 3, "staging");
        Set<Long> second = traceIds(w, "staging");
        await("version 2 scored the 3 newer traces", () -> verdicts(w, 2).size() == 3);
        Thread.sleep(1_000); // a moment for anything wrong to show
        assertEquals(second, verdicts(w, 2).keySet(), "version 2 scores only the traces after the move");
        assertEquals(first, verdicts(w, 1).keySet(), "version 1 scored nothing after the move");
        assertTrue(verdicts(w, 1).values().stream().allMatch(n -> n == 1));
        assertTrue(verdicts(w, 2).values().stream().allMatch(n -> n == 1));
        for (long t : before) {
            assertTrue(!verdicts(w, 1).containsKey(t) && !verdicts(w, 2).containsKey(t), "trace " + t
                    + " was ingested before scoring was turned on");
        }

        await("the cost of the calls is recorded", () -> given().get(path(w)).then().extract().jsonPath()
                .getInt("cost[0].calls") >= 7);
        given().get(path(w)).then().statusCode(200)
                .body("registered_version", equalTo(2))
                .body("counts.done", equalTo(7)).body("counts.pending", equalTo(0))
                .body("by_version.find { it.version == 2 }.scored", equalTo(3))
                .body("by_version.find { it.version == 1 }.scored", equalTo(4))
                .body("cost[0].calls", equalTo(7))
                .body("cost[0].input_tokens", equalTo(7 * 20))
                .body("cost[0].output_tokens", equalTo(7 * 5));
    }

    @Test
    void onlyTracesThatPassTheFilterAreScored() throws Exception {
        var w = worlds.create(0);
        RegistryFixtures.answer(llm, w.registry(), "no", "wrong");
        put(w, "{\"enabled\": true, \"sample_rate\": 1, \"filter\": \"tags.env = 'prod'\"}").statusCode(200);
        ingest(w, 3, "dev");
        ingest(w, 3, "prod");
        ingest(w, 2, "dev");
        Set<Long> prod = traceIds(w, "prod");
        await("the prod traces are scored", () -> verdicts(w, 1).size() == 3);
        for (int i = 0; i < 5; i++) {
            scheduler.tick();
            Thread.sleep(200);
        }
        assertEquals(prod, verdicts(w, 1).keySet());
        assertEquals(0, count(dataSource, "SELECT count(*) FROM online_scoring_item i JOIN trace t ON t.id = i.trace_id "
                + "WHERE t.experiment_id = ? AND t.tags ->> 'env' = 'dev'", w.experimentId()));
    }

    @Test
    void aJobStartedAfterItsWorkerDiedTakesTheClaimsBackAndScoresEachTraceOnce() throws Exception {
        var w = worlds.create(0);
        RegistryFixtures.answer(llm, w.registry(), "yes", "fine");
        // the state a dead worker leaves: scoring on, sampled traces, three freshly claimed by it
        long config = worlds.config(w, false, 1.0, "", 0);
        List<Long> traces = worlds.traces(w, 4, Map.of());
        worlds.items(config, traces);
        long v1 = worlds.versionId(w, 1);
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                UPDATE online_scoring_item SET status = 'CLAIMED', claim_token = ?, claimed_at = now(),
                       judge_version_id = ?
                 WHERE config_id = ? AND trace_id <> ?""")) {
            s.setObject(1, UUID.randomUUID());
            s.setLong(2, v1);
            s.setLong(3, config);
            s.setLong(4, traces.get(3));
            assertEquals(3, s.executeUpdate());
        }
        // and the first trace was already judged by version 1 through assess
        long rubricVersion = count(dataSource, "SELECT rubric_version_id FROM judge_version WHERE id = ?", v1);
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection()) {
                LabelWriter.insertVerdicts(c, "judge:correct@v1", List.of(NewLabel.verdict(traces.get(0), "correct",
                        "yes", "via assess", "judge:correct@v1", v1, rubricVersion, "{\"via\": \"assess\"}")));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        int callsBefore = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(w.registry().model())))).size();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE online_scoring SET enabled = TRUE WHERE id = ?")) {
            s.setLong(1, config);
            s.executeUpdate();
        }

        Long job = scheduler.ensureJob(config);
        if (job == null) { // the scheduler's own tick was quicker
            job = count(dataSource, "SELECT job_id FROM online_scoring WHERE id = ?", config);
        }
        var finished = Db.awaitJob(job, Duration.ofSeconds(90));
        assertEquals(JobStatus.SUCCEEDED, finished.status);
        Map<Long, Long> verdicts = worlds.verdicts(w, 1);
        assertEquals(Set.copyOf(traces), verdicts.keySet());
        assertTrue(verdicts.values().stream().allMatch(n -> n == 1), "one verdict per trace: " + verdicts);
        int calls = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(w.registry().model())))).size() - callsBefore;
        assertEquals(3, calls, "the trace judged through assess is not sent to the model again");
        assertEquals(1, count(dataSource, "SELECT count(*) FROM job_log WHERE job_id = ? AND message LIKE "
                + "'Took back 3 traces%'", job));
        assertEquals(4, count(dataSource, "SELECT count(*) FROM online_scoring_item WHERE config_id = ? AND "
                + "status = 'DONE'", config));
    }
}
