package dev.jury.traces;

import dev.jury.labels.SourceType;
import dev.jury.experiments.ExperimentService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static dev.jury.traces.TraceFixtures.assess;
import static dev.jury.traces.TraceFixtures.line;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class TraceApiTest {

    @Inject
    ExperimentService experiments;

    static List<Long> ingest(String exp, String... lines) {
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        return ids.stream().map(Number::longValue).toList();
    }

    static List<Long> listIds(String exp, String query) {
        List<Number> ids = given().urlEncodingEnabled(false).get("/api/v1/experiments/" + exp + "/traces?" + query)
                .then().statusCode(200).extract().jsonPath().getList("traces.id");
        return ids.stream().map(Number::longValue).toList();
    }

    @Test
    void keysetPagesCoverEveryTraceOnceNewestFirst() {
        String exp = TraceFixtures.newExperiment(experiments);
        var lines = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            lines.add(line(null, "q" + i, "a" + i));
        }
        List<Long> created = ingest(exp, lines.toArray(String[]::new));
        var seen = new ArrayList<Long>();
        String cursor = null;
        int pages = 0;
        do {
            var page = given().queryParam("limit", 3).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/v1/experiments/" + exp + "/traces").then().statusCode(200).extract().jsonPath();
            List<Number> ids = page.getList("traces.id");
            ids.forEach(id -> seen.add(id.longValue()));
            Object next = page.get("next_cursor");
            cursor = next == null ? null : next.toString();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(3, pages);
        assertEquals(7, seen.size());
        assertEquals(7, new HashSet<>(seen).size(), "no duplicates across pages");
        var expected = new ArrayList<>(created);
        expected.sort((a, b) -> Long.compare(b, a));
        assertEquals(expected, seen, "newest first, no gaps");
    }

    @Test
    void filtersByTagJudgeVerdictHumanLabelAndLabelValue() {
        String exp = TraceFixtures.newExperiment(experiments);
        List<Long> ids = ingest(exp,
                "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"env\":\"prod\",\"team\":\"x\"}}",
                "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"env\":\"dev\"}}",
                line(null, "q", "a"),
                line(null, "q", "a"));
        long prod = ids.get(0), dev = ids.get(1), judged = ids.get(2), labelled = ids.get(3);
        assess(judged, "quality", "good", SourceType.LLM_JUDGE, "judge:quality@v1");
        assess(labelled, "quality", "poor", SourceType.HUMAN, "alice-subject");
        assess(prod, "quality", "good", SourceType.HUMAN, "bob-subject");
        long replaced = assess(dev, "quality", "poor", SourceType.HUMAN, "carol-subject");
        assess(dev, "quality", "good", SourceType.HUMAN, "carol-subject"); // supersedes the "poor" label

        assertEquals(List.of(prod), listIds(exp, "tag=env%3Dprod"));
        assertEquals(List.of(judged), listIds(exp, "judged=yes"));
        assertEquals(List.of(labelled, dev, prod), listIds(exp, "labelled=yes"));
        assertEquals(List.of(judged), listIds(exp, "labelled=no"));
        assertEquals(List.of(labelled), listIds(exp, "label_name=quality&label_value=poor"),
                "carol's superseded 'poor' label does not count");
        assertEquals(List.of(dev, prod), listIds(exp, "label_name=quality&label_value=good"));
        assertEquals(List.of(prod), listIds(exp, "label_name=quality&label_value=good&tag=env%3Dprod"));
        assertNotNull(replaced);
    }

    @Test
    void badListParametersAre422NamingTheField() {
        String exp = TraceFixtures.newExperiment(experiments);
        given().get("/api/v1/experiments/" + exp + "/traces?limit=501").then().statusCode(422)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().get("/api/v1/experiments/" + exp + "/traces?limit=abc").then().statusCode(422);
        given().get("/api/v1/experiments/" + exp + "/traces?cursor=-4").then().statusCode(422)
                .body("errors[0].field", equalTo("cursor"));
        given().get("/api/v1/experiments/" + exp + "/traces?tag=novalue").then().statusCode(422)
                .body("errors[0].field", equalTo("tag"));
        given().get("/api/v1/experiments/" + exp + "/traces?label_value=x").then().statusCode(422)
                .body("errors[0].field", equalTo("label_name"));
        given().get("/api/v1/experiments/nope-nope/traces").then().statusCode(404)
                .body("detail", containsString("nope-nope"));
    }

    @Test
    void oneTraceWithItsAssessmentHistory() {
        String exp = TraceFixtures.newExperiment(experiments);
        long id = ingest(exp, "{\"client_request_id\":\"d-1\",\"inputs\":{\"q\":1},\"outputs\":\"a\",\"expectations\":{\"e\":true}}").get(0);
        long old = assess(id, "quality", "poor", SourceType.HUMAN, "alice-subject");
        long current = assess(id, "quality", "good", SourceType.HUMAN, "alice-subject");
        var json = given().get("/api/v1/traces/" + id).then().statusCode(200)
                .body("experiment", equalTo(exp))
                .body("client_request_id", equalTo("d-1"))
                .body("inputs.q", equalTo(1))
                .body("expectations.e", equalTo(true))
                .body("assessments", hasSize(2))
                .body("assessments[0].superseded_by", equalTo((int) current))
                .body("assessments[1].supersedes", equalTo((int) old))
                .body("assessments[1].superseded_by", nullValue())
                .body("assessments[1].source_type", equalTo("HUMAN"))
                .body("assessments[1].source_id", equalTo("alice-subject"))
                .body("assessments[1].rationale", equalTo("because"))
                .body("assessments[1].valid", equalTo(true))
                .extract().jsonPath();
        assertNull(json.get("assessments[1].error"));
        given().get("/api/v1/traces/99999999").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("99999999"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerCannotReadTraces() {
        given().get("/api/v1/traces/1").then().statusCode(403);
    }
}
