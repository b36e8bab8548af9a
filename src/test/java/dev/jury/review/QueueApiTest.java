package dev.jury.review;

import dev.jury.testenv.Tokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Queue creation and the review loop over the API, with real Keycloak tokens for several people. */
@QuarkusTest
class QueueApiTest {

    @Inject
    AgroalDataSource dataSource;

    String experiment;

    static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.forUser(user)).contentType(ContentType.JSON);
    }

    /** An experiment with a yes/no rubric 'correct' and traces the judge predicted: negatives, positives. */
    void seed(int negatives, int positives) throws SQLException {
        experiment = "q-" + UUID.randomUUID().toString().substring(0, 8);
        as("admin").body(Map.of("name", experiment)).post("/api/v1/experiments").then().statusCode(201);
        as("admin").body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Correct", "definition", "Answers the question correctly.", "negative", false),
                        Map.of("value", "no", "label", "Wrong", "definition", "Wrong or misleading.", "negative", true)),
                        "guidelines", "Judge the answer only.", "rationale_required", true, "min_rationale_length", 3))
                .put("/api/v1/experiments/" + experiment + "/rubrics/correct").then().statusCode(201);
        try (var c = dataSource.getConnection()) {
            long exp;
            try (var s = c.prepareStatement("SELECT id FROM experiment WHERE name = ?")) {
                s.setString(1, experiment);
                var rs = s.executeQuery();
                rs.next();
                exp = rs.getLong(1);
            }
            for (int i = 0; i < negatives + positives; i++) {
                try (var s = c.prepareStatement("""
                        WITH t AS (INSERT INTO trace (experiment_id, inputs, outputs) VALUES (?, '{"q": "2+2?"}', ?::jsonb) RETURNING id)
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                        SELECT t.id, 'correct', ?, 'judge says', 'LLM_JUDGE', 'judge:correct@v1' FROM t""")) {
                    s.setLong(1, exp);
                    s.setString(2, "\"answer " + i + "\"");
                    s.setString(3, i < negatives ? "no" : "yes");
                    s.executeUpdate();
                }
            }
        }
    }

    Map<String, Object> queueRequest(int size) {
        var body = new HashMap<String, Object>();
        body.put("name", "first pass");
        body.put("judge", "correct");
        body.put("size", size);
        body.put("reviewers_per_item", 2);
        body.put("members", List.of("alice", "bob"));
        body.put("seed", 7);
        return body;
    }

    long createQueue(Map<String, Object> body) {
        return ((Number) as("admin").body(body).post("/api/v1/experiments/" + experiment + "/queues")
                .then().statusCode(201).extract().path("id")).longValue();
    }

    @BeforeEach
    void fresh() throws SQLException {
        seed(12, 28);
    }

    @Test
    void balancedQueueIsCreatedWithThePinnedRubric() {
        as("admin").body(queueRequest(20)).post("/api/v1/experiments/" + experiment + "/queues")
                .then().statusCode(201)
                .body("size", equalTo(20))
                .body("balanced", equalTo(true))
                .body("rubric_version", equalTo(1));
    }

    @Test
    void shortfallIsA409WithTheExactNumbers() {
        var request = queueRequest(40);
        request.put("balance", 0.35); // ⌈0.35·40⌉ = 14 per side; the pool has 12 predicted negatives
        as("admin").body(request).post("/api/v1/experiments/" + experiment + "/queues")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("pool has 12 predicted negatives; a balanced queue of 40 needs 14"))
                .body("shortfall.largest_balanced_size", equalTo(34)) // ⌈0.35·34⌉ = 12, ⌈0.35·35⌉ = 13
                .body("shortfall.pool_negative", equalTo(12));
        var unbalanced = new HashMap<>(request);
        unbalanced.put("allow_unbalanced", true);
        as("admin").body(unbalanced).post("/api/v1/experiments/" + experiment + "/queues")
                .then().statusCode(201).body("balanced", equalTo(false)).body("balance", equalTo("UNBALANCED"));
    }

    @Test
    void theLoopOverTheApiForMembersOnly() {
        long queue = createQueue(queueRequest(10));
        // carol is not a member: the queue does not exist for her
        as("carol").post("/api/v1/queues/" + queue + "/next").then().statusCode(404);
        as("carol").get("/api/v1/queues/" + queue).then().statusCode(404);

        var item = as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .body("trace.inputs.q", equalTo("2+2?"))
                .body("rubric.allowed_values", hasItems("yes", "no"))
                .body("judge_assessment", nullValue()) // blind by default
                .extract().jsonPath();
        long lease = item.getLong("lease_id");
        String token = item.getString("token");
        // reload gives the same lease
        assertEquals(lease, as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .extract().jsonPath().getLong("lease_id"));
        // bob cannot submit alice's lease
        as("bob").body(Map.of("token", token, "value", "yes", "rationale", "looks right"))
                .post("/api/v1/leases/" + lease + "/submit").then().statusCode(404);
        // value outside the rubric, missing rationale: 422 naming the field
        as("alice").body(Map.of("token", token, "value", "maybe", "rationale", "hmm"))
                .post("/api/v1/leases/" + lease + "/submit").then().statusCode(422)
                .body("errors[0].field", equalTo("value")).body("detail", containsString("maybe"));
        as("alice").body(Map.of("token", token, "value", "yes", "rationale", ""))
                .post("/api/v1/leases/" + lease + "/submit").then().statusCode(422)
                .body("errors[0].field", equalTo("rationale"));
        // submit, then the same token again: same assessment
        int id = as("alice").body(Map.of("token", token, "value", "Yes", "rationale", "4 is right"))
                .post("/api/v1/leases/" + lease + "/submit").then().statusCode(201).extract().path("assessment_id");
        as("alice").body(Map.of("token", token, "value", "Yes", "rationale", "4 is right"))
                .post("/api/v1/leases/" + lease + "/submit").then().statusCode(200).body("assessment_id", equalTo(id));
        // skip the next one
        var second = as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200).extract().jsonPath();
        as("alice").body(Map.of("token", second.getString("token"), "reason", "not my area"))
                .post("/api/v1/leases/" + second.getLong("lease_id") + "/skip").then().statusCode(204);
        // a member sees their progress only; the admin sees everyone's counts
        as("alice").get("/api/v1/queues/" + queue).then().statusCode(200)
                .body("progress.mine", equalTo(1)).body("reviewers", nullValue());
        as("admin").get("/api/v1/queues/" + queue).then().statusCode(200)
                .body("labels", equalTo(1)).body("reviewers[0].labelled", equalTo(1)).body("members", hasItems("alice", "bob"));
    }

    /**
     * The JSON of next as it is built without entities (trace JSON passed through as stored, the pinned rubric
     * kept in memory, progress from the queue's counter), and submit's lease/membership/closed checks in one query.
     */
    @Test
    void nextCarriesTraceRubricAndProgressAndSubmitChecksTheLeaseQueue() throws SQLException {
        long queue = createQueue(queueRequest(10));
        var first = as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .body("trace.inputs", equalTo(Map.of("q", "2+2?")))
                .body("trace.outputs", startsWith("answer "))
                .body("trace", hasKey("expectations")).body("trace.expectations", nullValue())
                .body("rubric.version", equalTo(1)).body("rubric.kind", equalTo("boolean"))
                .body("rubric.levels.value", equalTo(List.of("yes", "no")))
                .body("rubric.levels[1].negative", equalTo(true))
                .body("rubric.guidelines", equalTo("Judge the answer only."))
                .body("rubric.rationale_required", equalTo(true))
                .body("progress.mine", equalTo(0)).body("progress.complete", equalTo(0))
                .body("progress.size", equalTo(10))
                .extract().jsonPath();
        long traceId = first.getLong("trace.id");
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("SELECT outputs #>> '{}' FROM trace WHERE id = ?")) {
            s.setLong(1, traceId);
            var rs = s.executeQuery();
            rs.next();
            assertEquals(rs.getString(1), first.getString("trace.outputs"));
        }
        as("alice").body(Map.of("token", first.getString("token"), "value", "yes", "rationale", "four"))
                .post("/api/v1/leases/" + first.getLong("lease_id") + "/submit").then().statusCode(201);
        // bob gets the same item (k = 2, nothing else ahead of it); his label completes it
        var bobs = as("bob").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .body("trace.id", equalTo((int) traceId)).body("progress.complete", equalTo(0)).extract().jsonPath();
        as("bob").body(Map.of("token", bobs.getString("token"), "value", "no", "rationale", "five"))
                .post("/api/v1/leases/" + bobs.getLong("lease_id") + "/submit").then().statusCode(201);
        var second = as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .body("progress.mine", equalTo(1)).body("progress.complete", equalTo(1)).extract().jsonPath();
        as("admin").get("/api/v1/queues/" + queue).then().statusCode(200).body("complete", equalTo(1));

        // someone else's lease is not found; a closed queue refuses the label and says so
        as("bob").body(Map.of("token", second.getString("token"), "value", "yes", "rationale", "mine now"))
                .post("/api/v1/leases/" + second.getLong("lease_id") + "/submit").then().statusCode(404);
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("UPDATE review_queue SET status = 'CLOSED' WHERE id = ?")) {
            s.setLong(1, queue);
            s.executeUpdate();
        }
        as("alice").body(Map.of("token", second.getString("token"), "value", "yes", "rationale", "late"))
                .post("/api/v1/leases/" + second.getLong("lease_id") + "/submit").then().statusCode(409)
                .body("detail", equalTo("Queue 'first pass' is closed; your label was not stored."));
        // and a member removed from the queue no longer reaches it through an old lease
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("DELETE FROM queue_member WHERE queue_id = ? AND username = 'alice'")) {
            s.setLong(1, queue);
            s.executeUpdate();
        }
        as("alice").body(Map.of("token", second.getString("token"), "value", "yes", "rationale", "late"))
                .post("/api/v1/leases/" + second.getLong("lease_id") + "/submit").then().statusCode(404)
                .body("detail", equalTo("No review queue " + queue + "."));
    }

    @Test
    void openQueuesShowTheJudgeAssessment() {
        var body = queueRequest(10);
        body.put("blind", false);
        long queue = createQueue(body);
        as("bob").post("/api/v1/queues/" + queue + "/next").then().statusCode(200)
                .body("judge_assessment.source", equalTo("judge:correct@v1"));
    }

    @Test
    void reviewersCannotCreateQueuesAndNothingLeftIs204() {
        as("alice").body(queueRequest(10)).post("/api/v1/experiments/" + experiment + "/queues").then().statusCode(403);
        var body = queueRequest(2);
        body.put("reviewers_per_item", 1);
        body.put("balance", 0.0);
        long queue = createQueue(body);
        for (int i = 0; i < 2; i++) {
            var item = as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(200).extract().jsonPath();
            as("alice").body(Map.of("token", item.getString("token"), "value", "no", "rationale", "wrong sum"))
                    .post("/api/v1/leases/" + item.getLong("lease_id") + "/submit").then().statusCode(201);
        }
        as("alice").post("/api/v1/queues/" + queue + "/next").then().statusCode(204);
        as("bob").post("/api/v1/queues/" + queue + "/next").then().statusCode(204);
    }
}
