package dev.jury.review;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-chunk labels in review queues (issue 15, deliverable 3): a queue of a per-chunk judge shows the trace's
 * retrieved chunks and collects a relevant/not relevant answer per chunk, stored as the judge stores its own — one
 * label per trace with the chunks and the precision in its metadata, and the yes/no derived from them.
 */
@QuarkusTest
@TestSecurity(user = "alice", roles = "reviewer")
class ChunkReviewTest {

    @Inject
    ReviewFixtures fixtures;

    @Test
    void theReviewPageAsksPerChunkAndStoresTheChunksAndPrecisionLikeTheJudge() throws SQLException {
        ReviewQueue queue = fixtures.perChunkQueue(List.of("alice"));
        Response page = given().get("/review/" + queue.id);
        page.then().statusCode(200)
                .body(containsString("name=\"chunk_count\" value=\"3\""))
                .body(containsString("Chunk 2 is relevant"))
                .body(containsString("wiki/paris"))
                .body(containsString("chunk-b Bananas are &lt;b&gt;yellow&lt;/b&gt;."))
                .body(not(containsString("name=\"value\"")));
        String lease = ReviewFixtures.lease(page);

        // a chunk the trace does not have: refused inline, nothing stored
        given().redirects().follow(false).cookies(page.getCookies()).header("HX-Request", "true")
                .formParam("csrf-token", ReviewFixtures.csrf(page)).formParam("lease", lease)
                .formParam("token", ReviewFixtures.token(page)).formParam("chunk_count", "3")
                .formParam("relevant", "7").formParam("rationale", "")
                .post("/review/" + queue.id + "/submit").then().statusCode(422)
                .body(containsString("There is no chunk 7"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", queue.id));

        given().redirects().follow(false).cookies(page.getCookies()).header("HX-Request", "true")
                .formParam("csrf-token", ReviewFixtures.csrf(page)).formParam("lease", lease)
                .formParam("token", ReviewFixtures.token(page)).formParam("chunk_count", "3")
                .formParam("relevant", "1").formParam("relevant", "3").formParam("rationale", "b is off topic")
                .post("/review/" + queue.id + "/submit").then().statusCode(200)
                .body(containsString("Label saved."));

        assertEquals("yes", fixtures.text("SELECT value FROM assessment WHERE queue_id = ? AND source_type = 'HUMAN'",
                queue.id), "two of three relevant: yes, as the judge decides");
        assertEquals("0.6666666666666666", fixtures.text("SELECT metadata->>'precision' FROM assessment "
                + "WHERE queue_id = ?", queue.id));
        assertEquals("no", fixtures.text("SELECT metadata->'chunks'->1->>'value' FROM assessment WHERE queue_id = ?",
                queue.id));
        assertEquals("3", fixtures.text("SELECT jsonb_array_length(metadata->'chunks')::text FROM assessment "
                + "WHERE queue_id = ?", queue.id));
    }

    @Test
    void aQueueOfAWholeTraceJudgeKeepsTheRubricLevels() throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 1, 1);
        ReviewQueue queue = fixtures.queue(experiment, 2, 1, true, List.of("alice"));
        given().get("/review/" + queue.id).then().statusCode(200)
                .body(containsString("name=\"value\""))
                .body(not(containsString("chunk_count")));
    }
}
