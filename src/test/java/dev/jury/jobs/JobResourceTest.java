package dev.jury.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class JobResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    JobService jobs;

    /** 120 finished jobs of a type of their own, inserted as rows (a worker would pick up queued ones). */
    private static List<Long> finishedJobs(String type) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                ids.add(((Number) Panache.getEntityManager().createNativeQuery("INSERT INTO job (type, status, "
                                + "created_by) VALUES (?1, 'SUCCEEDED', 'admin') RETURNING id")
                        .setParameter(1, type).getSingleResult()).longValue());
            }
            return ids;
        });
    }

    private static List<Long> listedJobs(String html) {
        List<Long> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<a href=\"/jobs/(\\d+)\">").matcher(html);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    @Test
    void jobsListShowsTheNewestFiftyAndLoadMoreAppendsOlderOnesUntilTheLast() {
        String type = "test-page-" + System.nanoTime();
        List<Long> newest = new ArrayList<>(finishedJobs(type));
        Collections.reverse(newest);

        String first = given().queryParam("type", type).get("/jobs").then().statusCode(200)
                .header("Vary", containsString("HX-Request")).extract().asString();
        assertEquals(newest.subList(0, 50), listedJobs(first));
        assertTrue(first.contains("50 of 120 jobs"), first);
        String next = "/jobs?type=" + type + "&amp;before=" + newest.get(49);
        assertTrue(first.contains("href=\"" + next + "#jobs-title\""), "a link that works without JavaScript");
        assertTrue(first.contains("hx-get=\"" + next + "\""), first);

        String second = given().header("HX-Request", "true").queryParam("type", type)
                .queryParam("before", newest.get(49)).get("/jobs").then().statusCode(200).extract().asString();
        assertFalse(second.contains("<html"), "a fragment, not the page");
        assertEquals(newest.subList(50, 100), listedJobs(second));
        assertTrue(second.contains("100 of 120 jobs"), second);
        assertTrue(second.contains("before=" + newest.get(99)));

        String last = given().queryParam("type", type).queryParam("before", newest.get(99)).get("/jobs")
                .then().statusCode(200).extract().asString();
        assertTrue(last.contains("<html"), "without htmx the link opens the whole page");
        assertEquals(newest.subList(100, 120), listedJobs(last));
        assertTrue(last.contains("120 of 120 jobs"));
        assertFalse(last.contains("Load more"), "the last page has no link");

        given().queryParam("before", "soon").get("/jobs").then().statusCode(400);
    }

    @Test
    void finishedJobPageShowsProgressTimingsAndLogWithoutPolling() throws Exception {
        long id = jobs.enqueue("test-count", JSON.readTree("{\"count\":4}"), 4, "admin");
        JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        given().get("/jobs/" + id)
                .then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(containsString("Job #" + id))
                .body(containsString("4 / 4"))
                .body(containsString("(100%)"))
                .body(containsString("SUCCEEDED"))
                .body(containsString("Counted 4 items"))
                .body(containsString("aria-valuenow=\"4\""))
                .body(containsString("<html"))
                .body(not(containsString("hx-trigger")))
                .body(not(containsString("Cancel job")));
    }

    /** A job a handler handed back says so on its page and in the API, with the time its replica looks again. */
    @Test
    void aHandedBackJobSaysSoUntilItsReplicaLooksAgain() {
        long id = QuarkusTransaction.requiringNew().call(() -> ((Number) Panache.getEntityManager()
                .createNativeQuery("INSERT INTO job (type, status, created_by, not_before, declined_by) VALUES "
                        + "('test-none', 'QUEUED', 'admin', now() + interval '1 hour', ARRAY['other/1/x']) RETURNING id")
                .getSingleResult()).longValue());
        given().get("/jobs/" + id).then().statusCode(200)
                .body(containsString("QUEUED"))
                .body(containsString("handed back for another replica"));
        given().get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("not_before", org.hamcrest.Matchers.notNullValue());

        QuarkusTransaction.requiringNew().run(() -> Panache.getEntityManager()
                .createNativeQuery("UPDATE job SET status = 'CANCELLED', finished_at = now() WHERE id = ?1")
                .setParameter(1, id).executeUpdate());
        given().get("/jobs/" + id).then().statusCode(200)
                .body(not(containsString("handed back")));
        given().get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("not_before", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void runningJobFragmentPollsAndTheCancelFormStopsIt() throws Exception {
        long id = jobs.enqueue("test-count", JSON.readTree("{\"count\":100000,\"sleep_ms\":5}"), 100_000, "admin");
        JobAwait.status(jobs, id, JobStatus.RUNNING);

        given().header("HX-Request", "true").get("/jobs/" + id)
                .then().statusCode(200)
                .body(containsString("id=\"job-progress\""))
                .body(containsString("hx-get=\"/jobs/" + id + "\""))
                .body(containsString("hx-trigger=\"every 1s\""))
                .body(containsString("RUNNING"))
                .body(not(containsString("<html")))
                .body(not(containsString("<nav")));

        Response page = given().get("/jobs/" + id);
        page.then().statusCode(200).body(containsString("Cancel job"));
        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", csrfToken(page))
                .post("/jobs/" + id + "/cancel")
                .then().statusCode(303).header("Location", containsString("/jobs/" + id));
        JobAwait.status(jobs, id, JobStatus.CANCELLED);

        given().header("HX-Request", "true").get("/jobs/" + id)
                .then().statusCode(200)
                .body(containsString("CANCELLED"))
                .body(not(containsString("hx-trigger")));
    }

    @Test
    void cancelWithoutCsrfTokenIsRefused() {
        long id = jobs.enqueue("test-fail", null, 0, "admin");
        given().redirects().follow(false).formParam("x", "y").post("/jobs/" + id + "/cancel")
                .then().statusCode(400);
    }

    @Test
    void logAndPayloadContentIsEscaped() {
        long id = jobs.enqueue("test-count", JsonNodeFactory.instance.objectNode().put("count", 1)
                .put("note", "<script>alert(1)</script>"), 1, "admin");
        JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        given().get("/jobs/" + id)
                .then().statusCode(200)
                .body(not(containsString("<script>alert(1)</script>")))
                .body(containsString("Note: &lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void listShowsRecentJobsAndFiltersByType() {
        long failed = jobs.enqueue("test-fail", null, 7, "admin");
        JobAwait.status(jobs, failed, JobStatus.FAILED);

        given().get("/jobs").then().statusCode(200)
                .body(containsString("href=\"/jobs/" + failed + "\""))
                .body(containsString("FAILED"))
                .body(containsString("2 / 7 · 1 error</td>"));
        given().get("/jobs/" + failed).then().statusCode(200)
                .body(containsString("1 error</span>"))
                .body(containsString("IllegalStateException: The disk is on fire"))
                .body(containsString("&quot;partial&quot; : true"));
        given().queryParam("type", "test-count").get("/jobs").then().statusCode(200)
                .body(not(containsString("href=\"/jobs/" + failed + "\"")));
        given().queryParam("type", "<b>nothing</b>").get("/jobs").then().statusCode(200)
                .body(containsString("No jobs of type “&lt;b&gt;nothing&lt;/b&gt;”."));
    }

    @Test
    void unknownJobIs404Page() {
        given().get("/jobs/987654321").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("No job with id 987654321"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        long id = jobs.enqueue("test-fail", null, 0, "admin");
        given().get("/jobs").then().statusCode(403);
        given().get("/jobs/" + id).then().statusCode(403);
        given().header("HX-Request", "true").get("/jobs/" + id).then().statusCode(403);
    }

    static String csrfToken(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return matcher.group(1);
    }
}
