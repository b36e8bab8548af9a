package dev.jury.review;

import dev.jury.experiments.ExperimentService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.templates.TemplateParams;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    QueueService queues;

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    private ReviewQueue perChunkQueue() throws SQLException {
        String experiment = "chunks-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(experiment, "per-chunk review", "admin");
        judges.createFromTemplate(experiment, "chunk_relevance", null, null, "openai-compatible:/chunky", Map.of(),
                TemplateParams.none(), "admin");
        String outputs = """
                {"answer": "Paris.", "retrieved_context": [
                  {"content": "chunk-a Paris is the capital of France.", "doc_uri": "wiki/paris"},
                  {"content": "chunk-b Bananas are <b>yellow</b>."},
                  {"content": "chunk-c France's capital city is Paris."}]}""";
        try (var c = dataSourceConnection()) {
            for (String verdict : List.of("no", "yes")) {
                try (var s = c.prepareStatement("""
                        WITH t AS (INSERT INTO trace (experiment_id, inputs, outputs)
                                   SELECT id, '{"question": "capital of France?"}', ?::jsonb FROM experiment
                                    WHERE name = ? RETURNING id)
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                        SELECT t.id, 'chunk_relevance', ?, 'judge', 'LLM_JUDGE', 'judge:chunk_relevance@v1' FROM t""")) {
                    s.setString(1, outputs);
                    s.setString(2, experiment);
                    s.setString(3, verdict);
                    s.executeUpdate();
                }
            }
        }
        return queues.create(experiment, new QueueService.CreateQueue("q-chunks", "chunk_relevance", 2, 1, 0.0,
                true, List.of("alice"), 7L, false, null, null, null), "admin");
    }

    private java.sql.Connection dataSourceConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Test
    void theReviewPageAsksPerChunkAndStoresTheChunksAndPrecisionLikeTheJudge() throws SQLException {
        ReviewQueue queue = perChunkQueue();
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
