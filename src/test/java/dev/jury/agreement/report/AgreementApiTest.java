package dev.jury.agreement.report;

import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.KrippendorffAlpha;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.Scale;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.jury.agreement.report.AgreementFixtures.LEVELS;
import static dev.jury.agreement.report.AgreementFixtures.categorical;
import static dev.jury.agreement.report.AgreementFixtures.label;
import static dev.jury.agreement.report.AgreementFixtures.log;
import static dev.jury.agreement.report.AgreementFixtures.logMatrix;
import static dev.jury.agreement.report.AgreementFixtures.rubric;
import static dev.jury.agreement.report.AgreementFixtures.sql;
import static dev.jury.agreement.report.AgreementFixtures.traces;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AgreementApiTest {

    /** Three sources on ten traces, levels good(0) ok(1) bad(2); every trace has a strict majority. */
    static final int[] E0 = {0, 0, 1, 2, 2, 0, 1, 1, 0, 2};
    static final int[] E1 = {0, 0, 1, 2, 1, 0, 1, 2, 0, 2};
    static final int[] E2 = {0, 1, 1, 2, 2, 0, 2, 1, 1, 2};
    static final double EXACT = 1e-12;

    /** Numbers read as doubles: RestAssured's default (float) would lose the digits the comparisons need. */
    static JsonPath report(String exp, String query) {
        String body = given().get("/api/v1/experiments/" + exp + "/agreement?" + query).then().statusCode(200)
                .contentType(containsString("application/json")).extract().asString();
        return JsonPath.from(body).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** The same ratings, straight into the pure statistics: what the DB → table path must reproduce. */
    static AgreementReport direct(List<Long> traces, int[]... bySource) {
        RatingTable.Builder builder = RatingTable.builder(3);
        for (int s = 0; s < bySource.length; s++) {
            for (int t = 0; t < bySource[s].length; t++) {
                builder.add(traces.get(t), "e" + s, bySource[s][t]);
            }
        }
        return AgreementReport.of(builder.build(), Scale.ordinal(3).withNegative(2)).bootstrap(Bootstrap.none())
                .compute();
    }

    static double value(JsonPath json, String path) {
        return json.getDouble(path + ".value");
    }

    @Test
    void threeImportedSourcesGiveTheStatisticsOfTheSameTableComputedDirectly() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);

        JsonPath json = report(exp, "name=quality&bootstrap=0");
        AgreementReport expected = direct(traces, E0, E1, E2);
        assertEquals(10, json.getInt("units"));
        assertEquals(10, json.getInt("pairable_units"));
        assertEquals(3, json.getInt("raters"));
        assertEquals(30, json.getInt("ratings"));
        assertEquals(1, json.getInt("rubric_version"));
        assertEquals(expected.alpha(KrippendorffAlpha.Level.NOMINAL).value(),
                value(json, "krippendorff_alpha.nominal"), EXACT);
        assertEquals(expected.alpha(KrippendorffAlpha.Level.ORDINAL).value(),
                value(json, "krippendorff_alpha.ordinal"), EXACT);
        assertEquals(expected.alpha(KrippendorffAlpha.Level.INTERVAL).value(),
                value(json, "krippendorff_alpha.interval"), EXACT);
        assertEquals(expected.fleissKappa().value(), value(json, "fleiss_kappa"), EXACT);
        assertEquals(expected.percentAgreement().value(), value(json, "percent_agreement"), EXACT);
        assertEquals(expected.gwetAc1().value(), value(json, "gwet_ac1"), EXACT);
        // The ordered rubric leads with ordinal α; without resamples there is no interval.
        assertEquals("ordinal", json.getString("headline.level"));
        assertEquals(expected.headlineAlpha().value(), json.getDouble("headline.value"), EXACT);
        assertNull(json.get("headline.ci"));
        assertEquals("quadratic", json.getString("kappa_weighting"));
        assertEquals(3, json.getList("cohen_kappa_pairs").size());
        for (AgreementReport.RaterPair pair : expected.pairs()) {
            String path = "cohen_kappa_pairs.find { it.source_a == '" + pair.raterA() + "' && it.source_b == '"
                    + pair.raterB() + "' }";
            assertEquals(pair.kappa().value(), json.getDouble(path + ".kappa.value"), EXACT, path);
            assertEquals(10, json.getInt(path + ".n"));
            assertEquals(pair.raterA(), json.getString(path + ".rater_a"), "imported sources show as their id");
        }
        for (AgreementReport.ReviewerSummary r : expected.reviewers()) {
            String path = "reviewers.find { it.source_id == '" + r.reviewer() + "' }";
            assertEquals(10, json.getInt(path + ".items"));
            assertEquals(r.vsOthers().accuracy().value(), json.getDouble(path + ".accuracy_vs_consensus.value"), EXACT);
            assertEquals(r.negativeShare(), json.getDouble(path + ".negative_share"), EXACT);
            assertNull(json.get(path + ".median_seconds"), "imported labels carry no time");
        }
        assertEquals(0, json.getInt("skipped_values.count"));
        assertEquals(0, json.getInt("disagreements_total"));
    }

    @Test
    void defaultIntervalsAreSeededBootstrapsThatContainTheValueAndTheHeadlineCitesItsBands() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);

        JsonPath json = report(exp, "name=quality");
        assertEquals(1000, json.getInt("bootstrap.resamples"), "1,000 resamples up to 50,000 traces");
        List<Double> ci = json.getList("krippendorff_alpha.ordinal.ci");
        double alpha = value(json, "krippendorff_alpha.ordinal");
        assertEquals(2, ci.size());
        assertTrue(ci.get(0) <= alpha && alpha <= ci.get(1), ci + " around " + alpha);
        assertEquals(json.getList("headline.ci"), json.getList("krippendorff_alpha.ordinal.ci"));
        assertTrue(List.of("reliable", "tentative conclusions only", "not reliable")
                .contains(json.getString("headline.band")));
        assertTrue(json.getString("headline.source").contains("Krippendorff, K. (2004)"));
        // Seeded: the same labels give the same interval.
        assertEquals(ci, report(exp, "name=quality").getList("krippendorff_alpha.ordinal.ci"));
    }

    /**
     * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers × 12 units on a
     * 1–5 scale with missing data; published α nominal .743, ordinal .815, interval .849. Loaded as labels of a
     * numeric rubric through the feedback API, so this checks the whole DB → table path against the source.
     */
    @Test
    void publishedKrippendorff2011ExampleLoadedAsLabelsGivesThePublishedAlphas() {
        int x = -1;
        int[][] observers = {
            {1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x},
            {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3},
            {x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x},
            {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x},
        };
        String exp = AgreementFixtures.experiment();
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int v = 1; v <= 5; v++) {
            levels.add(dev.jury.judges.ApiFixtures.level(v, "Score " + v, "Scale point " + v + ".", v < 3));
        }
        rubric(exp, "score", Map.of("kind", "numeric", "levels", levels, "pass_threshold", 3,
                "rationale_required", false));
        List<Long> traces = traces(exp, 12);
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int o = 0; o < observers.length; o++) {
            for (int u = 0; u < 12; u++) {
                if (observers[o][u] != x) {
                    labels.add(label(traces.get(u), "score", String.valueOf(observers[o][u]), "observer" + (o + 1)));
                }
            }
        }
        log(exp, labels);

        JsonPath json = report(exp, "name=score&bootstrap=0");
        assertEquals(0.743, value(json, "krippendorff_alpha.nominal"), 1e-3);
        assertEquals(0.815, value(json, "krippendorff_alpha.ordinal"), 1e-3);
        assertEquals(0.849, value(json, "krippendorff_alpha.interval"), 1e-3);
        assertEquals(12, json.getInt("units"));
        assertEquals(11, json.getInt("pairable_units"), "unit 12 has a single rating");
        assertEquals(4, json.getInt("raters"));
        // Units have 2 to 4 ratings: Fleiss' κ needs the same number everywhere.
        assertEquals("not_applicable", json.getString("fleiss_kappa.status"));
        assertTrue(json.getString("fleiss_kappa.reason").length() > 10);
        assertNull(json.get("fleiss_kappa.value"));
    }

    @Test
    void aSupersededLabelNoLongerCountsItsReplacementDoes() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        double before = value(report(exp, "name=quality&bootstrap=0"), "krippendorff_alpha.nominal");

        // e2 changes its mind on trace 0: good → bad. The old label stays in the history, superseded.
        log(exp, List.of(label(traces.get(0), "quality", "bad", "e2")));
        assertEquals(1, AgreementFixtures.sqlLong("SELECT count(*) FROM assessment WHERE trace_id = ?1 "
                + "AND source_id = 'e2' AND superseded_by IS NOT NULL", traces.get(0)));
        int[] edited = E2.clone();
        edited[0] = 2;
        JsonPath after = report(exp, "name=quality&bootstrap=0");
        double expected = direct(traces, E0, E1, edited).alpha(KrippendorffAlpha.Level.NOMINAL).value();
        assertEquals(expected, value(after, "krippendorff_alpha.nominal"), EXACT);
        assertNotEquals(before, expected, 1e-6);
        assertEquals(30, after.getInt("ratings"), "a replaced label is not a second rating");
    }

    @Test
    void namesMatchAfterTrimAndCaseFoldAndOfTwoSpellingsTheNewerLabelWins() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        // Imported with traces, in the spelling of the source system and without a rubric version: e0 says "bad"
        // on trace 0, and a fourth source labels trace 1. The first row is stored before e0's "good" below but
        // carries the higher id (the newer label), so reading in storage order would let the wrong one win.
        sql("INSERT INTO assessment (id, trace_id, name, value, source_type, source_id, valid) OVERRIDING SYSTEM VALUE "
                + "VALUES (?1, ?2, ' Quality', 'Bad', 'HUMAN', 'e0', TRUE)",
                8_000_000_000_000_000L + traces.get(0), traces.get(0));
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, 'QUALITY', 'ok', 'HUMAN', 'e3', TRUE)", traces.get(1));
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);

        JsonPath json = report(exp, "name=quality&bootstrap=0");
        int[] e0 = E0.clone();
        e0[0] = 2;
        int[] e3 = {-1, 1, -1, -1, -1, -1, -1, -1, -1, -1};
        RatingTable.Builder builder = RatingTable.builder(3);
        int[][] sources = {e0, E1, E2, e3};
        for (int s = 0; s < sources.length; s++) {
            for (int t = 0; t < 10; t++) {
                builder.add(traces.get(t), "e" + s, sources[s][t]);
            }
        }
        AgreementReport expected = AgreementReport.of(builder.build(), Scale.ordinal(3).withNegative(2))
                .bootstrap(Bootstrap.none()).compute();
        assertEquals(4, json.getInt("raters"));
        assertEquals(31, json.getInt("ratings"), "e0's two current labels on trace 0 count once");
        assertEquals(expected.alpha(KrippendorffAlpha.Level.ORDINAL).value(),
                value(json, "krippendorff_alpha.ordinal"), EXACT);
        assertEquals(expected.percentAgreement().value(), value(json, "percent_agreement"), EXACT);
    }

    @Test
    void invalidRowsFailedJudgeCallsAndForeignValuesAreLeftOutAndTheLastIsCounted() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 11);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        long rubricVersionId = AgreementFixtures.sqlLong("SELECT rubric_version_id FROM assessment WHERE trace_id = ?1 "
                + "LIMIT 1", traces.get(0));
        // An invalid human label from a fourth source, and a failed judge call: neither is a rating.
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, rubric_version_id, valid) "
                + "VALUES (?1, 'quality', 'good', 'HUMAN', 'e3', ?2, FALSE)", traces.get(0), rubricVersionId);
        AgreementFixtures.failedVerdict(traces.get(0), "quality", 1, "timeout after 30 s");
        // A value the rubric version does not have (written before a rename, say): skipped and counted.
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, rubric_version_id, valid) "
                + "VALUES (?1, 'quality', 'excellent!', 'HUMAN', 'e0', ?2, TRUE)", traces.get(10), rubricVersionId);

        JsonPath json = report(exp, "name=quality&bootstrap=0");
        assertEquals(3, json.getInt("raters"));
        assertEquals(10, json.getInt("units"));
        assertEquals(0, json.getList("judge_vs_consensus").size(), "a failed call is no verdict");
        assertEquals(1, json.getInt("skipped_values.count"));
        assertEquals(1, json.getInt("skipped_values.human"));
        assertEquals("excellent!", json.getString("skipped_values.values[0].value"));
        assertEquals(direct(traces, E0, E1, E2).alpha(KrippendorffAlpha.Level.ORDINAL).value(),
                value(json, "krippendorff_alpha.ordinal"), EXACT);
    }

    @Test
    void everyJudgeVersionIsComparedWithTheConsensusSideBySide() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 12);
        // Consensus of E0..E2: good good ok bad bad good ok ok good bad. Trace 10 splits good/bad: no consensus.
        int[] e0 = concat(E0, 0);
        int[] e1 = concat(E1, 2);
        logMatrix(exp, "quality", traces, LEVELS, e0, e1, E2);
        String[] v1 = {"good", "ok", "ok", "bad", "ok", "good", "bad", "ok", "bad", "bad", "good"};
        String[] v2 = {"good", "good", "ok", "bad", "bad", "good", "ok", "ok", "good", "ok", "bad", "good"};
        for (int t = 0; t < v1.length; t++) {
            AgreementFixtures.verdict(traces.get(t), "quality", 1, v1[t]);
        }
        for (int t = 0; t < v2.length; t++) {
            AgreementFixtures.verdict(traces.get(t), "quality", 2, v2[t]);
        }
        AgreementFixtures.failedVerdict(traces.get(11), "quality", 1, "rate limited");

        JsonPath json = report(exp, "name=quality&bootstrap=0");
        assertEquals(List.of(1, 2), json.getList("judge_vs_consensus.version"));
        assertEquals("judge:quality@v1", json.getString("judge_vs_consensus[0].judge"));
        assertFalse(json.getBoolean("judge_vs_consensus[0].latest"));
        assertTrue(json.getBoolean("judge_vs_consensus[1].latest"));
        // v1 agrees with the consensus on 6 of the 10 traces that have one.
        assertEquals(10, json.getInt("judge_vs_consensus[0].n"));
        assertEquals(11, json.getInt("judge_vs_consensus[0].verdicts"));
        assertEquals(0.6, value(json, "judge_vs_consensus[0].accuracy"), EXACT);
        assertEquals(List.of("good", "ok", "bad"), json.getList("judge_vs_consensus[0].confusion.labels"));
        assertEquals(List.of(List.of(2, 1, 1), List.of(0, 2, 1), List.of(0, 1, 2)),
                json.getList("judge_vs_consensus[0].confusion.matrix"));
        // Of v1's 4 "bad" verdicts 2 are bad by consensus; of the 3 consensus-bad traces it caught 2.
        assertEquals(0.5, value(json, "judge_vs_consensus[0].negative_precision"), EXACT);
        assertEquals(2.0 / 3, value(json, "judge_vs_consensus[0].negative_recall"), EXACT);
        // v2 (12 verdicts, one on a trace nobody labelled) misses only trace 9.
        assertEquals(12, json.getInt("judge_vs_consensus[1].verdicts"));
        assertEquals(0.9, value(json, "judge_vs_consensus[1].accuracy"), EXACT);
        assertEquals(List.of(List.of(4, 0, 0), List.of(0, 3, 0), List.of(0, 1, 2)),
                json.getList("judge_vs_consensus[1].confusion.matrix"));
        assertEquals(1.0, value(json, "judge_vs_consensus[1].negative_precision"), EXACT);
        assertEquals(2.0 / 3, value(json, "judge_vs_consensus[1].negative_recall"), EXACT);
        assertTrue(json.getDouble("judge_vs_consensus[1].kappa.value")
                > json.getDouble("judge_vs_consensus[0].kappa.value"));

        // Disagreements: trace 9 (latest judge says ok, consensus bad) and trace 10 (no consensus).
        assertEquals(2, json.getInt("disagreements_total"));
        assertEquals(traces.get(9), json.getLong("disagreements[0].trace_id"));
        assertEquals("judge_differs", json.getString("disagreements[0].reason"));
        assertEquals("ok", json.getString("disagreements[0].judge"));
        assertEquals("bad", json.getString("disagreements[0].consensus"));
        assertEquals(Map.of("bad", 3), json.getMap("disagreements[0].labels"));
        assertEquals(traces.get(10), json.getLong("disagreements[1].trace_id"));
        assertEquals("no_consensus", json.getString("disagreements[1].reason"));
        assertEquals(Map.of("good", 1, "bad", 1), json.getMap("disagreements[1].labels"));
        assertNull(json.get("disagreements[1].consensus"));
        // An adjudication settles trace 10: it becomes the consensus and leaves the list, and is no rater.
        log(exp, List.of(label(traces.get(10), "quality", "bad", "adjudication:admin")));
        JsonPath settled = report(exp, "name=quality&bootstrap=0&sort=newest");
        assertEquals(1, settled.getInt("disagreements_total"));
        assertEquals(3, settled.getInt("raters"));
        assertEquals(11, settled.getInt("judge_vs_consensus[1].n"));
    }

    @Test
    void disagreementsComeInTheRequestedOrder() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 4);
        // Traces 0–2 have no consensus (2, 3 and 2 labels); trace 3 has one.
        logMatrix(exp, "quality", traces, LEVELS, new int[] {0, 0, 0, 1}, new int[] {2, 2, 2, 1},
                new int[] {-1, 1, -1, 1});
        List<Long> oldest = List.of(traces.get(0), traces.get(1), traces.get(2));
        assertEquals(oldest, longs(report(exp, "name=quality&bootstrap=0").getList("disagreements.trace_id")));
        assertEquals(List.of(traces.get(2), traces.get(1), traces.get(0)),
                longs(report(exp, "name=quality&bootstrap=0&sort=newest").getList("disagreements.trace_id")));
        JsonPath byLabels = report(exp, "name=quality&bootstrap=0&sort=labels");
        assertEquals(List.of(traces.get(1), traces.get(0), traces.get(2)),
                longs(byLabels.getList("disagreements.trace_id")));
        assertEquals(List.of(3, 2, 2), byLabels.getList("disagreements.ratings"));
        assertEquals(3, byLabels.getInt("disagreements_total"));
    }

    static List<Long> longs(List<Object> numbers) {
        return numbers.stream().map(n -> ((Number) n).longValue()).toList();
    }

    @Test
    void labelsUnderSeveralRubricVersionsAreReportedPerVersionNewestFirst() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 15);
        logMatrix(exp, "quality", traces.subList(0, 10), LEVELS, E0, E1, E2);
        List<String> four = List.of("excellent", "good", "ok", "bad");
        rubric(exp, "quality", categorical(four, "bad"));
        logMatrix(exp, "quality", traces.subList(10, 15), four, new int[] {0, 1, 2, 3, 0},
                new int[] {0, 1, 3, 3, 1});

        JsonPath newest = report(exp, "name=quality&bootstrap=0");
        assertEquals(2, newest.getInt("rubric_version"));
        assertEquals(5, newest.getInt("units"));
        assertEquals(2, newest.getInt("raters"));
        assertEquals(List.of("excellent", "good", "ok", "bad"), newest.getList("rubric.levels.value"));
        assertEquals(List.of(2, 1), newest.getList("rubric_versions.version"));
        assertEquals(List.of(10, 30), newest.getList("rubric_versions.labels"));
        assertEquals(List.of(true, false), newest.getList("rubric_versions.selected"));

        JsonPath first = report(exp, "name=quality&rubric_version=1&bootstrap=0");
        assertEquals(1, first.getInt("rubric_version"));
        assertEquals(10, first.getInt("units"));
        assertEquals(direct(traces, E0, E1, E2).alpha(KrippendorffAlpha.Level.ORDINAL).value(),
                value(first, "krippendorff_alpha.ordinal"), EXACT);

        given().get("/api/v1/experiments/" + exp + "/agreement?name=quality&rubric_version=7").then()
                .statusCode(404).contentType(containsString("application/problem+json"))
                .body("detail", containsString("no version 7"));
    }

    @Test
    void aQueueRestrictsToItsLabelsNamesReviewersAndTimesThem() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 4);
        long experimentId = AgreementFixtures.sqlLong("SELECT id FROM experiment WHERE name = ?1", exp);
        long version = AgreementFixtures.sqlLong("SELECT v.id FROM rubric_version v JOIN rubric r ON r.id = v.rubric_id "
                + "WHERE r.experiment_id = ?1", experimentId);
        long queue = AgreementFixtures.sqlLong("INSERT INTO review_queue (experiment_id, name, judge_name, "
                + "rubric_version_id, size, reviewers_per_item, balance_target, balance, seed, created_by) "
                + "VALUES (?1, 'q1', 'quality', ?2, 4, 2, 0.3, 'BALANCED', 1, 'admin') RETURNING id",
                experimentId, version);
        String alice = "sub-alice-" + exp;
        String bob = "sub-bob-" + exp;
        sql("INSERT INTO reviewer (subject, username) VALUES (?1, ?2)", alice, "alice-" + exp);
        String[][] queued = {{alice, "good", "4000"}, {bob, "good", "9000"}, {alice, "bad", "6000"},
                {bob, "ok", "1000"}, {alice, "ok", "2000"}, {bob, "ok", "3000"}};
        for (int i = 0; i < queued.length; i++) {
            sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, rubric_version_id, queue_id, "
                    + "time_spent_ms, valid) VALUES (?1, 'quality', ?2, 'HUMAN', ?3, ?4, ?5, ?6, TRUE)",
                    traces.get(i / 2), queued[i][1], queued[i][0], version, queue, Long.parseLong(queued[i][2]));
        }
        // Imported ground truth outside the queue: counted without the queue filter only.
        log(exp, List.of(label(traces.get(3), "quality", "bad", "gold")));

        JsonPath json = report(exp, "queue=" + queue + "&bootstrap=0");
        assertEquals("quality", json.getString("name"), "the queue implies the name");
        assertEquals("q1", json.getString("queue.name"));
        assertEquals(2, json.getInt("raters"));
        assertEquals(3, json.getInt("units"));
        assertEquals("alice-" + exp, json.getString("reviewers.find { it.source_id == '" + alice + "' }.reviewer"));
        assertEquals(bob, json.getString("reviewers.find { it.source_id == '" + bob + "' }.reviewer"),
                "a subject never seen through OIDC shows as itself");
        assertEquals(4.0, json.getDouble("reviewers.find { it.source_id == '" + alice + "' }.median_seconds"), EXACT);
        assertEquals(3.0, json.getDouble("reviewers.find { it.source_id == '" + bob + "' }.median_seconds"), EXACT);
        assertEquals(1.0 / 3, json.getDouble("reviewers.find { it.source_id == '" + alice + "' }.negative_share"),
                EXACT);
        List<String> paired = new ArrayList<>(json.getList("cohen_kappa_pairs.rater_a"));
        paired.addAll(json.getList("cohen_kappa_pairs.rater_b"));
        assertEquals(List.of("alice-" + exp, bob), paired.stream().sorted().toList());

        assertEquals(3, report(exp, "name=quality&bootstrap=0").getInt("raters"));
        given().get("/api/v1/experiments/" + exp + "/agreement?name=other&queue=" + queue).then().statusCode(422)
                .body("detail", containsString("labels 'quality'"));
        given().get("/api/v1/experiments/" + exp + "/agreement?queue=999999999").then().statusCode(404)
                .body("detail", containsString("No review queue 999999999"));
    }

    @Test
    void aTimeWindowKeepsTheHumanLabelsGivenInIt() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        sql("UPDATE assessment SET created_at = '2020-01-15T10:00:00Z' WHERE source_id = 'e2' AND trace_id IN "
                + "(SELECT id FROM trace WHERE experiment_id = (SELECT id FROM experiment WHERE name = ?1))", exp);
        assertEquals(2, report(exp, "name=quality&bootstrap=0&from=2021-01-01").getInt("raters"));
        assertEquals(1, report(exp, "name=quality&bootstrap=0&to=2020-01-15").getInt("raters"));
        assertEquals(3, report(exp, "name=quality&bootstrap=0&from=2020-01-15T00:00:00Z").getInt("raters"));
        given().get("/api/v1/experiments/" + exp + "/agreement?name=quality&from=yesterday").then().statusCode(400)
                .body("errors[0].field", equalTo("from"));
        given().get("/api/v1/experiments/" + exp + "/agreement?name=quality&from=2021-01-02&to=2021-01-01").then()
                .statusCode(422).body("detail", containsString("empty"));
    }

    @Test
    void oneRaterIsNotEnoughDataNeverNaN() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 5);
        logMatrix(exp, "quality", traces, LEVELS, new int[] {0, 1, 2, 0, 1});
        String body = given().get("/api/v1/experiments/" + exp + "/agreement?name=quality").then().statusCode(200)
                .body("units", equalTo(5)).body("pairable_units", equalTo(0)).body("raters", equalTo(1))
                .body("krippendorff_alpha.nominal.status", equalTo("not_enough_data"))
                .body("krippendorff_alpha.ordinal.status", equalTo("not_enough_data"))
                .body("headline.status", equalTo("not_enough_data"))
                .body("percent_agreement.status", equalTo("not_enough_data"))
                .body("fleiss_kappa.status", equalTo("not_enough_data"))
                .body("cohen_kappa_pairs", hasSize(0))
                .body("reviewers[0].items", equalTo(5))
                .body("reviewers[0].kappa_vs_consensus.status", equalTo("not_enough_data"))
                .extract().asString();
        assertFalse(body.contains("NaN") || body.contains("Infinity"), body);
        // Nothing labelled at all is a report too, not an error.
        String empty = AgreementFixtures.experiment();
        rubric(empty, "quality", categorical(LEVELS, "bad"));
        given().get("/api/v1/experiments/" + empty + "/agreement?name=Quality").then().statusCode(200)
                .body("units", equalTo(0)).body("headline.status", equalTo("not_enough_data"))
                .body("name", equalTo("quality"));
    }

    @Test
    void everyStatisticDownloadsAsCsvWithFormulaLikeSourcesNeutralised() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 3);
        log(exp, List.of(label(traces.get(0), "quality", "good", "=HYPERLINK(\"x\")"),
                label(traces.get(0), "quality", "good", "plain"), label(traces.get(1), "quality", "ok", "plain"),
                label(traces.get(1), "quality", "bad", "=HYPERLINK(\"x\")")));
        String csv = given().get("/api/v1/experiments/" + exp + "/agreement.csv?name=quality&bootstrap=0").then()
                .statusCode(200).contentType(containsString("text/csv"))
                .header("Content-Disposition", containsString("agreement-" + exp + "-quality-v1.csv"))
                .extract().asString();
        List<String> lines = csv.lines().toList();
        assertEquals(AgreementCsv.HEADER, lines.get(0));
        assertTrue(lines.contains("report,,,units,2,,,,ok,"), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("statistic,,,krippendorff_alpha_nominal,")), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("statistic,,,fleiss_kappa,")), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("pair,")), csv);
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "formula cells get an apostrophe:\n" + csv);
        assertFalse(csv.contains(",=HYPERLINK"), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("reviewer,plain,,items,2,")), csv);
    }

    @Test
    void badRequestsAreProblemsNamingWhatIsWrong() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        String base = "/api/v1/experiments/" + exp + "/agreement";
        given().get(base + "?name=nope").then().statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("No rubric named 'nope'"))
                .body("detail", containsString("quality"));
        given().get(base).then().statusCode(400).body("errors[0].field", equalTo("name"))
                .body("detail", containsString("quality"));
        given().get(base + "?name=quality&queue=abc").then().statusCode(400).body("errors[0].field", equalTo("queue"));
        given().get(base + "?name=quality&rubric_version=-1").then().statusCode(400)
                .body("errors[0].field", equalTo("rubric_version"));
        given().get(base + "?name=quality&bootstrap=100000").then().statusCode(400)
                .body("errors[0].field", equalTo("bootstrap"));
        given().get(base + "?name=quality&sort=random").then().statusCode(400);
        given().get("/api/v1/experiments/no-such-exp/agreement?name=quality").then().statusCode(404)
                .body("detail", containsString("no-such-exp"));
        given().get("/api/v1/experiments/no-such-exp/agreement.csv?name=quality").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    @TestSecurity(user = "rita", roles = "reviewer")
    void reviewersMayNotReadAgreement() {
        given().get("/api/v1/experiments/any/agreement?name=quality").then().statusCode(403)
                .contentType(containsString("application/problem+json"));
        given().get("/api/v1/experiments/any/agreement.csv?name=quality").then().statusCode(403);
    }

    @Test
    void largeReportsDrawFewerResamplesDownToTheFloor() {
        var service = io.quarkus.arc.Arc.container().instance(AgreementService.class).get();
        assertEquals(1000, service.bootstrap(null, 50_000).resamples());
        assertEquals(500, service.bootstrap(null, 100_000).resamples());
        assertEquals(200, service.bootstrap(null, 250_000).resamples());
        assertEquals(200, service.bootstrap(null, 5_000_000).resamples());
        assertFalse(service.bootstrap(0, 10).enabled());
        assertEquals(37, service.bootstrap(37, 1_000_000).resamples());
    }

    static int[] concat(int[] values, int... more) {
        int[] all = java.util.Arrays.copyOf(values, values.length + more.length);
        System.arraycopy(more, 0, all, values.length, more.length);
        return all;
    }
}
