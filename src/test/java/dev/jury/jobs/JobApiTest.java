package dev.jury.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class JobApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JobService jobs;

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void finishedJobAsJson() throws Exception {
        long id = jobs.enqueue("test-count", JSON.readTree("{\"count\":3}"), 3, "admin");
        JobAwait.status(jobs, id, JobStatus.SUCCEEDED);

        given().get("/api/v1/jobs/" + id)
                .then().statusCode(200)
                .body("id", equalTo((int) id))
                .body("type", equalTo("test-count"))
                .body("status", equalTo("SUCCEEDED"))
                .body("progress.done", equalTo(3))
                .body("progress.total", equalTo(3))
                .body("errors", equalTo(0))
                .body("started_at", notNullValue())
                .body("finished_at", notNullValue())
                .body("error", nullValue())
                .body("result.counted", equalTo(3))
                .body("created_by", equalTo("admin"));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void failedJobShowsItsError() {
        long id = jobs.enqueue("test-fail", null, 5, "admin");
        JobAwait.status(jobs, id, JobStatus.FAILED);

        given().get("/api/v1/jobs/" + id)
                .then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("errors", equalTo(1))
                .body("error", containsString("The disk is on fire"));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void cancelThroughTheApi() throws Exception {
        long id = jobs.enqueue("test-count", JSON.readTree("{\"count\":100000,\"sleep_ms\":5}"), 100_000, "admin");
        JobAwait.status(jobs, id, JobStatus.RUNNING);

        given().contentType("application/json").post("/api/v1/jobs/" + id + "/cancel")
                .then().statusCode(200).body("cancel_requested", equalTo(true));
        JobAwait.status(jobs, id, JobStatus.CANCELLED);

        given().contentType("application/json").post("/api/v1/jobs/" + id + "/cancel")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("already finished (CANCELLED)"));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void listsRecentJobsByType() {
        long id = jobs.enqueue("test-fail", null, 0, "admin");
        given().queryParam("type", "test-fail").get("/api/v1/jobs")
                .then().statusCode(200)
                .body("id", hasItem((int) id))
                .body("type", everyItem(equalTo("test-fail")));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void unknownJobIs404Problem() {
        given().get("/api/v1/jobs/987654321")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("No job with id 987654321"));
        given().get("/api/v1/jobs/not-a-number").then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json").post("/api/v1/jobs/987654321/cancel").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        long id = jobs.enqueue("test-fail", null, 0, "admin");
        given().get("/api/v1/jobs/" + id).then().statusCode(403).contentType("application/problem+json");
        given().get("/api/v1/jobs").then().statusCode(403);
        given().contentType("application/json").post("/api/v1/jobs/" + id + "/cancel").then().statusCode(403);
    }

    @Test
    void anonymousGets401() {
        given().get("/api/v1/jobs/1").then().statusCode(401).contentType("application/problem+json");
    }
}
