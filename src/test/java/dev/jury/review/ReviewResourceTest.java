package dev.jury.review;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reviewer's page: one item beside the rubric, form posts and htmx swaps, back and edit, safety. */
@QuarkusTest
@TestSecurity(user = "alice", roles = "reviewer")
class ReviewResourceTest {

    @Inject
    ReviewFixtures fixtures;

    @Inject
    QueueService queues;

    /** A queue of 6 items (3 predicted negative) with alice as member; under @TestSecurity her subject is "alice". */
    ReviewQueue queue(boolean blind) throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 3, 3);
        return fixtures.queue(experiment, 6, 2, blind, List.of("alice", "bob"));
    }

    static Response submit(Response page, long queue, String value, String rationale, boolean htmx) {
        var request = given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(page))
                .formParam("lease", ReviewFixtures.lease(page))
                .formParam("token", ReviewFixtures.token(page))
                .formParam("value", value).formParam("rationale", rationale);
        if (htmx) {
            request.header("HX-Request", "true");
        }
        return request.post("/review/" + queue + "/submit");
    }

    @Test
    void pageShowsOneItemBesideTheRubricWithNumberedLevels() throws SQLException {
        var queue = queue(true);
        given().get("/review/" + queue.id).then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(containsString("2+2?"))
                .body(containsString("Correct")).body(containsString("Answers the question correctly."))
                .body(containsString("Wrong or misleading."))
                .body(containsString("Judge the answer only, not the tone."))
                .body(containsString("data-key=\"1\"")).body(containsString("data-key=\"2\""))
                .body(containsString("Your labels: <strong class=\"count-mine\">0 / 6</strong>"))
                .body(containsString("queue 0 / 6 complete"))
                .body(containsString("Held for you until"))
                .body(containsString("(required)"))
                .body(containsString("/js/review.js"));
    }

    @Test
    void formPostStoresTheLabelAndRedirectsToTheNextItem() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        String firstLease = ReviewFixtures.lease(page);
        submit(page, queue.id, "yes", "four is right", false).then().statusCode(303)
                .header("Location", endsWith("/review/" + queue.id));
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM assessment WHERE queue_id = ? AND source_id = 'alice' AND value = 'yes'
                   AND rationale = 'four is right' AND source_type = 'HUMAN' AND name = 'correct'""", queue.id));
        Response next = given().get("/review/" + queue.id);
        next.then().statusCode(200).body(containsString("Your labels: <strong class=\"count-mine\">1 / 6</strong>"));
        assertNotEquals(firstLease, ReviewFixtures.lease(next));
    }

    @Test
    void htmxSubmitAnswersOnlyTheItemRegionWithTheNextItem() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        String firstLease = ReviewFixtures.lease(page);
        Response fragment = submit(page, queue.id, "no", "the sum is wrong", true);
        fragment.then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(startsWith("<div id=\"item\""))
                .body(not(containsString("<html")))
                .body(containsString("hx-swap-oob=\"true\"")).body(containsString("Label saved."))
                .body(containsString("Your labels: <strong class=\"count-mine\">1 / 6</strong>"));
        String nextLease = ReviewFixtures.lease(fragment);
        assertNotEquals(firstLease, nextLease);
        // the next item is already leased: a reload shows the same one
        assertEquals(nextLease, ReviewFixtures.lease(given().get("/review/" + queue.id)));
    }

    @Test
    void doubleSubmitStoresOneLabel() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        submit(page, queue.id, "yes", "four is right", false).then().statusCode(303);
        submit(page, queue.id, "yes", "four is right", false).then().statusCode(303);
        assertEquals(1, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ? AND source_id = 'alice'",
                queue.id));
    }

    @Test
    void invalidValueOrShortRationaleIs422WithTheTypedTextKept() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        submit(page, queue.id, "maybe", "typed before the mistake", false).then().statusCode(422)
                .body(containsString("&#39;maybe&#39; is not one of: yes, no"))
                .body(containsString(">typed before the mistake</textarea>"))
                .body(containsString("role=\"alert\""));
        submit(page, queue.id, "yes", "ok", true).then().statusCode(422)
                .body(startsWith("<div id=\"item\""))
                .body(containsString("The rationale is too short: 2 characters, at least 3 are required."))
                .body(containsString(">ok</textarea>"))
                .body(matchesPattern("(?s).*value=\"yes\" class=\"level-radio\"\\s+checked.*"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", queue.id));
        // the lease is still alice's: a proper submit now works
        submit(page, queue.id, "yes", "right answer", false).then().statusCode(303);
    }

    @Test
    void skipRecordsTheReasonAndMovesOn() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        String lease = ReviewFixtures.lease(page);
        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(page)).formParam("lease", lease)
                .formParam("token", ReviewFixtures.token(page)).formParam("reason", "not my area")
                .post("/review/" + queue.id + "/skip")
                .then().statusCode(303);
        assertEquals("SKIPPED", fixtures.text("SELECT status FROM lease WHERE id = ?", Long.parseLong(lease)));
        assertEquals("not my area", fixtures.text("SELECT skip_reason FROM lease WHERE id = ?", Long.parseLong(lease)));
        assertNotEquals(lease, ReviewFixtures.lease(given().get("/review/" + queue.id)));
    }

    @Test
    void backShowsTheEarlierLabelAndAnEditSupersedesIt() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        String labelled = ReviewFixtures.lease(page);
        submit(page, queue.id, "yes", "looked right", false).then().statusCode(303);
        Response live = given().get("/review/" + queue.id);
        String liveLease = ReviewFixtures.lease(live);

        Response back = given().header("HX-Request", "true")
                .get("/review/" + queue.id + "/previous?before=" + liveLease);
        back.then().statusCode(200)
                .header("HX-Push-Url", "/review/" + queue.id + "/previous?before=" + liveLease)
                .body(containsString("This is an item you labelled earlier"))
                .body(containsString(">looked right</textarea>"))
                .body(matchesPattern("(?s).*value=\"yes\" class=\"level-radio\"\\s+checked.*"))
                .body(containsString("action=\"/review/" + queue.id + "/edit\""));
        assertEquals(labelled, ReviewFixtures.lease(back));

        given().redirects().follow(false).cookies(live.getCookies())
                .formParam("csrf-token", ReviewFixtures.csrf(live)).formParam("lease", labelled)
                .formParam("value", "no").formParam("rationale", "on second thought, wrong")
                .post("/review/" + queue.id + "/edit")
                .then().statusCode(303).header("Location", endsWith("/review/" + queue.id));

        long trace = fixtures.count("""
                SELECT i.trace_id FROM lease l JOIN queue_item i ON i.id = l.item_id WHERE l.id = ?""",
                Long.parseLong(labelled));
        assertEquals(2, fixtures.count("SELECT count(*) FROM assessment WHERE trace_id = ? AND source_id = 'alice'",
                trace));
        long current = fixtures.count("""
                SELECT id FROM assessment WHERE trace_id = ? AND source_id = 'alice' AND superseded_by IS NULL""", trace);
        assertEquals("no", fixtures.text("SELECT value FROM assessment WHERE id = ?", current));
        assertEquals("yes", fixtures.text("""
                SELECT value FROM assessment WHERE trace_id = ? AND source_id = 'alice' AND superseded_by = ?""",
                trace, current));
        // an edit is not a new label, and the live item is offered again
        Response after = given().get("/review/" + queue.id);
        after.then().body(containsString("Your labels: <strong class=\"count-mine\">1 / 6</strong>"));
        assertEquals(liveLease, ReviewFixtures.lease(after));
    }

    @Test
    void aClosedQueueRefusesTheLabelButKeepsWhatWasTyped() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        queues.setOpen(queue.id, false, "admin");
        submit(page, queue.id, "no", "typed while it closed", true).then().statusCode(409)
                .body(containsString("is closed; your label was not stored."))
                .body(containsString(">typed while it closed</textarea>"));
        given().get("/review/" + queue.id).then().statusCode(200).body(containsString("This queue is closed"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", queue.id));
    }

    @Test
    void backWithoutJavaScriptIsAWholePage() throws SQLException {
        var queue = queue(true);
        Response page = given().get("/review/" + queue.id);
        submit(page, queue.id, "yes", "first one", false).then().statusCode(303);
        given().get("/review/" + queue.id + "/previous").then().statusCode(200)
                .body(containsString("<html")).body(containsString(">first one</textarea>"));
        // nothing before the first label: the live item, with a note
        String first = ReviewFixtures.lease(given().get("/review/" + queue.id + "/previous"));
        given().get("/review/" + queue.id + "/previous?before=" + first).then().statusCode(200)
                .body(containsString("There is no earlier item of yours in this queue."));
    }

    /** Issue 12: a lease of alice's own queue posted to another queue's URL stored the label (the answer was 404). */
    @Test
    void aLeaseOfAnotherQueueIsNotFoundAndNothingIsStored() throws SQLException {
        var mine = queue(true);
        var other = queue(true);
        Response page = given().get("/review/" + mine.id);
        String lease = ReviewFixtures.lease(page);
        for (String action : List.of("submit", "skip", "edit")) {
            for (boolean htmx : List.of(false, true)) {
                var request = given().redirects().follow(false).cookies(page.getCookies())
                        .formParam("csrf-token", ReviewFixtures.csrf(page)).formParam("lease", lease)
                        .formParam("token", ReviewFixtures.token(page)).formParam("value", "yes")
                        .formParam("rationale", "four is right").formParam("reason", "not mine");
                if (htmx) {
                    request.header("HX-Request", "true");
                }
                request.post("/review/" + other.id + "/" + action).then().statusCode(404);
            }
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id IN (?, ?)", mine.id, other.id));
        assertEquals("LEASED", fixtures.text("SELECT status FROM lease WHERE id = ?", Long.parseLong(lease)));
        // the lease still works in its own queue
        submit(page, mine.id, "yes", "four is right", false).then().statusCode(303);
        assertEquals(1, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", mine.id));
    }

    @Test
    void nonMembersGetNotFound() throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 1, 1);
        var queue = fixtures.queue(experiment, 2, 1, true, List.of("bob"));
        given().get("/review/" + queue.id).then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("No review queue " + queue.id));
        given().get("/review/999999999").then().statusCode(404);
    }

    @Test
    void hostileTraceContentIsInert() throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, "{\"q\": \"<script>alert('in')</script>\"}",
                List.of("\"<img src=x onerror=alert(1)> \u202Egnp.exe\""), 0);
        var queue = fixtures.queue(experiment, 1, 1, true, List.of("alice"));
        String body = given().get("/review/" + queue.id).then().statusCode(200).extract().asString();
        assertTrue(!body.contains("<script>alert"), "no live script from trace content");
        assertTrue(!body.contains("<img src=x"), "no live element from trace content");
        assertTrue(!body.contains("\u202E"), "no raw direction override");
        assertTrue(body.contains("&lt;img src=x onerror=alert(1)&gt;"), body);
        assertTrue(body.contains("⟦U+202E⟧gnp.exe"), body);
    }

    @Test
    void reviewTemplatesNeverUseRawOutput() throws IOException {
        for (String dir : List.of("ReviewResource", "QueueResource", "QueueListResource", "AdjudicationResource")) {
            try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates", dir))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".html")).toList()) {
                    String text = Files.readString(file);
                    assertTrue(!text.contains(".raw") && !text.contains("|raw"), file + " uses raw output");
                }
            }
        }
    }

    @Test
    void blindQueuesHideTheJudgeAndOpenQueuesShowIt() throws SQLException {
        var blind = queue(true);
        given().get("/review/" + blind.id).then().statusCode(200)
                .body(not(containsString("The judge's assessment"))).body(not(containsString("judge says so")));
        var open = queue(false);
        given().get("/review/" + open.id).then().statusCode(200)
                .body(containsString("The judge's assessment")).body(containsString("judge says so"));
    }

    @Test
    void nothingLeftShowsTheEmptyStateWithALinkHome() throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 1, 0);
        var queue = fixtures.queue(experiment, 1, 1, true, List.of("alice"));
        Response page = given().get("/review/" + queue.id);
        submit(page, queue.id, "no", "wrong sum", true).then().statusCode(200)
                .body(containsString("Nothing left for you"))
                .body(containsString("href=\"/\""))
                .body(containsString("queue 1 / 1 complete"));
        assertNotNull(given().get("/review/" + queue.id).then().statusCode(200)
                .body(containsString("Nothing left for you")).extract().asString());
    }
}
