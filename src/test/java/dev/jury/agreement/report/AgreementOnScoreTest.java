package dev.jury.agreement.report;

import dev.jury.judges.ApiFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jury.agreement.report.AgreementApiTest.report;
import static dev.jury.agreement.report.AgreementFixtures.label;
import static dev.jury.agreement.report.AgreementFixtures.log;
import static dev.jury.agreement.report.AgreementFixtures.sql;
import static dev.jury.agreement.report.AgreementFixtures.traces;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The agreement report on the 1–5 score of a custom_score judge ({@code on=score}, docs/agreement.md "On the
 * score"), on seeded {@code metadata.score}: the numbers are published worked examples.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AgreementOnScoreTest {

    static final double PUBLISHED = 1e-3;

    /**
     * Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, section C: 4 observers × 12 units on a
     * 1–5 scale, 0 = missing. Published: α nominal .743, ordinal .815, interval .849 (the same data as
     * {@code PublishedData.krippendorff2011}, asserted on the pure statistics in KrippendorffAlphaTest).
     */
    static final int[][] KRIPPENDORFF_2011 = {
            {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0},
            {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3},
            {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0},
            {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0}};

    /**
     * Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., 3×3 "abstractors" table (irrCAC
     * {@code cont3x3abstractors}; afergadis/irrCAC {@code table/test_cohen.py}): quadratic κ .892; here as two
     * judge versions scoring 100 traces 1–3 (rows version 1, columns version 2). 89 equal scores.
     */
    static final long[][] GWET_ABSTRACTORS = {{13, 0, 0}, {0, 20, 7}, {0, 4, 56}};

    static String scoreJudge(String exp, String name, int threshold) {
        given().contentType(ContentType.JSON).body(Map.of("template", "custom_score", "name", name,
                        "model", "openai:/gpt-4.1-mini", "criterion", "The reply is polite.", "threshold", threshold))
                .post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);
        return name;
    }

    static Map<String, Object> scored(long trace, String name, int score, int threshold, String source) {
        Map<String, Object> label = new HashMap<>(label(trace, name, score > threshold ? "yes" : "no", source));
        label.put("metadata", Map.of("score", score));
        return label;
    }

    static void judgeScore(long trace, String name, int version, int score, int threshold) {
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid, metadata) "
                        + "VALUES (?1, ?2, ?3, 'LLM_JUDGE', ?4, TRUE, CAST(?5 AS jsonb))", trace, name,
                score > threshold ? "yes" : "no", "judge:" + name + "@v" + version,
                "{\"score\": " + score + ", \"threshold\": " + threshold + ", \"passed\": " + (score > threshold) + "}");
    }

    @Test
    void humansScoresGiveKrippendorffsPublishedAlphas() {
        String exp = ApiFixtures.experiment();
        String name = scoreJudge(exp, "polite", 3);
        List<Long> traces = traces(exp, 12);
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int o = 0; o < KRIPPENDORFF_2011.length; o++) {
            for (int u = 0; u < 12; u++) {
                if (KRIPPENDORFF_2011[o][u] > 0) {
                    labels.add(scored(traces.get(u), name, KRIPPENDORFF_2011[o][u], 3, "obs" + o));
                }
            }
        }
        // A fifth source labels without a score: a rater on the yes/no, nothing on the score.
        for (int u = 0; u < 12; u++) {
            labels.add(label(traces.get(u), name, "yes", "noscore"));
        }
        // A score that is not a whole 1–5 is left out of the score report and counted.
        Map<String, Object> half = new HashMap<>(label(traces.get(0), name, "no", "halves"));
        half.put("metadata", Map.of("score", 2.5));
        labels.add(half);
        log(exp, labels);
        // The judge scored units 1–6 like observer A, so it agrees with the consensus where there is one (unit 6,
        // scored 1, 2, 3, 4, has none).
        for (int u = 0; u < 6; u++) {
            judgeScore(traces.get(u), name, 1, KRIPPENDORFF_2011[0][u], 3);
        }

        var score = report(exp, "name=" + name + "&on=score&bootstrap=0");
        assertEquals("score", score.getString("on"));
        assertEquals(3, score.getInt("score_threshold"));
        assertEquals("score", score.getString("rubric.kind"));
        assertEquals(List.of("1", "2", "3", "4", "5"), score.getList("rubric.levels.value"));
        assertEquals(List.of(true, true, true, false, false), score.getList("rubric.levels.negative"));
        assertEquals(4, score.getInt("raters"));
        assertEquals(1, score.getInt("skipped_values.count"));
        assertEquals("2.5", score.getString("skipped_values.values[0].value"));
        assertEquals(0.743, score.getDouble("krippendorff_alpha.nominal.value"), PUBLISHED);
        assertEquals(0.815, score.getDouble("krippendorff_alpha.ordinal.value"), PUBLISHED);
        assertEquals(0.849, score.getDouble("krippendorff_alpha.interval.value"), PUBLISHED);
        assertEquals("ordinal", score.getString("headline.level"));
        assertEquals("quadratic", score.getString("kappa_weighting"));
        assertEquals(5, score.getInt("judge_vs_consensus[0].n"));
        assertEquals(1.0, score.getDouble("judge_vs_consensus[0].accuracy.value"), 1e-12);

        // On the yes/no the sources without a score count and the score is not read.
        var value = report(exp, "name=" + name + "&bootstrap=0");
        assertEquals("value", value.getString("on"));
        assertEquals(6, value.getInt("raters"));
        assertEquals("boolean", value.getString("rubric.kind"));

        // The page offers the choice for this judge and shows the ordinal α.
        given().get("/experiments/" + exp + "/agreement?name=" + name + "&on=score").then().statusCode(200)
                .body(containsString("the 1–5 scores (ordinal)"))
                .body(containsString("<option value=\"score\" selected"))
                .body(containsString("their score is not a whole number from 1 to 5"))
                .body(containsString("agreement.csv?name=" + name + "&amp;on=score"));
        given().get("/api/v1/experiments/" + exp + "/agreement.csv?name=" + name + "&on=score&bootstrap=0")
                .then().statusCode(200).body(containsString("statistic,,,krippendorff_alpha_ordinal,0.81"));
    }

    @Test
    void judgeVersionsAreComparedOnTheirScoresWithoutHumanScores() {
        String exp = ApiFixtures.experiment();
        String name = scoreJudge(exp, "helpful", 3);
        List<Long> traces = traces(exp, 100);
        int t = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                for (long n = 0; n < GWET_ABSTRACTORS[a][b]; n++) {
                    judgeScore(traces.get(t), name, 1, a + 1, 3);
                    judgeScore(traces.get(t), name, 2, b + 1, 3);
                    t++;
                }
            }
        }
        // Humans labelled the yes/no only: nothing to compare with them on the score.
        log(exp, List.of(label(traces.get(0), name, "no", "alice"), label(traces.get(0), name, "no", "bob")));

        var score = report(exp, "name=" + name + "&on=score&bootstrap=0");
        assertEquals(0, score.getInt("units"));
        assertEquals(1, score.getList("judge_pairs").size());
        assertEquals("judge:" + name + "@v1", score.getString("judge_pairs[0].judge_a"));
        assertEquals("judge:" + name + "@v2", score.getString("judge_pairs[0].judge_b"));
        assertEquals(100, score.getInt("judge_pairs[0].n"));
        assertEquals(0.892, score.getDouble("judge_pairs[0].kappa.value"), PUBLISHED);
        assertEquals(0.89, score.getDouble("judge_pairs[0].percent_agreement.value"), 1e-12);
        assertEquals("not_enough_data", score.getString("krippendorff_alpha.ordinal.status"));

        // On the value, judge pairs are not computed.
        assertEquals(0, report(exp, "name=" + name + "&bootstrap=0").getList("judge_pairs").size());
    }

    @Test
    void onScoreIsRefusedWithoutAScoreAndForUnknownWords() {
        String exp = ApiFixtures.experiment();
        AgreementFixtures.rubric(exp, "quality", AgreementFixtures.categorical(AgreementFixtures.LEVELS, "bad"));
        given().get("/api/v1/experiments/" + exp + "/agreement?name=quality&on=score").then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("'quality' has no 1–5 score to compare"))
                .body("errors[0].field", equalTo("on"));
        given().get("/api/v1/experiments/" + exp + "/agreement?name=quality&on=scores").then().statusCode(400)
                .body("detail", containsString("on says what is compared"));
        // No choice on the page for a name without a score.
        given().get("/experiments/" + exp + "/agreement?name=quality").then().statusCode(200)
                .body(org.hamcrest.Matchers.not(containsString("the 1–5 scores (ordinal)")));
    }
}
