package dev.jury.judges.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobService;
import dev.jury.jobs.JobStatus;
import dev.jury.judges.JudgeService;
import dev.jury.llm.InjectLlmFake;
import dev.jury.testenv.Db;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large judge run split into chunks that the run's own job and its helper jobs — one worker per replica — claim
 * with SKIP LOCKED (issue 16, deliverable 5): every trace judged exactly once, the progress summed over the chunks,
 * a helper on the replica that works the run handed back for other replicas, and a chunk whose job ended
 * unfinished taken over.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class SplitJudgeRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobService jobs;

    @Inject
    JudgeService judgeService;

    @Test
    void aLargeRunIsSplitIntoChunksAndEachTraceIsJudgedOnce() throws Exception {
        String experiment = "split-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "split-" + UUID.randomUUID().toString().substring(0, 6);
        long versionId = judgeOver(experiment, model);
        List<Long> traces = traces(experiment, 60);
        // 50 ms a call: a chunk of 10 takes a worker a moment, long enough for the helpers to be claimed here
        YesNoJudge.answers(llm, model, "yes", "fine", 50);

        long runJob = QuarkusTransaction.requiringNew().call(() -> jobs.enqueue(JudgeRunHandler.TYPE,
                JSON.createObjectNode().put("judge_version_id", versionId).put("chunk_size", 10), 60, "admin"));
        Job run = Db.awaitJob(runJob, Duration.ofSeconds(90));
        assertEquals(JobStatus.SUCCEEDED, run.status, run.error);
        assertEquals(6, run.result.path("chunks").asInt(), run.result.toString());
        assertEquals(60, run.progressDone, "progress summed over the chunks");
        assertEquals(60, run.progressTotal);

        // exactly once per trace and version, whichever worker judged it, all under the run's job id
        for (long trace : traces) {
            assertEquals(1, count("SELECT count(*) FROM assessment WHERE trace_id = ? AND judge_version_id = ?",
                    trace, versionId), "one verdict on trace " + trace);
        }
        assertEquals(60, count("SELECT count(*) FROM assessment WHERE judge_version_id = ? AND valid"
                + " AND (metadata->>'job_id')::bigint = ?", versionId, runJob));
        llm.verify(60, postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model))));
        assertEquals(6, count("SELECT count(*) FROM judge_run_chunk WHERE run_job_id = ? AND done", runJob));
        assertEquals(60, count("SELECT sum(assessed) FROM judge_run_chunk WHERE run_job_id = ?", runJob));

        // three helpers were started for other replicas; this one works the run, so each handed itself back
        // (saying why once), and each ended on its own once the run had
        List<Long> helpers = helpersOf(runJob);
        assertEquals(3, helpers.size());
        for (long helper : helpers) {
            Job h = Db.awaitJob(helper, Duration.ofSeconds(30));
            assertEquals(JobStatus.SUCCEEDED, h.status, h.error);
            String log = String.join("\n", jobs.logTail(helper, 100).stream().map(l -> l.message).toList());
            assertEquals(1, log.split("is worked on this replica already", -1).length - 1, log);
            assertTrue(log.contains("has ended; nothing to help with"), log);
        }
        assertEquals(0, count("SELECT count(*) FROM judge_run_chunk WHERE run_job_id = ? AND claimed_by <> ?",
                runJob, runJob), "the run's own job worked every chunk: one worker per run and replica");
    }

    /**
     * A helper on a replica that does not work the run (the run's job stands for one held by another replica)
     * works its chunks: every trace judged once, under the run's job id.
     */
    @Test
    void aHelperOnAReplicaThatDoesNotWorkTheRunWorksItsChunks() throws Exception {
        String experiment = "help-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "help-" + UUID.randomUUID().toString().substring(0, 6);
        long versionId = judgeOver(experiment, model);
        List<Long> traces = traces(experiment, 25);
        YesNoJudge.answers(llm, model, "no", "off", 0);
        long run = job("RUNNING");
        RunChunks chunks = new RunChunks(dataSource, run);
        assertEquals(3, chunks.create(traces, 10));

        long helper = QuarkusTransaction.requiringNew().call(() -> jobs.enqueue(JudgeRunHelperHandler.TYPE,
                JSON.createObjectNode().put("run_job_id", run).put("judge_version_id", versionId), 0, "system"));
        Job h = Db.awaitJob(helper, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, h.status, h.error);
        assertEquals(25, h.progressDone);
        assertEquals(3, chunks.totals().done(), "every chunk done by the helper");
        assertEquals(3, count("SELECT count(*) FROM judge_run_chunk WHERE run_job_id = ? AND claimed_by = ?",
                run, helper));
        for (long trace : traces) {
            assertEquals(1, count("SELECT count(*) FROM assessment WHERE trace_id = ? AND judge_version_id = ?"
                    + " AND (metadata->>'job_id')::bigint = ?", trace, versionId, run), "one verdict on " + trace);
        }
        try (var conn = dataSource.getConnection();
             var s = conn.prepareStatement("UPDATE job SET status = 'SUCCEEDED', finished_at = now() WHERE id = ?")) {
            s.setLong(1, run);
            s.executeUpdate();
        }
    }

    private List<Long> helpersOf(long runJob) throws SQLException {
        List<Long> helpers = new ArrayList<>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT id FROM job WHERE type = 'judge-run-helper' AND (payload->>'run_job_id')::bigint = ?")) {
            s.setLong(1, runJob);
            var rs = s.executeQuery();
            while (rs.next()) {
                helpers.add(rs.getLong(1));
            }
        }
        return helpers;
    }

    @Test
    void chunksAreClaimedOnceAndThoseOfAnEndedJobAreTakenOver() throws Exception {
        long run = job("CANCELLED");
        long a = job("RUNNING");
        long b = job("RUNNING");
        long c = job("RUNNING");
        RunChunks chunks = new RunChunks(dataSource, run);
        assertEquals(3, chunks.create(LongStream.rangeClosed(1, 25).boxed().toList(), 10));
        assertTrue(chunks.exist());

        var first = chunks.claim(a, List.of()).orElseThrow();
        assertEquals(0, first.seq());
        assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), first.traceIds());
        assertEquals(1, chunks.claim(b, List.of()).orElseThrow().seq(), "another claimer gets another chunk");
        assertEquals(0, chunks.claim(a, List.of()).orElseThrow().seq(), "a claimer finishes its own chunk first (resume)");
        var last = chunks.claim(c, List.of()).orElseThrow();
        assertEquals(2, last.seq());
        assertEquals(5, last.traceIds().size());
        assertTrue(chunks.claim(c, List.of()).map(k -> k.seq() == 2).orElse(false), "its own, again, on resume");
        assertTrue(chunks.claim(c, List.of(2)).isEmpty(), "but not within the attempt that works on it");

        chunks.finish(c, List.of(2));
        assertTrue(chunks.claim(c, List.of()).isEmpty(), "chunks 0 and 1 belong to running jobs");
        try (var conn = dataSource.getConnection();
             var s = conn.prepareStatement("UPDATE job SET status = 'FAILED', finished_at = now() WHERE id = ?")) {
            s.setLong(1, a);
            s.executeUpdate();
        }
        assertEquals(0, chunks.claim(c, List.of()).orElseThrow().seq(), "the chunk of a job that ended unfinished is taken over");
        chunks.finish(a, List.of(0));
        assertEquals(1, chunks.totals().done(), "only the claimer marks a chunk done");
        chunks.finish(c, List.of(0));
        var totals = chunks.totals();
        assertEquals(3, totals.chunks());
        assertEquals(2, totals.done());
        assertEquals(25, totals.traces());
        assertEquals(1, totals.unfinishedClaimers(), "b still holds chunk 1");
    }

    /** An experiment with a yes/no rubric and a judge on the fake LLM's {@code model}; the judge version's id. */
    private long judgeOver(String experiment, String model) {
        return YesNoJudge.create(judgeService, experiment, "Is {{ outputs }} right for {{ inputs }}?",
                "openai-compatible:/" + model);
    }

    private List<Long> traces(String experiment, int n) throws SQLException {
        return YesNoJudge.traces(dataSource, experiment, n);
    }

    /** A job row no worker will take (an unknown type), standing for a run or a helper in that state. */
    private long job(String status) throws SQLException {
        try (var conn = dataSource.getConnection(); var s = conn.prepareStatement("""
                INSERT INTO job (type, status, payload, created_by) VALUES ('test-none', ?, '{}', 'admin')
                RETURNING id""")) {
            s.setString(1, status);
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private long count(String sql, Object... params) throws SQLException {
        return Db.count(dataSource, sql, params);
    }
}
