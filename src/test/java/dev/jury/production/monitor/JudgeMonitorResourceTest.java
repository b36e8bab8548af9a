package dev.jury.production.monitor;

import dev.jury.judges.JudgeVersion;
import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;
import dev.jury.labels.SourceType;
import dev.jury.registry.RegistryFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor page and its JSON twin on seeded verdicts, human labels and LLM calls; the alert form, its banner on
 * the judge page and its gauges on /q/metrics; reviewers refused.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class JudgeMonitorResourceTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    RegistryFixtures fixtures;

    @Inject
    AgroalDataSource dataSource;

    private static RequestSpecification form(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1));
    }

    /**
     * Judge 'correct' v1 with, today: verdicts yes, yes, yes, no, no, no against human labels yes, yes, no, no, no,
     * yes (a 2×2 table [[2, 1], [1, 2]]: accuracy 4/6, κ = (4/6 − 1/2) / (1 − 1/2) = 1/3), one verdict whose two
     * reviewers tie, one error; three days ago four verdicts that all agree (κ 1). LLM calls of a judge run today:
     * 100, 200 and 300 ms (the last one failed) and one cached call.
     */
    private RegistryFixtures.World seed() throws SQLException {
        var w = fixtures.world("openai-compatible", 12);
        List<Long> t = w.traces();
        try (var c = dataSource.getConnection()) {
            long versionId;
            long rubricVersionId;
            try (var s = c.prepareStatement("""
                    SELECT v.id, v.rubric_version_id FROM judge_version v JOIN judge j ON j.id = v.judge_id
                      JOIN experiment e ON e.id = j.experiment_id WHERE e.name = ? AND j.name = 'correct'
                       AND v.version = 1""")) {
                s.setString(1, w.experiment());
                var rs = s.executeQuery();
                rs.next();
                versionId = rs.getLong(1);
                rubricVersionId = rs.getLong(2);
            }
            String source = JudgeVersion.sourceId("correct", 1);
            Instant threeDaysAgo = Instant.now().minus(3, ChronoUnit.DAYS);
            var rows = new ArrayList<NewLabel>();
            String[] judge = {"yes", "yes", "yes", "no", "no", "no"};
            String[] human = {"yes", "yes", "no", "no", "no", "yes"};
            for (int i = 0; i < 6; i++) {
                rows.add(verdict(t.get(i), judge[i], source, versionId, rubricVersionId, null));
                rows.add(NewLabel.human(t.get(i), "correct", human[i], null, "alice", rubricVersionId, null, null));
            }
            rows.add(verdict(t.get(6), "yes", source, versionId, rubricVersionId, null));
            rows.add(NewLabel.human(t.get(6), "correct", "yes", null, "alice", rubricVersionId, null, null));
            rows.add(NewLabel.human(t.get(6), "correct", "no", null, "bob", rubricVersionId, null, null));
            rows.add(NewLabel.failedVerdict(t.get(7), "correct", "rate limited", source, versionId, rubricVersionId,
                    null));
            String[] agreeing = {"yes", "yes", "no", "no"};
            for (int i = 0; i < 4; i++) {
                rows.add(verdict(t.get(8 + i), agreeing[i], source, versionId, rubricVersionId, threeDaysAgo));
                rows.add(NewLabel.human(t.get(8 + i), "correct", agreeing[i], null, "alice", rubricVersionId, null,
                        null));
            }
            LabelWriter.insertAll(c, rows);
            long job;
            try (var s = c.prepareStatement("""
                    INSERT INTO job (type, status, payload, created_by)
                    VALUES ('judge-run', 'SUCCEEDED', jsonb_build_object('experiment', ?, 'judge', 'correct',
                            'version', 1), 'admin') RETURNING id""")) {
                s.setString(1, w.experiment());
                var rs = s.executeQuery();
                rs.next();
                job = rs.getLong(1);
            }
            try (var s = c.prepareStatement("""
                    INSERT INTO llm_call (provider, model, job_id, input_tokens, output_tokens, latency_ms, attempts,
                                          outcome, cached)
                    VALUES ('openai-compatible', 'm', ?, 10, 2, 100, 1, 'ok', false),
                           ('openai-compatible', 'm', ?, 10, 2, 200, 1, 'ok', false),
                           ('openai-compatible', 'm', ?, 10, 0, 300, 3, 'timeout', false),
                           ('openai-compatible', 'm', ?, 10, 2, 5, 1, 'ok', true)""")) {
                for (int i = 1; i <= 4; i++) {
                    s.setLong(i, job);
                }
                s.executeUpdate();
            }
        }
        return w;
    }

    private static NewLabel verdict(long trace, String value, String source, long versionId, long rubricVersionId,
                                    Instant at) {
        return new NewLabel(trace, "correct", value, "because", SourceType.LLM_JUDGE, source, versionId,
                rubricVersionId, null, null, null, true, at, null, null);
    }

    @Test
    void theApiShowsVerdictsErrorsCallsAndAgreementPerDay() throws Exception {
        var w = seed();
        String api = "/api/v1/experiments/" + w.experiment() + "/judges/correct/monitor";
        JsonPath json = given().get(api + "?window=day").then().statusCode(200).extract().jsonPath();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String threeDaysAgo = LocalDate.now(ZoneOffset.UTC).minusDays(3).toString();
        assertEquals("day", json.getString("window"));
        assertEquals(30, json.getList("windows").size());
        assertEquals(List.of("no", "yes"), json.getList("values"));
        assertEquals(today, json.getString("windows[0].window"));
        assertEquals(7, json.getInt("windows[0].verdict_count"));
        assertEquals(List.of(Map.of("value", "no", "count", 3), Map.of("value", "yes", "count", 4)),
                json.getList("windows[0].verdicts"));
        assertEquals(1, json.getInt("windows[0].errors"));
        assertEquals(0.125, json.getDouble("windows[0].error_share"), 1e-9);   // 1 / (7 + 1)
        assertEquals(4, json.getInt("windows[0].calls"));
        assertEquals(1, json.getInt("windows[0].failed_calls"));
        assertEquals(1, json.getInt("windows[0].cached_calls"));
        assertEquals(40, json.getInt("windows[0].input_tokens"));
        assertEquals(200.0, json.getDouble("windows[0].latency_p50_ms"), 1e-9);
        assertEquals(290.0, json.getDouble("windows[0].latency_p95_ms"), 1e-9); // 200 + 0.9 · (300 − 200)
        assertEquals(threeDaysAgo, json.getString("windows[3].window"));
        assertEquals(4, json.getInt("windows[3].verdict_count"));
        assertEquals(0, json.getInt("windows[3].calls"));
        assertNull(json.get("windows[3].latency_p50_ms"));

        // today over all versions, then v1; then three days ago
        assertEquals(4, json.getList("agreement").size());
        assertEquals(today, json.getString("agreement[0].window"));
        assertNull(json.get("agreement[0].version"));
        assertEquals(6, json.getInt("agreement[0].n"));
        assertEquals(1, json.getInt("agreement[0].ties"));
        assertEquals(0.667, json.getDouble("agreement[0].accuracy"), 1e-3);
        assertEquals(0.333, json.getDouble("agreement[0].kappa.value"), 1e-3);
        assertEquals(2, json.getList("agreement[0].kappa.ci").size());
        assertEquals(1, json.getInt("agreement[1].version"));
        assertEquals(threeDaysAgo, json.getString("agreement[2].window"));
        assertEquals(4, json.getInt("agreement[2].n"));
        assertEquals(1.0, json.getDouble("agreement[2].accuracy"), 1e-9);
        assertEquals(1.0, json.getDouble("agreement[2].kappa.value"), 1e-9);
        assertNull(json.get("alert"));

        given().get(api + "?window=week").then().statusCode(200).body("window", equalTo("week"))
                .body("windows.size()", equalTo(26));
        given().get(api + "?window=month").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("window is 'day'"))
                .body("errors[0].field", equalTo("window"));
        given().get("/api/v1/experiments/" + w.experiment() + "/judges/nope/monitor").then().statusCode(404);
    }

    @Test
    void thePageShowsTheFiguresAndIsLinkedFromTheJudgePage() throws Exception {
        var w = seed();
        String judge = "/experiments/" + w.experiment() + "/judges/correct";
        given().get(judge).then().statusCode(200)
                .body(containsString("href=\"" + judge + "/monitor\""))
                .body(containsString("hx-get=\"" + judge + "/monitor/banner\""));
        given().get(judge + "/online-scoring").then().statusCode(200)
                .body(containsString("href=\"" + judge + "/monitor\""));
        given().get(judge + "/monitor").then().statusCode(200)
                .body(containsString("Agreement with humans"))
                .body(containsString("66.7%"))
                .body(containsString("0.33 ["))
                .body(containsString("12.5%"))
                .body(containsString("200 / 290 ms"))
                .body(containsString("<svg class=\"kappa-chart\""))
                .body(containsString("<strong>Off</strong>"));
        given().get(judge + "/monitor?window=week").then().statusCode(200)
                .body(containsString("ISO weeks"));
        given().get(judge + "/monitor?window=<b>x</b>").then().statusCode(400)
                .body(containsString("Unknown window &#39;&lt;b&gt;x&lt;/b&gt;&#39;"));
    }

    @Test
    void theAlertFormSetsTheAlertWhichShowsABannerAndAGauge() throws Exception {
        var w = seed();
        String judge = "/experiments/" + w.experiment() + "/judges/correct";
        String monitor = judge + "/monitor";

        given().get(monitor + "/banner").then().statusCode(200).body(not(containsString("Agreement alert")));

        form(given().get(monitor)).formParam("window", "day").formParam("min_kappa", "2")
                .formParam("min_n", "1").formParam("action", "save").post(monitor + "/alert")
                .then().statusCode(422)
                .body(containsString("The κ threshold is a number from -1 to 1"))
                .body(containsString("value=\"2\""))
                .body(containsString("aria-invalid=\"true\""));
        form(given().get(monitor)).formParam("window", "day").formParam("min_kappa", "0.5")
                .formParam("min_n", "x").formParam("action", "save").post(monitor + "/alert")
                .then().statusCode(422).body(containsString("minimum number of pairs"));

        // today: 6 pairs, κ 1/3 < 0.5 → fires
        form(given().get(monitor)).formParam("window", "day").formParam("min_kappa", "0.5")
                .formParam("min_n", "5").formParam("action", "save").post(monitor + "/alert")
                .then().statusCode(303).header("Location", endsWith(monitor + "?window=day"));
        given().get(monitor + "/banner").then().statusCode(200)
                .body(containsString("Agreement alert"))
                .body(containsString("<strong>0.333</strong>"))
                .body(containsString("<strong>0.500</strong>"));
        given().get(monitor).then().statusCode(200).body(containsString("<strong>Firing</strong>"))
                .body(containsString("role=\"alert\""));
        given().get("/api/v1" + monitor).then().body("alert.firing", equalTo(true))
                .body("alert.min_n", equalTo(5));
        String line = "{experiment=\"" + w.experiment() + "\",judge=\"correct\"}";
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("jury_judge_agreement_alert" + line + " 1.0"), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_judge_agreement_latest" + line + " 0.333")),
                "latest κ");
        assertTrue(metrics.contains("jury_judge_agreement_threshold" + line + " 0.5"), "threshold");

        // 7 pairs needed: today has 6, so three days ago (κ 1) decides → quiet
        form(given().get(monitor)).formParam("window", "day").formParam("min_kappa", "0.5")
                .formParam("min_n", "7").formParam("action", "save").post(monitor + "/alert")
                .then().statusCode(303);
        given().get(monitor + "/banner").then().body(not(containsString("Agreement alert")));
        given().get(monitor).then().body(containsString("<strong>Quiet</strong>"));
        // the scheduled refresh computes the same
        metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("jury_judge_agreement_alert" + line + " 0.0"), "quiet gauge");

        form(given().get(monitor)).formParam("action", "remove").post(monitor + "/alert").then().statusCode(303);
        given().get("/api/v1" + monitor).then().body("alert", equalTo(null));
        metrics = given().get("/q/metrics").then().extract().asString();
        assertFalse(metrics.contains("jury_judge_agreement_alert" + line), "removed alert has no gauge");
    }

    @Test
    void theScheduledRefreshPublishesEveryJudgesAlert() throws Exception {
        var w = seed();
        String monitor = "/experiments/" + w.experiment() + "/judges/correct/monitor";
        form(given().get(monitor)).formParam("window", "week").formParam("min_kappa", "0.9")
                .formParam("min_n", "2").formParam("action", "save").post(monitor + "/alert")
                .then().statusCode(303);
        refresher.refresh();
        String line = "jury_judge_agreement_alert{experiment=\"" + w.experiment() + "\",judge=\"correct\"}";
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains(line + " "), metrics);
    }

    @Inject
    MonitorAlertRefresher refresher;

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersAreRefused() {
        given().get("/experiments/x/judges/correct/monitor").then().statusCode(403);
        given().get("/experiments/x/judges/correct/monitor/banner").then().statusCode(403);
        given().get("/api/v1/experiments/x/judges/correct/monitor").then().statusCode(403);
        given().redirects().follow(false).formParam("min_kappa", "0.5").post("/experiments/x/judges/correct/monitor/alert")
                .then().statusCode(403);
    }
}
