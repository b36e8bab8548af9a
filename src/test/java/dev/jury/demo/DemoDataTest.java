package dev.jury.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo experiment from the real licensed data sets (the copies bundled on the classpath), loaded once and idempotently. */
@QuarkusTest
class DemoDataTest {

    static final String IN_DEMO = " FROM trace t JOIN experiment e ON e.id = t.experiment_id WHERE e.name = 'demo'";
    static final List<String> PREFERENCE_ORDER = List.of("response1", "tie", "response2");

    @Inject
    DemoData demo;

    @Inject
    EntityManager em;

    long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }

    String text(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(sql).getSingleResult());
    }

    void ensureLoaded() {
        if (!QuarkusTransaction.requiringNew().call(demo::loaded)) {
            demo.load(DemoFiles.bundled());
        }
    }

    @Test
    void loadsHaluEvalTruthfulQaLabelsAndAQueueOnce() {
        ensureLoaded();
        demo.enabled = true;
        demo.onStart(null); // a second start changes nothing
        demo.enabled = false;

        String inDemo = IN_DEMO;
        assertEquals(300, count("SELECT count(*)" + inDemo + " AND t.tags->>'dataset' = 'halueval'"));
        assertEquals(200, count("SELECT count(*)" + inDemo + " AND t.tags->>'dataset' = 'truthfulqa'"));
        long hallucinated = count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id"
                + " JOIN experiment e ON e.id = t.experiment_id WHERE e.name = 'demo' AND a.name = 'hallucination'"
                + " AND a.value = 'yes'");
        // HaluEval general: 18.1% hallucinated overall; an evenly spaced sample of 300 stays close to it.
        assertTrue(hallucinated > 300 * 0.12 && hallucinated < 300 * 0.25, "hallucinated " + hallucinated);
        assertEquals(100, count("SELECT count(*) FROM assessment WHERE name = 'correctness' AND value = 'no'"
                + " AND source_id = 'truthfulqa_reference'"));
        assertEquals(60, count("SELECT count(*) FROM queue_item i JOIN review_queue q ON q.id = i.queue_id"
                + " WHERE q.name = 'hallucination first pass'"));
        assertEquals(0, count("SELECT count(*) FROM queue_item i JOIN review_queue q ON q.id = i.queue_id"
                + " JOIN trace t ON t.id = i.trace_id WHERE q.name = 'hallucination first pass'"
                + " AND t.tags->>'dataset' <> 'halueval'"), "the hallucination queue holds HaluEval traces only");
        assertEquals(3, count("SELECT count(*) FROM queue_member m JOIN review_queue q ON q.id = m.queue_id"
                + " WHERE q.name = 'hallucination first pass' AND m.username IN ('alice', 'bob', 'carol')"));
        assertEquals(1, count("SELECT count(*) FROM review_queue WHERE name = 'hallucination first pass'"
                + " AND balance = 'UNBALANCED_UNKNOWN'"), "no judge verdicts are invented");
        // hallucination, correctness and (since the PandaLM set) preference
        assertEquals(3, count("SELECT count(*) FROM judge j JOIN experiment e ON e.id = j.experiment_id"
                + " WHERE e.name = 'demo'"));
    }

    @Test
    void theBundledHaluEvalSubsetKeepsTheOriginalLineNumbersAsKeys() {
        ensureLoaded();
        // Bundled line i is upstream line 15·(i − 1) + 1: the keys are upstream line numbers 1, 16, …, 4486.
        assertEquals(300, count("SELECT count(*)" + IN_DEMO + " AND t.client_request_id ~ '^halueval-[0-9]+$'"
                + " AND (substring(t.client_request_id from 10)::int - 1) % 15 = 0"
                + " AND substring(t.client_request_id from 10)::int <= 4486"
                + " AND t.tags->>'line' = substring(t.client_request_id from 10)"));
        // Upstream line 1 (ID "1") is labelled "no".
        assertEquals("no", text("SELECT a.value FROM assessment a JOIN trace t ON t.id = a.trace_id"
                + " WHERE t.client_request_id = 'halueval-1' AND a.source_id = 'halueval_annotators'"));
    }

    @Test
    @TestSecurity(user = "admin", roles = {"admin", "reviewer"})
    void pandaLmIsAThreeAnnotatorSetWhoseReportShowsAlphaAndLinksDisagreementsToAdjudication() throws Exception {
        ensureLoaded();
        JsonNode items = new ObjectMapper().readTree(DemoFiles.bundled().read(DemoFiles.PANDALM));
        List<JsonNode> picked = new ArrayList<>();
        for (int i = 0; i < items.size() && picked.size() < 150; i += items.size() / 150) {
            picked.add(items.get(i));
        }
        assertEquals(894, picked.get(149).get("idx").asInt(), "150 evenly spaced items: idx 0, 6, …, 894");

        assertEquals(150, count("SELECT count(*)" + IN_DEMO + " AND t.tags->>'dataset' = 'pandalm'"));
        for (int a = 1; a <= 3; a++) {
            assertEquals(150, count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id"
                    + " JOIN experiment e ON e.id = t.experiment_id WHERE e.name = 'demo' AND a.name = 'preference'"
                    + " AND a.source_type = 'HUMAN' AND a.superseded_by IS NULL AND a.source_id = 'pandalm_annotator"
                    + a + "'"));
        }
        // The README's quirk: item 162's response2 is the JSON boolean true, stored as the text "True".
        assertEquals("True", text("SELECT t.outputs->>'response2'" + IN_DEMO + " AND t.client_request_id = 'pandalm-162'"));
        assertEquals("tie", DemoData.preference(0));
        assertEquals("response1", DemoData.preference(1));
        assertEquals("response2", DemoData.preference(2));

        int[][] units = new int[picked.size()][3];
        for (int u = 0; u < picked.size(); u++) {
            for (int a = 0; a < 3; a++) {
                units[u][a] = PREFERENCE_ORDER.indexOf(DemoData.preference(picked.get(u).get("annotator" + (a + 1)).asInt()));
            }
        }
        JsonPath report = report("name=preference&bootstrap=0");
        assertEquals(3, report.getInt("raters"));
        assertEquals(150, report.getInt("units"));
        assertEquals(450, report.getInt("ratings"));
        assertEquals("krippendorff_alpha", report.getString("headline.statistic"));
        assertEquals(nominalAlpha(units), report.getDouble("krippendorff_alpha.nominal.value"), 1e-9);
        assertTrue(report.getDouble("krippendorff_alpha.nominal.value") > 0.8);
        assertEquals(3, report.getList("cohen_kappa_pairs").size());
        // PandaLM kept only items with a majority: no trace lacks a consensus, and no judge has run yet.
        assertEquals(0, report.getInt("disagreements_total"));

        // Once the preference judge has run, its differences from the majority are listed and link to adjudication.
        // A stand-in for one run's verdict (the demo itself invents none): response1 where all three said response2.
        int unanimous = -1;
        for (int u = 0; u < units.length && unanimous < 0; u++) {
            unanimous = units[u][0] == 2 && units[u][1] == 2 && units[u][2] == 2 ? u : -1;
        }
        String requestId = "pandalm-" + picked.get(unanimous).get("idx").asInt();
        long trace = count("SELECT t.id" + IN_DEMO + " AND t.client_request_id = '" + requestId + "'");
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT INTO assessment (trace_id, name, value,"
                + " rationale, source_type, source_id) VALUES (?1, 'preference', 'response1', 'stand-in verdict',"
                + " 'LLM_JUDGE', 'judge:preference@v1')").setParameter(1, trace).executeUpdate());
        JsonPath withJudge = report("name=preference&bootstrap=0");
        assertEquals(1, withJudge.getInt("disagreements_total"));
        assertEquals(trace, withJudge.getLong("disagreements[0].trace_id"));
        assertEquals("judge_differs", withJudge.getString("disagreements[0].reason"));
        assertEquals("response2", withJudge.getString("disagreements[0].consensus"));
        String adjudicate = "/experiments/demo/traces/" + trace + "/adjudicate?name=preference";
        given().get("/experiments/demo/agreement?name=preference").then().statusCode(200)
                .body(containsString("Krippendorff")).body(containsString(adjudicate));

        Response page = given().get(adjudicate);
        page.then().statusCode(200).body(containsString("pandalm_annotator1"))
                .body(containsString("pandalm_annotator3")).body(containsString("stand-in verdict"));
        String csrf = page.asString().replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", csrf)
                .formParam("value", "response2").formParam("rationale", "all three annotators")
                .post(adjudicate).then().statusCode(303).header("Location", containsString("/traces/" + trace));
        assertEquals("response2", text("SELECT value FROM assessment WHERE trace_id = " + trace
                + " AND source_id = 'adjudication:admin' AND superseded_by IS NULL"));
        // The adjudication is no rater: α is unchanged.
        assertEquals(nominalAlpha(units), report("name=preference&bootstrap=0")
                .getDouble("krippendorff_alpha.nominal.value"), 1e-9);
    }

    static JsonPath report(String query) {
        String body = given().get("/api/v1/experiments/demo/agreement?" + query).then().statusCode(200)
                .extract().asString();
        return JsonPath.from(body).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /**
     * Krippendorff's α, nominal, from the coincidence matrix, independent of the production classes:
     * o[c][k] = Σ_units Σ_{i≠j} 1[v_i = c, v_j = k] / (m − 1); α = 1 − (n − 1) Σ_{c≠k} o[c][k] / Σ_{c≠k} n_c n_k.
     */
    static double nominalAlpha(int[][] units) {
        double[][] o = new double[3][3];
        for (int[] unit : units) {
            for (int i = 0; i < unit.length; i++) {
                for (int j = 0; j < unit.length; j++) {
                    if (i != j) {
                        o[unit[i]][unit[j]] += 1.0 / (unit.length - 1);
                    }
                }
            }
        }
        double[] nc = new double[3];
        double n = 0;
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 3; k++) {
                nc[c] += o[c][k];
            }
            n += nc[c];
        }
        double observed = 0;
        double expected = 0;
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 3; k++) {
                if (c != k) {
                    observed += o[c][k];
                    expected += nc[c] * nc[k];
                }
            }
        }
        return 1 - (n - 1) * observed / expected;
    }
}
