package dev.jury.production.uncertainty;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.jury.judges.JudgeService;
import dev.jury.llm.InjectLlmFake;
import dev.jury.registry.RegistryFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review queues of every source through the API, with the uncertainty of an LLM judge measured by repeated samples
 * against the LLM fake: each trace's answers are scripted per call, so the disagreement — and the queue — is known.
 * Also the embedded judge's vote margin, and the problems for a bad source, N, size or share.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class UncertaintyQueueApiTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    RegistryFixtures fixtures;

    @Inject
    JudgeService judges;

    @Inject
    AgroalDataSource dataSource;

    /** Trace i of the world answers its script in turn: call 1, 2, 3, then from the start again. */
    static final Map<Integer, List<String>> SCRIPTS = Map.of(
            1, List.of("no", "no", "no"),    // sure: 0
            2, List.of("no", "yes", "no"),   // 2–1: 0.918
            3, List.of("no", "no", "yes"),   // 2–1: 0.918
            4, List.of("no", "no", "no"),    // sure
            5, List.of("yes", "yes", "yes"), // sure
            6, List.of("yes", "no", "yes"),  // 2–1: 0.918
            7, List.of("yes", "yes", "yes"), // sure
            8, List.of("yes", "yes", "no")); // 2–1: 0.918

    void script(RegistryFixtures.World w) {
        SCRIPTS.forEach((i, answers) -> {
            String scenario = w.model() + "-" + i;
            for (int call = 0; call < answers.size(); call++) {
                String state = call == 0 ? Scenario.STARTED : "call-" + call;
                String next = call == answers.size() - 1 ? Scenario.STARTED : "call-" + (call + 1);
                llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                        .withRequestBody(matchingJsonPath("$.model", equalTo(w.model())))
                        .withRequestBody(containing("item-" + i + " says 4"))
                        .inScenario(scenario).whenScenarioStateIs(state).willSetStateTo(next)
                        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody(completion("{\"result\": \"" + answers.get(call)
                                        + "\", \"rationale\": \"sample " + call + "\"}"))));
            }
        });
    }

    /** The judge's stored verdicts: traces 1–4 "no", 5–8 "yes" (what a judge run would have left). */
    RegistryFixtures.World world() throws SQLException {
        var w = fixtures.world("openai-compatible", 8);
        verdicts(w, "judge:correct@v1");
        return w;
    }

    void verdicts(RegistryFixtures.World w, String source) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                VALUES (?, 'correct', ?, 'judged', 'LLM_JUDGE', ?)""")) {
            for (int i = 0; i < w.traces().size(); i++) {
                s.setLong(1, w.traces().get(i));
                s.setString(2, i < 4 ? "no" : "yes");
                s.setString(3, source);
                s.executeUpdate();
            }
        }
    }

    static String uncertainty(RegistryFixtures.World w) {
        return "/api/v1/experiments/" + w.experiment() + "/judges/correct/uncertainty";
    }

    static ValidatableResponse createQueue(RegistryFixtures.World w, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/experiments/" + w.experiment() + "/queues").then();
    }

    static Map<String, Object> queue(String name, String source, int size) {
        var body = new HashMap<String, Object>();
        body.put("name", name);
        body.put("judge", "correct");
        body.put("size", size);
        body.put("reviewers_per_item", 1);
        body.put("members", List.of("admin"));
        body.put("seed", 7);
        body.put("balance", 0.25);
        if (source != null) {
            body.put("source", source);
        }
        return body;
    }

    static JsonPath awaitJob(long job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            var view = given().get("/api/v1/jobs/" + job).then().statusCode(200).extract().jsonPath();
            String status = view.getString("status");
            if (status.equals("SUCCEEDED")) {
                return view;
            }
            if (status.equals("FAILED") || status.equals("CANCELLED") || System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " ended " + status + ": " + view.getString("error"));
            }
            Thread.sleep(200);
        }
    }

    /** Trace id → (method, uncertainty, votes) as stored. */
    Map<Long, String> measurements(RegistryFixtures.World w) throws SQLException {
        var rows = new TreeMap<Long, String>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT u.trace_id, u.method, round(u.uncertainty::numeric, 3), u.votes::text FROM trace_uncertainty u
                  JOIN trace t ON t.id = u.trace_id JOIN experiment e ON e.id = t.experiment_id WHERE e.name = ?""")) {
            s.setString(1, w.experiment());
            var rs = s.executeQuery();
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }

    /** Stratum per trace of a queue, with its inclusion probability. */
    Map<Long, String> items(long queue) throws SQLException {
        var rows = new TreeMap<Long, String>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT trace_id, stratum, inclusion_probability FROM queue_item WHERE queue_id = ?")) {
            s.setLong(1, queue);
            var rs = s.executeQuery();
            while (rs.next()) {
                double pi = rs.getDouble(3);
                boolean drawnOnPurpose = rs.wasNull();
                rows.put(rs.getLong(1), rs.getString(2) + (drawnOnPurpose ? "" : " " + pi));
            }
        }
        return rows;
    }

    @Test
    void anUncertainQueueTakesTheTracesWhoseRepeatedSamplesDisagree() throws Exception {
        var w = world();
        script(w);
        // the cost before anything is called: 3 samples × 8 judged traces
        given().queryParam("samples", 3).get(uncertainty(w)).then().statusCode(200)
                .body("method", org.hamcrest.Matchers.equalTo("VOTES"))
                .body("traces", org.hamcrest.Matchers.equalTo(8))
                .body("calls", org.hamcrest.Matchers.equalTo(24));
        assertEquals(0, llm.countRequestsMatching(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(w.model()))).build()).getCount());
        // without measurements an uncertain queue has nothing to draw from
        createQueue(w, queue("too early", "uncertain", 4)).statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("no trace in the pool has an uncertainty measurement"))
                .body("detail", containsString("/judges/correct/uncertainty"));

        long job = given().contentType(ContentType.JSON).body(Map.of("samples", 3, "temperature", 0.8))
                .post(uncertainty(w)).then().statusCode(202)
                .body("cost.calls", org.hamcrest.Matchers.equalTo(24)).extract().jsonPath().getLong("job_id");
        var done = awaitJob(job);
        assertEquals(8, done.getInt("result.measured"));
        assertEquals(24, llm.countRequestsMatching(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(w.model())))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.8"))).build()).getCount(),
                "24 calls at the requested temperature, none served from the cache");
        var measured = measurements(w);
        var t = w.traces();
        assertEquals("VOTES 0.000 {\"no\": 3}", measured.get(t.get(0)));
        assertEquals("VOTES 0.918 {\"no\": 2, \"yes\": 1}", measured.get(t.get(1)));
        assertEquals("VOTES 0.918 {\"no\": 1, \"yes\": 2}", measured.get(t.get(5)));
        assertEquals("VOTES 0.000 {\"yes\": 3}", measured.get(t.get(6)));

        // 4 items, b = 0.25 (1 per side), no random stratum: the four 2–1 traces 2, 3, 6, 8
        var body = queue("least sure", "uncertain", 4);
        body.put("random_share", 0.0);
        long q = createQueue(w, body).statusCode(201)
                .body("source", org.hamcrest.Matchers.equalTo("uncertain"))
                .body("balanced", org.hamcrest.Matchers.equalTo(true))
                .body("strata.UNCERTAIN", org.hamcrest.Matchers.equalTo(4))
                .extract().jsonPath().getLong("id");
        assertEquals(Map.of(t.get(1), "UNCERTAIN", t.get(2), "UNCERTAIN", t.get(5), "UNCERTAIN", t.get(7),
                "UNCERTAIN"), items(q));

        // with the default random share (0.20 of 5 = 1 item) one item is a simple random sample: π = 1/8
        long mixed = createQueue(w, queue("least sure, mixed", "uncertain", 5)).statusCode(201)
                .body("random_share", org.hamcrest.Matchers.equalTo(0.2f))
                .body("strata.RANDOM", org.hamcrest.Matchers.equalTo(1))
                .body("strata.UNCERTAIN", org.hamcrest.Matchers.equalTo(4))
                .extract().jsonPath().getLong("id");
        assertEquals(1, items(mixed).values().stream().filter(v -> v.equals("RANDOM 0.125")).count());
        // the queue page reports the strata
        given().get("/queues/" + mixed).then().statusCode(200)
                .body(containsString("Strata (source: uncertain)"))
                .body(containsString("chosen on purpose"))
                .body(containsString("weighted by 1/π"));
    }

    @Test
    void theNegativeShareRuleAndThePinnedRubricHoldForEverySource() throws Exception {
        var w = world();
        script(w);
        awaitJob(given().contentType(ContentType.JSON).body(Map.of()).post(uncertainty(w)).then().statusCode(202)
                .extract().jsonPath().getLong("job_id"));
        // 6 items at b = 0.5 need 3 predicted negatives: the most uncertain are 2 negatives and 2 positives, so the
        // rule pulls in a sure negative that pure ranking would have left out
        var body = queue("rule", "uncertain", 6);
        body.put("balance", 0.5);
        body.put("random_share", 0.0);
        long q = createQueue(w, body).statusCode(201).body("balanced", org.hamcrest.Matchers.equalTo(true))
                .body("predicted_negative_share", org.hamcrest.Matchers.equalTo(0.5f)).extract().jsonPath()
                .getLong("id");
        assertEquals(6, items(q).size());
        // too big for the rule: the balanced sampler's shortfall, with its numbers, for every source
        for (String source : List.of("balanced", "uncertain", "stratified_random")) {
            var tooBig = queue("too big " + source, source, 8);
            tooBig.put("balance", 0.5);
            tooBig.put("size", 10);
            createQueue(w, tooBig).statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("pool has 4 predicted negatives; a balanced queue of 10 needs 5"))
                    .body("shortfall.need_per_side", org.hamcrest.Matchers.equalTo(5));
        }
        // every source pins the rubric version current at creation
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Correct", "definition", "Right, and complete.", "negative", false),
                        Map.of("value", "no", "label", "Wrong", "definition", "Wrong answer.", "negative", true)),
                        "rationale_required", false))
                .put("/api/v1/experiments/" + w.experiment() + "/rubrics/correct").then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        for (String source : List.of("balanced", "uncertain", "stratified_random")) {
            createQueue(w, queue("pinned " + source, source, 4)).statusCode(201)
                    .body("rubric_version", org.hamcrest.Matchers.equalTo(2));
        }
    }

    @Test
    void disagreementAndStratifiedQueues() throws Exception {
        var w = world();
        var t = w.traces();
        // humans: trace 1 "yes" (judge said no), trace 6 "no" (judge said yes), trace 5 "yes" (agrees)
        fixtures.label(w, t.get(0), "yes");
        fixtures.label(w, t.get(5), "no");
        fixtures.label(w, t.get(4), "yes");
        var body = queue("disagree", "judge_human_disagree", 2);
        body.put("random_share", 0.0);
        long q = createQueue(w, body).statusCode(201).body("strata.DISAGREE", org.hamcrest.Matchers.equalTo(2))
                .extract().jsonPath().getLong("id");
        assertEquals(Map.of(t.get(0), "DISAGREE", t.get(5), "DISAGREE"), items(q));

        long s = createQueue(w, queue("stratified", "stratified_random", 4)).statusCode(201)
                .body("strata.'VERDICT:no'", org.hamcrest.Matchers.equalTo(2))
                .body("strata.'VERDICT:yes'", org.hamcrest.Matchers.equalTo(2))
                .extract().jsonPath().getLong("id");
        items(s).values().forEach(v -> assertTrue(v.endsWith(" 0.5"), v)); // 2 of 4 per verdict value

        long balanced = createQueue(w, queue("plain", null, 4)).statusCode(201)
                .body("source", org.hamcrest.Matchers.equalTo("balanced"))
                .body("strata.BALANCED", org.hamcrest.Matchers.equalTo(4)).extract().jsonPath().getLong("id");
        items(balanced).values().forEach(v -> assertEquals("BALANCED", v));
    }

    @Test
    void badSourceSamplesSizeOrShareAreProblemsNamingTheField() throws Exception {
        var w = world();
        createQueue(w, queue("x", "most_interesting", 4)).statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("source"))
                .body("detail", containsString("balanced, uncertain, judge_human_disagree, stratified_random"));
        var share = queue("x", "uncertain", 4);
        share.put("random_share", 0.7);
        createQueue(w, share).statusCode(422).body("errors[0].field", org.hamcrest.Matchers.equalTo("random_share"));
        var shareOnRandom = queue("x", "stratified_random", 4);
        shareOnRandom.put("random_share", 0.2);
        createQueue(w, shareOnRandom).statusCode(422)
                .body("detail", containsString("applies only to the sources uncertain and judge_human_disagree"));
        createQueue(w, queue("x", "uncertain", 0)).statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("size"));
        given().contentType(ContentType.JSON).body(Map.of("samples", 1)).post(uncertainty(w)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("samples"))
                .body("detail", containsString("one sample cannot disagree with itself"));
        given().contentType(ContentType.JSON).body(Map.of("temperature", 0)).post(uncertainty(w)).then()
                .statusCode(422).body("errors[0].field", org.hamcrest.Matchers.equalTo("temperature"));
        given().contentType(ContentType.JSON).body(Map.of("candidates", 0)).post(uncertainty(w)).then()
                .statusCode(422).body("errors[0].field", org.hamcrest.Matchers.equalTo("candidates"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/experiments/" + w.experiment()
                + "/judges/nobody/uncertainty").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("tag", "env=none")).post(uncertainty(w)).then()
                .statusCode(409).body("detail", containsString("has no current verdict"));
    }

    @Test
    void theEmbeddedJudgesVoteMarginIsItsUncertainty() throws Exception {
        var w = fixtures.world("openai-compatible", 4);
        judges.create(w.experiment(), "correct", "Is {{ outputs }} a correct answer to {{ inputs }}?",
                "embedded:/minilm-knn", Map.of(), "admin", false);
        verdicts(w, "judge:correct@v2");
        given().get(uncertainty(w)).then().statusCode(200)
                .body("method", org.hamcrest.Matchers.equalTo("MARGIN"))
                .body("samples", org.hamcrest.Matchers.equalTo(1))
                .body("calls", org.hamcrest.Matchers.equalTo(4));
        long job = given().contentType(ContentType.JSON).body(Map.of()).post(uncertainty(w)).then().statusCode(202)
                .extract().jsonPath().getLong("job_id");
        assertEquals(4, awaitJob(job).getInt("result.measured"));
        var measured = measurements(w);
        assertEquals(4, measured.size());
        measured.values().forEach(v -> assertTrue(v.startsWith("MARGIN "), v));
        String temperature;
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT max(temperature)::text FROM trace_uncertainty WHERE trace_id = ANY (?)""")) {
            s.setArray(1, c.createArrayOf("bigint", w.traces().toArray()));
            var rs = s.executeQuery();
            rs.next();
            temperature = rs.getString(1);
        }
        assertNull(temperature, "the embedded judge is deterministic: no temperature");
        var margin = queue("margin", "uncertain", 2);
        margin.put("balance", 0.0); // the judge said "no" to all four
        createQueue(w, margin).statusCode(201)
                .body("strata.UNCERTAIN", org.hamcrest.Matchers.equalTo(2));
    }

    @Test
    @TestSecurity(user = "admin", roles = {"admin", "reviewer"})
    void theQueueReportsEachStratumAndWeightsTheEstimateByOneOverPi() throws Exception {
        var w = world(); // 4 "no", 4 "yes"
        var body = queue("weighted", "stratified_random", 3);
        // ⌈0.25·3⌉ = 1 per side; proportional round(1.5) = 2 negatives (π 2/4), 1 positive (π 1/4)
        long q = createQueue(w, body).statusCode(201).extract().jsonPath().getLong("id");
        for (int i = 0; i < 3; i++) { // the reviewer says "yes" to everything
            var item = given().contentType(ContentType.JSON).post("/api/v1/queues/" + q + "/next").then().statusCode(200).extract().jsonPath();
            given().contentType(ContentType.JSON).body(Map.of("token", item.getString("token"), "value", "yes",
                            "rationale", "fine"))
                    .post("/api/v1/leases/" + item.getLong("lease_id") + "/submit").then().statusCode(201);
        }
        var report = given().get("/api/v1/queues/" + q).then().statusCode(200)
                .body("source", org.hamcrest.Matchers.equalTo("stratified_random"))
                .body("strata.strata.name", org.hamcrest.Matchers.contains("VERDICT:no", "VERDICT:yes"))
                .body("strata.strata.inclusion_probability", org.hamcrest.Matchers.contains(0.5f, 0.25f))
                .body("strata.strata.judge_agrees", org.hamcrest.Matchers.contains(0, 1))
                .extract().jsonPath();
        // unweighted the judge agrees on 1 of 3; weighted, the positive (w = 4) counts as much as both negatives
        // (w = 2 each): 4 / 8
        assertEquals(0.5, report.getDouble("strata.weighted_agreement"), 1e-9);
        assertEquals(3, report.getInt("strata.weighted_items"));
        // every exported label carries its item's stratum and π
        String jsonl = given().get("/api/v1/queues/" + q + "/labels.jsonl").then().statusCode(200).extract().asString();
        assertTrue(jsonl.contains("\"stratum\":\"VERDICT:yes\",\"inclusion_probability\":0.25"), jsonl);
        assertEquals(2, jsonl.split("\"inclusion_probability\":0.5", -1).length - 1, jsonl);
        String csv = given().get("/api/v1/queues/" + q + "/labels.csv").then().statusCode(200).extract().asString();
        assertTrue(csv.lines().skip(1).anyMatch(l -> l.endsWith(",VERDICT:yes,0.25")), csv);
    }
}
