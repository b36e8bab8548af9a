package dev.jury.agreement.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.jury.agreement.report.AgreementApiTest.E0;
import static dev.jury.agreement.report.AgreementApiTest.E1;
import static dev.jury.agreement.report.AgreementApiTest.E2;
import static dev.jury.agreement.report.AgreementFixtures.LEVELS;
import static dev.jury.agreement.report.AgreementFixtures.categorical;
import static dev.jury.agreement.report.AgreementFixtures.label;
import static dev.jury.agreement.report.AgreementFixtures.log;
import static dev.jury.agreement.report.AgreementFixtures.logMatrix;
import static dev.jury.agreement.report.AgreementFixtures.rubric;
import static dev.jury.agreement.report.AgreementFixtures.sql;
import static dev.jury.agreement.report.AgreementFixtures.sqlLong;
import static dev.jury.agreement.report.AgreementFixtures.traces;
import static dev.jury.agreement.report.AgreementFixtures.verdict;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kept labels ({@link LabelCache}) must give exactly the report a fresh read gives, after every kind of change
 * a label can undergo: report → change → report (refreshed) compared with the report after the cache is emptied
 * (read in full from the database).
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class LabelCacheTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALL = "name=quality&bootstrap=0";
    static final String WINDOW = "name=quality&bootstrap=0&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";

    @Inject
    LabelCache cache;

    @Inject
    AgroalDataSource dataSource;

    /** Right after start no horizon has settled and reports are not kept; the background sampler settles one. */
    @BeforeEach
    void horizonSettled() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (cache.stats().settled() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(cache.stats().settled() >= 0, "the id horizon settles within a minute");
    }

    static JsonNode report(String exp, String query) {
        String body = given().get("/api/v1/experiments/" + exp + "/agreement?" + query).then().statusCode(200)
                .extract().asString();
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }

    static String labelsFrom(JsonNode report) {
        return report.at("/timings_ms/labels_from").asText();
    }

    /**
     * The report without its timings, numbers to 9 decimals (sums taken in another row order differ in the last
     * bits: a κ of 0 can come out as -2.2e-16), lists as sorted multisets and κ pairs with their raters in
     * name order (raters and traces are numbered in the order rows arrive, which a refresh does not keep).
     */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                if (!name.equals("timings_ms")) {
                    out.set(name, canonical(node.get(name)));
                }
            }
            // A κ pair names its raters in the order they first arrived (symmetric statistics): a fresh read
            // can meet them in another order than the kept rows.
            if (out.has("source_a") && out.get("source_a").asText().compareTo(out.get("source_b").asText()) > 0) {
                JsonNode sourceA = out.get("source_a");
                JsonNode raterA = out.get("rater_a");
                out.set("source_a", out.get("source_b"));
                out.set("rater_a", out.get("rater_b"));
                out.set("source_b", sourceA);
                out.set("rater_b", raterA);
            }
            return out;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                items.add(canonical(it.next()));
            }
            items.sort((a, b) -> a.toString().compareTo(b.toString()));
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            items.forEach(out::add);
            return out;
        }
        if (node.isFloatingPointNumber()) {
            return JsonNodeFactory.instance.numberNode(
                    node.decimalValue().setScale(9, RoundingMode.HALF_UP).stripTrailingZeros());
        }
        if (node.isIntegralNumber()) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(node.bigIntegerValue()));
        }
        return node;
    }

    /** Each refreshed report equals a fresh read; returns the refreshed ones. */
    List<JsonNode> assertSameAsFresh(String exp, String... queries) {
        List<JsonNode> refreshed = new ArrayList<>();
        for (String query : queries) {
            refreshed.add(report(exp, query));
            assertEquals("cached", labelsFrom(refreshed.get(refreshed.size() - 1)), query);
        }
        cache.invalidateAll();
        for (int q = 0; q < queries.length; q++) {
            JsonNode fresh = report(exp, queries[q]);
            assertEquals("loaded", labelsFrom(fresh), queries[q]);
            assertEquals(canonical(fresh), canonical(refreshed.get(q)), queries[q]);
        }
        return refreshed;
    }

    /** One source's new label replacing its current one, as Assessment.supersede does: both in one transaction. */
    static long supersede(long traceId, String name, String value, String sourceId, String createdAt) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var em = Panache.getEntityManager();
            Number old = (Number) em.createNativeQuery("SELECT max(id) FROM assessment WHERE trace_id = ?1 "
                    + "AND source_id = ?2 AND superseded_by IS NULL").setParameter(1, traceId)
                    .setParameter(2, sourceId).getSingleResult();
            long id = ((Number) em.createNativeQuery("INSERT INTO assessment (trace_id, name, value, source_type, "
                    + "source_id, supersedes, valid, created_at) VALUES (?1, ?2, ?3, 'HUMAN', ?4, ?5, TRUE, "
                    + "CAST(?6 AS timestamptz)) RETURNING id").setParameter(1, traceId).setParameter(2, name)
                    .setParameter(3, value).setParameter(4, sourceId).setParameter(5, old)
                    .setParameter(6, createdAt).getSingleResult()).longValue();
            if (old != null) {
                em.createNativeQuery("UPDATE assessment SET superseded_by = ?1 WHERE id = ?2").setParameter(1, id)
                        .setParameter(2, old.longValue()).executeUpdate();
            }
            return id;
        });
    }

    @Test
    void refreshedLabelsGiveTheReportOfAFreshReadAfterEveryKindOfChange() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 12);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        for (int t = 0; t < 10; t++) {
            verdict(traces.get(t), "quality", 1, LEVELS.get((t + 1) % 3));
        }
        String other = AgreementFixtures.experiment();
        rubric(other, "quality", categorical(LEVELS, "bad"));
        List<Long> otherTraces = traces(other, 2);
        cache.invalidateAll();
        for (String query : List.of(ALL, WINDOW)) {
            assertEquals("loaded", labelsFrom(report(exp, query)), query);
        }
        JsonNode first = report(exp, ALL);
        assertEquals("cached", labelsFrom(first));

        // Round 1: a new reviewer, an edit through the API (supersedes), a new judge version with a failed call,
        // rows that are not this name's labels (CODE, another name, another experiment).
        log(exp, List.of(label(traces.get(0), "quality", "good", "e3"), label(traces.get(1), "quality", "bad", "e3"),
                label(traces.get(2), "quality", "ok", "e3"), label(traces.get(10), "quality", "ok", "e3"),
                label(traces.get(2), "quality", "bad", "e1")));
        for (int t = 0; t < 5; t++) {
            verdict(traces.get(t), "quality", 2, LEVELS.get(t % 3));
        }
        AgreementFixtures.failedVerdict(traces.get(5), "quality", 2, "timeout");
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, 'quality', 'bad', 'CODE', 'regex', TRUE)", traces.get(3));
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, 'tone', 'bad', 'HUMAN', 'e0', TRUE)", traces.get(3));
        log(other, List.of(label(otherTraces.get(0), "quality", "bad", "e0")));
        JsonNode round1 = assertSameAsFresh(exp, ALL, WINDOW).get(0);
        assertNotEquals(canonical(first), canonical(round1));
        assertEquals(4, round1.get("raters").asInt());

        // Round 2: an edit of a label that arrived by refresh, an adjudication, a label in a foreign spelling
        // without rubric version that is newer than e0's own (it must win), an invalid human row.
        log(exp, List.of(label(traces.get(2), "quality", "good", "e1")));
        long adjudication = supersede(traces.get(4), "quality", "ok", "adjudication:admin", "2024-05-01T00:00:00Z");
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, ' Quality', 'bad', 'HUMAN', 'e0', TRUE)", traces.get(6));
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, 'quality', 'good', 'HUMAN', 'e4', FALSE)", traces.get(7));
        JsonNode round2 = assertSameAsFresh(exp, ALL, WINDOW).get(0);
        assertNotEquals(canonical(round1), canonical(round2));

        // Round 3: the admin changes the adjudication (supersedes it), a second admin adjudicates the same trace
        // later (the newer decides), e0 replaces its foreign-spelling label, and e2 replaces its label on trace 7
        // by one dated before the window: gone from the windowed report, counted in the other.
        long changed = supersede(traces.get(4), "quality", "bad", "adjudication:admin", "2024-05-02T00:00:00Z");
        assertTrue(changed > adjudication);
        supersede(traces.get(5), "quality", "good", "adjudication:other", "2024-05-02T00:00:00Z");
        supersede(traces.get(5), "quality", "bad", "adjudication:admin", "2024-05-03T00:00:00Z");
        supersede(traces.get(6), " Quality", "ok", "e0", "2024-05-02T00:00:00Z");
        supersede(traces.get(7), "quality", "good", "e2", "1999-01-01T00:00:00Z");
        List<JsonNode> round3 = assertSameAsFresh(exp, ALL, WINDOW);
        assertNotEquals(canonical(round2), canonical(round3.get(0)));
        assertEquals(round3.get(0).get("ratings").asInt() - 1, round3.get(1).get("ratings").asInt(),
                "e2's label dated 1999 is outside the window");
    }

    /**
     * Ids are taken in insert order but transactions commit in any order: a label whose transaction took its id
     * before a newer label was committed and read must still be found once it commits.
     */
    @Inject
    LabelCacheWarmer warmer;

    @Test
    void theLargestReportsAreReadInAdvanceSoTheFirstReportIsServedFromKeptLabels() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 12);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        long labels = 0;
        for (int[] source : new int[][]{E0, E1, E2}) {
            labels += java.util.Arrays.stream(source).filter(v -> v >= 0).count();
        }
        cache.invalidateAll();

        long experimentId = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                dev.jury.experiments.Experiment.findByName(exp).orElseThrow().id);
        var mine = new LabelCache.Key(experimentId, "quality", null, null, null);
        assertTrue(!warmer.warm(labels + 1, 1000).contains(mine), "a report below the threshold is left to read cold");
        assertTrue(warmer.warm(labels, 1000).contains(mine), "a report at the threshold is read in advance");
        assertEquals("cached", labelsFrom(report(exp, ALL)), "the first report after warming finds its labels kept");
        assertEquals("loaded", labelsFrom(report(exp, WINDOW)), "filtered reports are not warmed");
    }

    @Test
    void labelsWrittenWhileTheAppRunsAreReadInTheBackgroundBeforeAnyoneAsks() throws Exception {
        warmer.rewarm(Long.MAX_VALUE, 1000); // the look before the labels exist
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 12);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        long labels = 0;
        for (int[] source : new int[][]{E0, E1, E2}) {
            labels += java.util.Arrays.stream(source).filter(v -> v >= 0).count();
        }
        cache.invalidateAll();
        long newest = dev.jury.testenv.Db.count(dataSource, "SELECT max(id) FROM assessment");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (cache.stats().settled() < newest && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long experimentId = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                dev.jury.experiments.Experiment.findByName(exp).orElseThrow().id);
        var mine = new LabelCache.Key(experimentId, "quality", null, null, null);
        assertTrue(warmer.rewarm(labels, 1000).contains(mine), "a report with enough new labels is read in advance");
        assertEquals("cached", labelsFrom(report(exp, ALL)), "so its first report finds its labels kept");
        assertTrue(!warmer.rewarm(1, 1000).contains(mine), "the next look finds nothing new");
    }

    @Test
    void aLabelCommittedAfterANewerOneWasReadIsNotLost() throws Exception {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        logMatrix(exp, "quality", traces, LEVELS, E0, E1, E2);
        assertEquals(3, report(exp, ALL).get("raters").asInt());

        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            long slowId;
            try (PreparedStatement insert = slow.prepareStatement("INSERT INTO assessment (trace_id, name, value, "
                    + "source_type, source_id, valid) VALUES (?, 'quality', 'bad', 'HUMAN', 'late', TRUE) "
                    + "RETURNING id")) {
                insert.setLong(1, traces.get(0));
                var rs = insert.executeQuery();
                rs.next();
                slowId = rs.getLong(1);
            }
            log(exp, List.of(label(traces.get(1), "quality", "bad", "early")));
            assertTrue(sqlLong("SELECT max(id) FROM assessment WHERE source_id = 'early'") > slowId);
            // Let the horizon move on as far as it can while the slow transaction is open.
            Thread.sleep(3_000);
            JsonNode before = report(exp, ALL);
            assertEquals("cached", labelsFrom(before));
            assertEquals(4, before.get("raters").asInt(), "'early' is in, 'late' is not committed");
            assertTrue(cache.stats().settled() < slowId, "the horizon waits for the open transaction");
            slow.commit();
        }
        JsonNode after = assertSameAsFresh(exp, ALL).get(0);
        assertEquals(5, after.get("raters").asInt(), "'late' is found after it commits");
    }

    @Test
    void entriesAreBoundedLeastRecentlyUsedFirst() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 3);
        log(exp, List.of(label(traces.get(0), "quality", "bad", "e0"), label(traces.get(0), "quality", "ok", "e1")));
        cache.invalidateAll();
        for (int day = 1; day <= 20; day++) {
            report(exp, "name=quality&bootstrap=0&from=2020-01-" + String.format("%02d", day));
        }
        assertEquals(16, cache.stats().entries(), "jury.agreement.cache.max-entries");
        // The most recent is kept, the first was dropped.
        assertEquals("cached", labelsFrom(report(exp, "name=quality&bootstrap=0&from=2020-01-20")));
        assertEquals("loaded", labelsFrom(report(exp, "name=quality&bootstrap=0&from=2020-01-01")));
        assertTrue(cache.stats().labels() <= 16 * 2);
    }
}
