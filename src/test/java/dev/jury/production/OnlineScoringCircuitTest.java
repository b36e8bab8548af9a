package dev.jury.production;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import dev.jury.registry.RegistryFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.testenv.Db.count;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider outage pauses online scoring instead of failing the waiting traces: while the provider answers 500
 * its circuit opens (test profile: 10 failures, open 1 s) and the job claims nothing; when the provider is back the
 * same traces are scored, none with an error. On the {@code databricks} provider, so no other test's calls share
 * the circuit.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class OnlineScoringCircuitTest {

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    OnlineScoringWorld worlds;

    @Inject
    OnlineScoringScheduler scheduler;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anOpenCircuitPausesScoringAndTheTracesAreScoredWhenTheProviderIsBack() throws Exception {
        var w = worlds.create("databricks", 0);
        var down = llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(w.registry().model())))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\": \"down\"}")));
        RegistryFixtures.answer(llm, w.registry(), "yes", "fine");
        String api = "/api/v1/experiments/" + w.experiment() + "/judges/correct/online-scoring";
        given().contentType(ContentType.JSON).body("{\"enabled\": true, \"sample_rate\": 1}").put(api)
                .then().statusCode(200);
        var traces = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 6; i++) {
            traces.add(Map.of("inputs", Map.of("q", "2+2"), "outputs", "answer " + i));
        }
        given().contentType(ContentType.JSON).body(traces).post("/api/v1/experiments/" + w.experiment() + "/traces")
                .then().statusCode(200);

        awaitCount("the job paused on the open circuit", """
                SELECT count(*) FROM job_log l JOIN online_scoring s ON s.job_id = l.job_id
                 WHERE s.judge_id = ? AND l.message LIKE 'Paused: the provider''s circuit is open%'""", w.judgeId(), 1);
        Thread.sleep(2_500); // the outage goes on through a few half-open trials
        assertEquals(0, count(dataSource, "SELECT count(*) FROM online_scoring_item i JOIN online_scoring s "
                + "ON s.id = i.config_id WHERE s.judge_id = ? AND i.status IN ('DONE', 'FAILED')", w.judgeId()),
                "nothing finished, nothing failed during the outage");

        llm.removeStub(down);
        awaitCount("all six traces scored", """
                SELECT count(*) FROM online_scoring_item i JOIN online_scoring s ON s.id = i.config_id
                 WHERE s.judge_id = ? AND i.status = 'DONE'""", w.judgeId(), 6);
        assertEquals(0, count(dataSource, "SELECT count(*) FROM online_scoring_item i JOIN online_scoring s "
                + "ON s.id = i.config_id WHERE s.judge_id = ? AND i.status = 'FAILED'", w.judgeId()));
        Map<Long, Long> verdicts = worlds.verdicts(w, 1);
        assertEquals(6, verdicts.size());
        assertTrue(verdicts.values().stream().allMatch(n -> n == 1));
        assertEquals(0, count(dataSource, """
                SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ? AND NOT a.valid""", w.experimentId()), "no error assessment");
        assertEquals(1, count(dataSource, """
                SELECT count(*) FROM job_log l JOIN job j ON j.id = l.job_id
                 WHERE j.type = 'online-scoring' AND l.message LIKE 'Resumed: the provider''s circuit lets calls%'
                   AND (j.payload ->> 'config_id')::bigint = (SELECT id FROM online_scoring WHERE judge_id = ?)""",
                w.judgeId()), "'Resumed' once, after the first batch that went through");
    }

    private void awaitCount(String what, String sql, long judgeId, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count(dataSource, sql, judgeId) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            scheduler.tick();
            Thread.sleep(200);
        }
    }
}
