package dev.jury.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admin queue pages: the create form with its shortfall choices, the queue page, membership, exports, roles. */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class QueueResourceTest {

    @Inject
    ReviewFixtures fixtures;

    @Inject
    ReviewService reviews;

    @Inject
    ObjectMapper json;

    String experiment;

    /** 12 predicted negatives, 28 positives (the numbers of QueueApiTest's shortfall). */
    String seeded() throws SQLException {
        experiment = fixtures.experiment();
        fixtures.traces(experiment, 12, 28);
        return experiment;
    }

    RequestSpecification form(Response page) {
        return given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(page));
    }

    RequestSpecification createForm(Response page, String name, String size, String balance) {
        return form(page).formParam("name", name).formParam("judge", ReviewFixtures.JUDGE)
                .formParam("size", size).formParam("reviewers_per_item", "2").formParam("balance", balance)
                .formParam("blind", "true").formParam("consensus_rule", "majority").formParam("lease_minutes", "10")
                .formParam("members", "alice").formParam("more_members", "zoe, yann").formParam("seed", "7");
    }

    static long queueId(Response created) {
        String location = created.getHeader("Location");
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void listShowsTheFormWithTheExperimentsJudges() throws SQLException {
        seeded();
        given().get("/experiments/" + experiment + "/queues").then().statusCode(200)
                .body(containsString("New review queue"))
                .body(containsString("<option value=\"correct\" selected>correct</option>"))
                .body(containsString("name=\"blind\" value=\"true\" checked"))
                .body(containsString("value=\"0.30\""));
    }

    @Test
    void formCreatesABalancedQueueAndRedirectsToItsPage() throws SQLException {
        seeded();
        Response page = given().get("/experiments/" + experiment + "/queues");
        Response created = createForm(page, "first pass", "20", "0.30")
                .post("/experiments/" + experiment + "/queues");
        created.then().statusCode(303).header("Location", containsString("/queues/"));
        long id = queueId(created);
        var queue = fixtures.count("SELECT size FROM review_queue WHERE id = ? AND balance = 'BALANCED' AND blind", id);
        assertEquals(20, queue);
        assertEquals(3, fixtures.count("SELECT count(*) FROM queue_member WHERE queue_id = ?", id),
                "ticked alice plus typed zoe and yann");
        given().get("/queues/" + id).then().statusCode(200)
                .body(containsString("first pass"))
                .body(containsString("0 / 20"))
                .body(containsString("hx-trigger=\"every 5s\""))
                .body(containsString("/experiments/" + experiment + "/rubrics/correct/versions/1"))
                .body(containsString("queue.created"));
        given().get("/experiments/" + experiment + "/queues").then().body(containsString("first pass"))
                .body(containsString("balanced"));
    }

    @Test
    void shortfallShowsBothChoicesAndEachWorks() throws SQLException {
        seeded();
        Response page = given().get("/experiments/" + experiment + "/queues");
        // ⌈0.35·40⌉ = 14 per side; the pool has 12 predicted negatives; 34 is the largest balanced size
        createForm(page, "too big", "40", "0.35").post("/experiments/" + experiment + "/queues")
                .then().statusCode(409)
                .body(containsString("pool has 12 predicted negatives; a balanced queue of 40 needs 14"))
                .body(containsString("Create a balanced queue of 34"))
                .body(containsString("Create anyway, marked unbalanced"))
                .body(containsString("value=\"too big\""))
                .body(containsString("value=\"zoe, yann\""));

        Response smaller = createForm(page, "too big", "40", "0.35").formParam("choice", "smaller")
                .formParam("balanced_size", "34").post("/experiments/" + experiment + "/queues");
        smaller.then().statusCode(303);
        assertEquals(34, fixtures.count("SELECT size FROM review_queue WHERE id = ? AND balance = 'BALANCED'",
                queueId(smaller)));

        Response anyway = createForm(page, "unbalanced one", "40", "0.35").formParam("choice", "unbalanced")
                .formParam("balanced_size", "34").post("/experiments/" + experiment + "/queues");
        anyway.then().statusCode(303);
        assertEquals(40, fixtures.count("SELECT size FROM review_queue WHERE id = ? AND balance = 'UNBALANCED'",
                queueId(anyway)));
        given().get("/queues/" + queueId(anyway)).then().statusCode(200).body(containsString("unbalanced"));
    }

    @Test
    void badInputIsShownInlineWithEverythingTypedKept() throws SQLException {
        seeded();
        Response page = given().get("/experiments/" + experiment + "/queues");
        form(page).formParam("name", "typed name").formParam("judge", "correct").formParam("size", "lots")
                .formParam("reviewers_per_item", "2").formParam("balance", "0.3").formParam("lease_minutes", "10")
                .formParam("from", "yesterday").formParam("more_members", "zoe")
                .post("/experiments/" + experiment + "/queues")
                .then().statusCode(422)
                .body(containsString("The size must be a whole number of items, e.g. 200; got &#39;lots&#39;."))
                .body(containsString("A date is written yyyy-mm-dd"))
                .body(containsString("value=\"typed name\"")).body(containsString("value=\"lots\""))
                .body(containsString("value=\"zoe\""));
        form(page).formParam("name", "k too big").formParam("judge", "correct").formParam("size", "10")
                .formParam("reviewers_per_item", "11").formParam("balance", "0.3").formParam("lease_minutes", "10")
                .post("/experiments/" + experiment + "/queues")
                .then().statusCode(422).body(containsString("Reviewers per item must be between 1 and 10."))
                .body(containsString("value=\"k too big\""));
        assertEquals(0, fixtures.count("""
                SELECT count(*) FROM review_queue q JOIN experiment e ON e.id = q.experiment_id WHERE e.name = ?""",
                experiment));
    }

    @Test
    void closeAndReopen() throws SQLException {
        var queue = fixtures.queue(seeded(), 10, 2, true, List.of("alice"));
        Response page = given().get("/queues/" + queue.id);
        form(page).post("/queues/" + queue.id + "/close").then().statusCode(303);
        assertEquals("CLOSED", fixtures.text("SELECT status FROM review_queue WHERE id = ?", queue.id));
        given().get("/queues/" + queue.id).then().body(containsString("Reopen the queue"))
                .body(containsString("queue.closed"));
        form(page).post("/queues/" + queue.id + "/reopen").then().statusCode(303);
        assertEquals("OPEN", fixtures.text("SELECT status FROM review_queue WHERE id = ?", queue.id));
        // without the CSRF token the form post is refused
        given().redirects().follow(false).post("/queues/" + queue.id + "/close").then().statusCode(400);
        assertEquals("OPEN", fixtures.text("SELECT status FROM review_queue WHERE id = ?", queue.id));
    }

    @Test
    void addAndRemoveMembers() throws SQLException {
        var queue = fixtures.queue(seeded(), 10, 2, true, List.of("alice"));
        Response page = given().get("/queues/" + queue.id);
        form(page).formParam("more_members", "dave erin").post("/queues/" + queue.id + "/members")
                .then().statusCode(303);
        assertTrue(QueueMember.isMember(queue.id, "dave"));
        assertTrue(QueueMember.isMember(queue.id, "erin"));
        form(page).formParam("more_members", "").post("/queues/" + queue.id + "/members")
                .then().statusCode(422).body(containsString("Tick a reviewer or type at least one username."));
        form(page).formParam("username", "dave").post("/queues/" + queue.id + "/members/remove")
                .then().statusCode(303);
        assertFalse(QueueMember.isMember(queue.id, "dave"));
        given().get("/queues/" + queue.id).then().body(containsString("queue.member_removed"))
                .body(containsString("erin"));
    }

    @Test
    void theLiveRegionListsTheFirstFiftyDisagreementsAndCountsAllOfThem() throws SQLException {
        experiment = fixtures.experiment();
        fixtures.traces(experiment, 30, 40);
        var queue = fixtures.queue(experiment, 60, 2, true, List.of("alice"));
        QuarkusTransaction.requiringNew().run(() -> Panache.getEntityManager().createNativeQuery(
                        "UPDATE queue_item SET completed = 2, is_full = TRUE, consensus = 'NONE' WHERE queue_id = ?1")
                .setParameter(1, queue.id).executeUpdate());

        String live = given().header("HX-Request", "true").get("/queues/" + queue.id).then().statusCode(200)
                .extract().asString();
        assertTrue(live.contains("In disagreement (60)"), live);
        assertEquals(50, live.split("/adjudicate\\?name=").length - 1, "the first fifty are listed");
        assertTrue(live.contains("50 of 60, highest priority first"));
        assertTrue(live.contains("href=\"/experiments/" + experiment + "/agreement?queue=" + queue.id
                + "#disagreements\""), "the rest are paged in the agreement report");
        given().get("/api/v1/queues/" + queue.id).then().statusCode(200)
                .body("disagreements", org.hamcrest.Matchers.equalTo(60));
    }

    @Test
    void htmxPollingGetsOnlyTheLiveRegion() throws SQLException {
        var queue = fixtures.queue(seeded(), 10, 2, true, List.of("alice"));
        given().header("HX-Request", "true").get("/queues/" + queue.id).then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(startsWith("<section id=\"live\"")).body(not(containsString("<html")));
    }

    /** alice labels three items and edits one; bob skips one: four assessments in the queue. */
    ReviewQueue labelled() throws SQLException {
        var queue = fixtures.queue(seeded(), 10, 2, true, List.of("alice", "bob"));
        var alice = new ReviewService.Reviewer("alice-subject", "alice");
        long firstLease = 0;
        for (int i = 0; i < 3; i++) {
            var item = reviews.nextItem(queue.id, alice).orElseThrow();
            if (i == 0) {
                firstLease = item.offer().leaseId();
            }
            reviews.submit(null, item.offer().leaseId(), alice, item.offer().token().toString(), i == 1 ? "no" : "yes",
                    "reason, with \"quotes\"\nand a line " + i);
        }
        reviews.edit(null, firstLease, alice, "no", "changed");
        var bob = new ReviewService.Reviewer("bob-subject", "bob");
        var item = reviews.nextItem(queue.id, bob).orElseThrow();
        reviews.skip(null, item.offer().leaseId(), bob, item.offer().token().toString(), "unsure");
        return queue;
    }

    @Test
    void exportsWriteOneRowPerAssessment() throws Exception {
        var queue = labelled();
        long assessments = fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", queue.id);
        assertEquals(4, assessments);

        String jsonl = given().get("/api/v1/queues/" + queue.id + "/labels.jsonl").then().statusCode(200)
                .contentType(containsString("application/x-ndjson"))
                .header("Content-Disposition", containsString("labels.jsonl")).extract().asString();
        var lines = jsonl.strip().split("\n");
        assertEquals(assessments, lines.length, jsonl);
        var rows = new ArrayList<JsonNode>();
        for (String line : lines) {
            rows.add(json.readTree(line));
        }
        assertEquals("alice-subject", rows.get(0).path("source").path("id").asText());
        assertEquals("HUMAN", rows.get(0).path("source").path("type").asText());
        assertEquals(1, rows.get(0).path("rubric_version").asInt());
        assertEquals(rows.get(3).path("assessment_id").asLong(), rows.get(0).path("superseded_by").asLong(),
                "the edit supersedes the first label");
        assertTrue(rows.get(3).path("superseded_by").isNull());
        assertTrue(rows.get(0).has("time_spent_ms") && rows.get(0).has("created_at") && rows.get(0).has("extra"));

        String csv = given().get("/api/v1/queues/" + queue.id + "/labels.csv").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        assertTrue(csv.startsWith(LabelExport.CSV_HEADER + "\r\n"), csv);
        assertTrue(csv.contains("\"reason, with \"\"quotes\"\"\nand a line 0\""), csv);
        assertEquals(assessments + 1, csv.split("\r\n").length);

        JsonNode mlflow = json.readTree(given().get("/api/v1/queues/" + queue.id + "/labels.mlflow.json")
                .then().statusCode(200).contentType(containsString("application/json")).extract().asString());
        assertTrue(mlflow.isArray());
        assertEquals(assessments, mlflow.size());
        JsonNode old = mlflow.get(0);
        JsonNode edit = mlflow.get(3);
        assertEquals("correct", old.path("assessment_name").asText());
        assertEquals("HUMAN", old.path("source").path("source_type").asText());
        assertEquals("alice-subject", old.path("source").path("source_id").asText());
        assertEquals("yes", old.path("feedback").path("value").asText());
        assertTrue(old.path("create_time_ms").isIntegralNumber());
        assertTrue(old.path("create_time").asText().endsWith("Z"));
        assertFalse(old.path("valid").asBoolean(), "a superseded label is no longer valid, as in MLflow");
        assertTrue(edit.path("valid").asBoolean());
        assertEquals(old.path("assessment_id").asText(), edit.path("overrides").asText());
        assertEquals("changed", edit.path("rationale").asText());
        assertEquals(String.valueOf(queue.id), edit.path("metadata").path("jury.queue_id").asText());

        // A label's own metadata (a 1–5 score beside the yes/no) goes out with it: JSON as stored, MLflow as strings.
        fixtures.count("WITH s AS (UPDATE assessment SET metadata = '{\"score\": 4, \"note\": \"x\"}'::jsonb "
                + "WHERE id = ? RETURNING 1) SELECT count(*) FROM s", edit.path("assessment_id").asLong());
        String scored = given().get("/api/v1/queues/" + queue.id + "/labels.jsonl").then().statusCode(200)
                .extract().asString().strip().split("\n")[3];
        assertEquals(4, json.readTree(scored).path("metadata").path("score").asInt());
        JsonNode scoredMlflow = json.readTree(given().get("/api/v1/queues/" + queue.id + "/labels.mlflow.json")
                .then().statusCode(200).extract().asString()).get(3);
        assertEquals("4", scoredMlflow.path("metadata").path("score").asText());
        assertTrue(scoredMlflow.path("metadata").path("score").isTextual(), "MLflow metadata is a map of strings");
        assertEquals("x", scoredMlflow.path("metadata").path("note").asText());
        assertFalse(mlflow.get(0).path("metadata").has("score"));

        given().get("/api/v1/queues/999999999/labels.csv").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersAreForbiddenOnAdminPagesAndExports() throws SQLException {
        var queue = fixtures.queue(seeded(), 10, 2, true, List.of("alice"));
        given().get("/experiments/" + experiment + "/queues").then().statusCode(403);
        given().get("/queues/" + queue.id).then().statusCode(403);
        given().get("/api/v1/queues/" + queue.id + "/labels.jsonl").then().statusCode(403);
        given().get("/api/v1/queues/" + queue.id + "/labels.csv").then().statusCode(403);
        given().get("/api/v1/queues/" + queue.id + "/labels.mlflow.json").then().statusCode(403);
        given().get("/experiments/" + experiment + "/traces/1/adjudicate?name=correct").then().statusCode(403);
        // and the review page is theirs
        given().get("/review/" + queue.id).then().statusCode(200);
    }

    @Test
    void unknownQueueIsANotFoundPage() {
        given().get("/queues/999999999").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("No review queue 999999999"));
        given().get("/experiments/no-such-" + UUID.randomUUID().toString().substring(0, 4) + "/queues")
                .then().statusCode(404);
    }

    @Test
    void theFormCreatesAQueueOfAnotherSourceAndItsPageReportsTheStrata() throws SQLException {
        seeded();
        Response page = given().get("/experiments/" + experiment + "/queues");
        assertTrue(page.asString().matches("(?s).*<option value=\"stratified_random\"\\s*>Random, stratified by verdict</option>.*"),
                "the source choice");
        assertTrue(page.asString().contains("href=\"/experiments/" + experiment + "/uncertainty\""));
        Response created = createForm(page, "stratified", "20", "0.3").formParam("source", "stratified_random")
                .formParam("random_share", "0.2").post("/experiments/" + experiment + "/queues");
        assertEquals(303, created.statusCode(), created.asString());
        long queue = queueId(created);
        // 12 "no" and 28 "yes": proportional would give 6 negatives, the rule ⌈0.3·20⌉ raises it to 6 — π 6/12, 14/28
        given().get("/queues/" + queue).then().statusCode(200)
                .body(containsString("Strata (source: stratified_random)"))
                .body(containsString("VERDICT:no"))
                .body(containsString("0.500"))
                .body(containsString("weighted by 1/π"));
        // a balanced queue's page has no strata table
        Response plain = createForm(page, "plain", "10", "0.3").post("/experiments/" + experiment + "/queues");
        given().get("/queues/" + queueId(plain)).then().statusCode(200)
                .body(not(containsString("Strata (source")));
    }

    @Test
    void aSourceWithNothingToDrawIsShownInTheFormAsTyped() throws SQLException {
        seeded();
        Response page = given().get("/experiments/" + experiment + "/queues");
        createForm(page, "least sure", "10", "0.3").formParam("source", "uncertain").formParam("random_share", "0.2")
                .post("/experiments/" + experiment + "/queues").then().statusCode(409)
                .body(containsString("no trace in the pool has an uncertainty measurement"))
                .body(containsString("<option value=\"uncertain\" selected>"))
                .body(containsString("id=\"source\" name=\"source\" aria-describedby=\"source-help\" aria-invalid=\"true\""));
        createForm(page, "odd share", "10", "0.3").formParam("source", "uncertain").formParam("random_share", "0.9")
                .post("/experiments/" + experiment + "/queues").then().statusCode(422)
                .body(containsString("The random share must be between 0 and 0.5"))
                .body(containsString("value=\"0.9\""));
    }
}
