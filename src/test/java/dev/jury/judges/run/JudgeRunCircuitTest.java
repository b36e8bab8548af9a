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

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider outage in the middle of a judge run pauses the run instead of failing its waiting traces: once the
 * provider's circuit opens (test profile: 10 failed attempts, open 1 s) no trace gets a "circuit open" error; when
 * the provider is back the run goes on and judges them. Only the calls that really failed before the circuit opened
 * leave errors. On the {@code databricks} provider, which only the circuit tests use.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class JudgeRunCircuitTest {

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
    void anOpenCircuitPausesTheRunAndItsTracesAreJudgedWhenTheProviderIsBack() throws Exception {
        String experiment = "circuit-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "circuit-" + UUID.randomUUID().toString().substring(0, 6);
        long versionId = YesNoJudge.create(judgeService, experiment, "Is {{ outputs }} right for {{ inputs }}?",
                "databricks:/" + model);
        List<Long> traces = YesNoJudge.traces(dataSource, experiment, 40);
        YesNoJudge.answers(llm, model, "yes", "fine", 0);
        var down = llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\": \"down\"}")));

        long runJob = QuarkusTransaction.requiringNew().call(() -> jobs.enqueue(JudgeRunHandler.TYPE,
                JSON.createObjectNode().put("judge_version_id", versionId), traces.size(), "admin"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!logOf(runJob).contains("Paused: the provider's circuit is open")) {
            assertTrue(System.nanoTime() < deadline, "the run never paused: " + logOf(runJob));
            Thread.sleep(50);
        }
        Thread.sleep(2_500); // the outage goes on through a few half-open trials
        long errorsDuringOutage = errors(versionId);
        assertTrue(errorsDuringOutage < traces.size() / 2,
                "the traces waiting for the circuit are not failed: " + errorsDuringOutage + " errors");
        assertEquals(JobStatus.RUNNING, QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(runJob)).status,
                "the run waits");

        llm.removeStub(down);
        Job run = Db.awaitJob(runJob, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, run.status, run.error);
        assertEquals(0, Db.count(dataSource, "SELECT count(*) FROM assessment WHERE judge_version_id = ?"
                + " AND error LIKE 'circuit_open%'", versionId), "no trace failed for an open circuit");
        long errors = errors(versionId);
        assertEquals(errorsDuringOutage, errors, "no error after the outage");
        assertEquals(traces.size() - errors, Db.count(dataSource, "SELECT count(*) FROM current_assessment"
                + " WHERE judge_version_id = ? AND valid", versionId), "every other trace judged");
        assertTrue(logOf(runJob).contains("Resumed: the provider's circuit lets calls through again."),
                logOf(runJob));
    }

    private long errors(long versionId) throws Exception {
        return Db.count(dataSource, "SELECT count(*) FROM current_assessment WHERE judge_version_id = ? AND NOT valid",
                versionId);
    }

    private String logOf(long jobId) {
        return jobs.logTail(jobId, 200).stream().map(l -> l.message).collect(Collectors.joining("\n"));
    }
}
