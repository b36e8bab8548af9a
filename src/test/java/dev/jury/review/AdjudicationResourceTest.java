package dev.jury.review;

import dev.jury.security.ReviewerDirectory;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An admin settles a disagreement: the final label decides the item's consensus and moves the queue's counters. */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class AdjudicationResourceTest {

    @Inject
    ReviewFixtures fixtures;

    @Inject
    ReviewService reviews;

    @Inject
    ReviewerDirectory directory;

    String experiment;
    ReviewQueue queue;
    long trace;

    /** A k=2 queue whose first item alice labels yes and bob labels no: complete, consensus NONE. */
    void disagreement() throws SQLException {
        experiment = fixtures.experiment();
        fixtures.traces(experiment, 2, 2);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        var alice = new ReviewService.Reviewer("alice-" + suffix, "alice");
        var bob = new ReviewService.Reviewer("bob-" + suffix, "bob");
        directory.record(alice.subject(), "alice", "Alice", null);
        directory.record(bob.subject(), "bob", "Bob", null);
        queue = fixtures.queue(experiment, 4, 2, true, List.of("alice", "bob"));
        var a = reviews.nextItem(queue.id, alice).orElseThrow();
        var b = reviews.nextItem(queue.id, bob).orElseThrow();
        assertEquals(a.offer().traceId(), b.offer().traceId(), "both get the top item");
        trace = a.offer().traceId();
        reviews.submit(null, a.offer().leaseId(), alice, a.offer().token().toString(), "yes", "4 is right");
        reviews.submit(null, b.offer().leaseId(), bob, b.offer().token().toString(), "no", "the question was 2+3");
    }

    String consensus() throws SQLException {
        return fixtures.text("SELECT consensus FROM queue_item WHERE queue_id = ? AND trace_id = ?", queue.id, trace);
    }

    long counter(String column) throws SQLException {
        return fixtures.count("SELECT " + column + " FROM review_queue WHERE id = ?", queue.id);
    }

    String url() {
        return "/experiments/" + experiment + "/traces/" + trace + "/adjudicate?name=correct&queue=" + queue.id;
    }

    @Test
    void adjudicationDecidesTheConsensusAndMovesTheCounters() throws SQLException {
        disagreement();
        assertEquals("NONE", consensus());
        assertEquals(1, counter("items_complete"));
        assertEquals(0, counter("consensus_negative") + counter("consensus_positive"));
        given().get("/queues/" + queue.id).then().statusCode(200)
                .body(containsString("In disagreement (1)"))
                .body(containsString("/traces/" + trace + "/adjudicate?name=correct&amp;queue=" + queue.id));

        Response page = given().get(url());
        page.then().statusCode(200)
                .body(containsString("4 is right")).body(containsString("the question was 2+3"))
                .body(containsString("alice")).body(containsString("bob"))
                .body(containsString("judge says so"))
                .body(containsString("Use as example for judge correct"));

        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(page))
                .formParam("value", "no").formParam("rationale", "the user asked 2+3")
                .post(url())
                .then().statusCode(303).header("Location", containsString("/queues/" + queue.id));
        assertEquals("NEGATIVE", consensus());
        assertEquals(1, counter("consensus_negative"));
        assertEquals(0, counter("consensus_positive"));
        assertEquals(1, counter("items_complete"));
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM audit_event WHERE action = 'queue.adjudicated' AND target_id = ?""",
                String.valueOf(queue.id)));

        // a second adjudication by the same admin supersedes the first and moves the counters back
        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(page))
                .formParam("value", "yes").formParam("rationale", "re-read: it was 2+2")
                .post(url()).then().statusCode(303);
        assertEquals("POSITIVE", consensus());
        assertEquals(0, counter("consensus_negative"));
        assertEquals(1, counter("consensus_positive"));
        assertEquals(2, fixtures.count("""
                SELECT count(*) FROM assessment WHERE trace_id = ? AND source_id = 'adjudication:admin'""", trace));
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM assessment WHERE trace_id = ? AND source_id = 'adjudication:admin'
                   AND superseded_by IS NULL AND value = 'yes' AND source_type = 'HUMAN'""", trace));
        given().get("/queues/" + queue.id).then().body(containsString("In disagreement (0)"));
    }

    @Test
    void invalidFinalLabelKeepsWhatWasTyped() throws SQLException {
        disagreement();
        Response page = given().get(url());
        given().cookies(page.getCookies()).formParam("csrf-token", ReviewFixtures.csrf(page))
                .formParam("value", "perhaps").formParam("rationale", "typed carefully")
                .post(url())
                .then().statusCode(422)
                .body(containsString("is not one of: yes, no"))
                .body(containsString(">typed carefully</textarea>"));
        assertEquals("NONE", consensus());
    }

    @Test
    void unknownTraceNameOrQueueIsNotFound() throws SQLException {
        disagreement();
        given().get("/experiments/" + experiment + "/traces/999999999/adjudicate?name=correct").then().statusCode(404)
                .body(containsString("No trace 999999999"));
        given().get("/experiments/" + experiment + "/traces/" + trace + "/adjudicate?name=nope").then().statusCode(404)
                .body(containsString("nope"));
        given().get("/experiments/" + experiment + "/traces/" + trace + "/adjudicate?name=correct&queue=999999999")
                .then().statusCode(404);
    }
}
