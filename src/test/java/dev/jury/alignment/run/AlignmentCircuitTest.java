package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.llm.InjectLlmFake;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider outage during an alignment run pauses it instead of failing it: once the judge model's circuit opens
 * (test profile: 10 failed attempts, open 1 s) the run waits, stays RUNNING through a few failed trial calls, and
 * finishes with before/after metrics when the provider is back. (A provider that stays down still fails the run:
 * {@code AlignmentApiTest}; the count of failed trial calls: {@code LiveRunTest}.) On the {@code databricks}
 * provider, which only the circuit tests use.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class AlignmentCircuitTest {

    @InjectLlmFake
    WireMockServer llm;

    @Test
    void anOpenCircuitPausesTheAlignmentAndItFinishesWhenTheProviderIsBack() throws Exception {
        // 7 held-out traces, judged at once: the circuit opens while their calls are still retrying
        var data = new AlignmentTestData("databricks").labelled(20, 15);
        var forJudge = matchingJsonPath("$.model", WireMock.equalTo(data.model));
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(forJudge)
                .willReturn(AlignmentTestData.answer("yes", "the answer is helpful")));
        var down = llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1).withRequestBody(forJudge)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\": \"down\"}")));

        Number runId = given().contentType(ContentType.JSON).body(Map.of("optimizer", "few-shot"))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!log(runId).stream().anyMatch(m -> m.startsWith("Paused: the provider's circuit is open"))) {
            assertTrue(System.nanoTime() < deadline, "the run never paused: " + log(runId));
            Thread.sleep(50);
        }
        Thread.sleep(1_500); // the outage goes on through a trial call or two
        assertEquals("RUNNING", given().get("/api/v1/alignments/" + runId).then().extract().path("status"),
                "the run waits: " + log(runId));

        llm.removeStub(down);
        AlignmentTestData.awaitFinished(runId.longValue(), Duration.ofSeconds(60))
                .body("status", equalTo("SUCCEEDED")).body("metrics", notNullValue())
                .body("log.message", hasItem(startsWith("Resumed: the provider's circuit lets calls through")));
    }

    private static List<String> log(Number runId) {
        return given().get("/api/v1/alignments/" + runId).then().statusCode(200).extract().path("log.message");
    }
}
