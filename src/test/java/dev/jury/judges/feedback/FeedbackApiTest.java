package dev.jury.judges.feedback;

import dev.jury.judges.ApiFixtures;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.security.AuditEvent;
import dev.jury.labels.Assessment;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class FeedbackApiTest {

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    private static ValidatableResponse post(String exp, Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/experiments/" + exp + "/assessments").then();
    }

    private static Map<String, Object> label(long traceId, String name, Object value) {
        var m = new HashMap<String, Object>();
        m.put("trace_id", traceId);
        m.put("name", name);
        m.put("value", value);
        m.put("source_type", "HUMAN");
        m.put("source_id", "ground_truth_dataset");
        return m;
    }

    @Test
    void storesAValidLabelInTheRubricsSpellingWithItsRubricVersion() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        long trace = ApiFixtures.trace(exp);
        var body = label(trace, "quality", " Good ");
        body.put("metadata", Map.of("dataset", "golden-v1"));
        long id = ((Number) post(exp, body).statusCode(201)
                .body("assessment_id", notNullValue())
                .body("supersedes", nullValue())
                .body("value", equalTo("good"))
                .body("rubric_version", equalTo(1))
                .extract().path("assessment_id")).longValue();

        Assessment stored = Assessment.findById(id);
        assertEquals("good", stored.value);
        assertEquals("quality", stored.name);
        assertEquals("ground_truth_dataset", stored.sourceId);
        assertNull(stored.rationale, "programmatic feedback may omit the rationale the rubric requires of reviewers");
        assertNull(stored.judgeVersionId);
        assertTrue(stored.valid);
        assertEquals("golden-v1", stored.metadata.get("dataset").asText());
        Long rubricVersionId = stored.rubricVersionId;
        assertEquals(rubricVersionId, dev.jury.rubrics.Rubric.findByName(
                dev.jury.experiments.Experiment.findByName(exp).orElseThrow().id, "quality").orElseThrow()
                .current().id);
    }

    @Test
    void aValueOutsideTheRubricIsRefusedWithTheRubricsMessage() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        long trace = ApiFixtures.trace(exp);
        RubricSpec spec = dev.jury.rubrics.RubricFixtures.quality();
        post(exp, label(trace, "quality", "excellent!")).statusCode(422)
                .contentType("application/problem+json")
                .body("detail", equalTo(RubricValues.notAllowedMessage(spec, "excellent!")))
                .body("errors[0].field", equalTo("value"));
        assertEquals(0, Assessment.count("traceId", trace));
    }

    @Test
    void anUnknownNameIsRefusedNamingTheAvailableOnes() {
        String exp = ApiFixtures.experiment();
        long trace = ApiFixtures.trace(exp);
        post(exp, label(trace, "quality", "good")).statusCode(422)
                .body("detail", containsString("has no judge or rubric yet"));
        ApiFixtures.rubric(exp, "quality");
        ApiFixtures.rubric(exp, "safety");
        post(exp, label(trace, "tone", "good")).statusCode(422)
                .body("errors[0].field", equalTo("name"))
                .body("detail", containsString("available names: quality, safety"));
    }

    @Test
    void anUnknownTraceIs404() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        post(exp, label(999_999_999L, "quality", "good")).statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("No trace 999999999 in experiment '" + exp + "'"));
        // a trace of another experiment is not found here either
        String other = ApiFixtures.experiment();
        long foreign = ApiFixtures.trace(other);
        post(exp, label(foreign, "quality", "good")).statusCode(404);
        post("no-such-exp", label(foreign, "quality", "good")).statusCode(404)
                .body("detail", containsString("no-such-exp"));
    }

    @Test
    void aNewLabelFromTheSameSourceSupersedesTheOldOneAndKeepsBoth() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        long trace = ApiFixtures.trace(exp);
        long first = ((Number) post(exp, label(trace, "quality", "good")).statusCode(201)
                .extract().path("assessment_id")).longValue();
        long second = ((Number) post(exp, label(trace, "quality", "poor")).statusCode(201)
                .body("supersedes", equalTo((int) first))
                .extract().path("assessment_id")).longValue();
        // another source's label on the same trace is independent
        var other = label(trace, "quality", "fair");
        other.put("source_id", "nightly_check");
        other.put("source_type", "CODE");
        post(exp, other).statusCode(201).body("supersedes", nullValue());

        List<Assessment> history = Assessment.listForTrace(trace);
        assertEquals(3, history.size());
        Assessment old = history.get(0);
        assertEquals(first, old.id);
        assertEquals("good", old.value);
        assertEquals(second, old.supersededBy);
        assertEquals(first, history.get(1).supersedes);
        assertNull(history.get(1).supersededBy);
        assertEquals("poor", Assessment.findCurrentLabel(trace, "quality", "ground_truth_dataset").orElseThrow().value);
    }

    @Test
    void shapeProblemsAreReportedByField() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        long trace = ApiFixtures.trace(exp);
        var judgeSource = label(trace, "quality", "good");
        judgeSource.put("source_type", "LLM_JUDGE");
        post(exp, judgeSource).statusCode(422).body("errors[0].field", equalTo("source_type"))
                .body("detail", containsString("reserved for judge runs"));
        post(exp, Map.of("name", "quality")).statusCode(422)
                .body("errors.field", contains("trace_id", "value", "source_type", "source_id"));
    }

    @Test
    void bulkStoresTheGoodItemsAndReportsTheBadOnesByIndex() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        long a = ApiFixtures.trace(exp);
        long b = ApiFixtures.trace(exp);
        long auditBefore = AuditEvent.count("targetType = ?1 and targetId = ?2", "experiment", exp);
        var items = List.of(
                label(a, "quality", "good"),
                label(b, "quality", "brilliant"),
                label(999_999_999L, "quality", "good"),
                Map.of("trace_id", b),
                label(b, "quality", "POOR"),
                label(a, "quality", "fair"));
        post(exp, items).statusCode(201)
                .body("created", equalTo(3))
                .body("superseded", equalTo(1))
                .body("assessments.index", contains(0, 4, 5))
                .body("errors", hasSize(3))
                .body("errors.index", contains(1, 2, 3))
                .body("errors[0].field", equalTo("value"))
                .body("errors[0].message", containsString("'brilliant' is not one of"))
                .body("errors[1].message", containsString("No trace 999999999"))
                .body("errors[2].field", equalTo("name"));

        assertEquals("fair", Assessment.findCurrentLabel(a, "quality", "ground_truth_dataset").orElseThrow().value);
        assertEquals("poor", Assessment.findCurrentLabel(b, "quality", "ground_truth_dataset").orElseThrow().value);
        assertEquals(2, Assessment.count("traceId", a));
        // one audit event for the request, with its counts
        List<AuditEvent> events = AuditEvent.listFor("experiment", exp, 10);
        assertEquals(auditBefore + 1, events.size());
        assertEquals("feedback.imported", events.get(0).action);
        assertTrue(events.get(0).detail.contains("3 labels stored (1 superseding an earlier label), 3 refused"),
                events.get(0).detail);
    }

    @Test
    void bulkWithNothingStorableIs422ListingEveryItem() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        long a = ApiFixtures.trace(exp);
        post(exp, List.of(label(a, "quality", "meh"), "not an object")).statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("[0].value", "[1].item"))
                .body("detail", containsString("None of the 2 assessments was stored"));
        post(exp, List.of()).statusCode(422).body("detail", containsString("empty"));
        assertEquals(0, Assessment.count("traceId", a));
        assertFalse(AuditEvent.listFor("experiment", exp, 10).stream()
                .anyMatch(e -> e.action.equals("feedback.imported")));
    }

    @Test
    void booleanRubricsAcceptJsonBooleans() {
        String exp = ApiFixtures.experiment();
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "rationale_required", false,
                        "levels", List.of(ApiFixtures.level("yes", "Yes", "Cites a source.", false),
                                ApiFixtures.level("no", "No", "No source.", true))))
                .put("/api/v1/experiments/" + exp + "/rubrics/cites_source").then().statusCode(201);
        long trace = ApiFixtures.trace(exp);
        post(exp, label(trace, "cites_source", false)).statusCode(201).body("value", equalTo("no"));
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void serviceMayLogFeedback() {
        // set up through the services: the service role may not create experiments or rubrics
        String exp = "svc-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        experiments.create(exp, "", "admin");
        rubrics.save(exp, "quality", dev.jury.rubrics.RubricFixtures.quality(), "admin");
        long trace = ApiFixtures.trace(exp);
        post(exp, label(trace, "quality", "excellent")).statusCode(201).body("value", equalTo("excellent"));
        assertEquals("svc", AuditEvent.listFor("experiment", exp, 1).get(0).actor);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        post("any", label(1, "quality", "good")).statusCode(403).contentType("application/problem+json");
    }
}
