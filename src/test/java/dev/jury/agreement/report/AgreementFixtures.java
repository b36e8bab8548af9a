package dev.jury.agreement.report;

import dev.jury.judges.ApiFixtures;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * Builders for the agreement tests. Labels go in through the feedback API (the path real imports take) unless a
 * test needs what only the database can express (invalid rows, failed judge calls, queue labels with timings).
 * Call from a test running as an admin.
 */
final class AgreementFixtures {

    /** good, ok (passing) — bad (failing): three ordered levels. */
    static final List<String> LEVELS = List.of("good", "ok", "bad");

    private AgreementFixtures() {
    }

    static String experiment() {
        return ApiFixtures.experiment();
    }

    static Map<String, Object> categorical(List<String> values, String negative) {
        List<Map<String, Object>> levels = new ArrayList<>();
        for (String value : values) {
            levels.add(ApiFixtures.level(value, value.toUpperCase(), "Level " + value + ".", value.equals(negative)));
        }
        return Map.of("kind", "categorical", "levels", levels, "guidelines", "", "rationale_required", false);
    }

    /** Saves a rubric (a new version if it exists with other content). */
    static void rubric(String exp, String name, Map<String, Object> body) {
        given().contentType(ContentType.JSON).body(body).put("/api/v1/experiments/" + exp + "/rubrics/" + name)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200),
                        org.hamcrest.Matchers.is(201)));
    }

    /** {@code n} traces through the ingest API, in order. */
    static List<Long> traces(String exp, int n) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append("{\"inputs\":\"question ").append(i).append("\",\"outputs\":\"answer ").append(i)
                    .append("\"}\n");
        }
        return ingest(exp, body.toString());
    }

    static List<Long> ingest(String exp, String ndjson) {
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(ndjson.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        return ids.stream().map(Number::longValue).toList();
    }

    static Map<String, Object> label(long traceId, String name, String value, String source) {
        var m = new HashMap<String, Object>();
        m.put("trace_id", traceId);
        m.put("name", name);
        m.put("value", value);
        m.put("source_type", "HUMAN");
        m.put("source_id", source);
        return m;
    }

    /** Logs labels through {@code POST …/assessments} in one bulk request; every one must be stored. */
    static void log(String exp, List<Map<String, Object>> labels) {
        given().contentType(ContentType.JSON).body(labels).post("/api/v1/experiments/" + exp + "/assessments")
                .then().statusCode(201).body("created", org.hamcrest.Matchers.equalTo(labels.size()));
    }

    /**
     * One label per trace and source: {@code bySource.get(s)[t]} is the level index source s gave trace t, or -1
     * for none. Sources are named {@code e0, e1, …}.
     */
    static void logMatrix(String exp, String name, List<Long> traces, List<String> levels, int[]... bySource) {
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int s = 0; s < bySource.length; s++) {
            for (int t = 0; t < bySource[s].length; t++) {
                if (bySource[s][t] >= 0) {
                    labels.add(label(traces.get(t), name, levels.get(bySource[s][t]), "e" + s));
                }
            }
        }
        log(exp, labels);
    }

    /** A judge verdict as judge runs store it; {@code error} makes it a failed call (no value, invalid). */
    static void verdict(long traceId, String name, int version, String value) {
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                + "VALUES (?1, ?2, ?3, 'LLM_JUDGE', ?4, TRUE)", traceId, name, value, "judge:" + name + "@v" + version);
    }

    /** A failed judge call: no value, a reason, never valid. */
    static void failedVerdict(long traceId, String name, int version, String error) {
        sql("INSERT INTO assessment (trace_id, name, value, source_type, source_id, error, valid) "
                + "VALUES (?1, ?2, NULL, 'LLM_JUDGE', ?3, ?4, FALSE)", traceId, name, "judge:" + name + "@v" + version,
                error);
    }

    static int sql(String statement, Object... parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = Panache.getEntityManager().createNativeQuery(statement);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return query.executeUpdate();
        });
    }

    static long sqlLong(String statement, Object... parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = Panache.getEntityManager().createNativeQuery(statement);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return ((Number) query.getSingleResult()).longValue();
        });
    }
}
