package dev.jury.judges.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobStatus;
import dev.jury.judges.JudgeService;
import dev.jury.judges.prompt.Demo;
import dev.jury.llm.InjectLlmFake;
import dev.jury.testenv.Db;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expert-chosen examples: from the trace page to the next version's demos, and into the prompt the fake receives. */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class JudgeExampleTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JudgeService judges;

    long trace(String experiment, String output) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO trace (experiment_id, inputs, outputs)
                SELECT id, '{"q": "2+2"}', to_jsonb(?::text) FROM experiment WHERE name = ? RETURNING id""")) {
            s.setString(1, output);
            s.setString(2, experiment);
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anExpertsExampleBecomesADemoOfTheNextVersionAndReachesThePrompt() throws Exception {
        String exp = "ex-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "ex-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("name", exp)).post("/api/v1/experiments")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("template", "correctness", "model",
                "openai-compatible:/" + model)).post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);
        long example = trace(exp, "example-answer-5");
        long other = trace(exp, "case-to-judge 4");

        Response page = given().get("/traces/" + example);
        page.then().statusCode(200).body(containsString("Use as example for correctness"));
        var token = TOKEN.matcher(page.asString());
        token.find();
        given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", token.group(1))
                .formParam("trace_id", String.valueOf(example)).formParam("value", "No")
                .formParam("rationale", "2+2 is 4, not 5").formParam("back", "/traces/" + example)
                .post("/experiments/" + exp + "/judges/correctness/examples").then().statusCode(303)
                .header("Location", containsString("/traces/" + example));

        given().get("/api/v1/experiments/" + exp + "/judges/correctness?version=latest").then().statusCode(200)
                .body("version", equalTo(2))
                .body("template", equalTo("correctness"))
                .body("demos.size()", equalTo(1))
                .body("demos[0].value", equalTo("no"))
                .body("demos[0].outputs", equalTo("example-answer-5"))
                .body("tags.example_added_from_trace", equalTo((int) example));

        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"yes\", \"rationale\": \"fine\"}"))));
        int jobId = given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of(other)))
                .post("/api/v1/experiments/" + exp + "/judges/correctness/runs").then().statusCode(202)
                .extract().path("job_id");
        Job job = Db.awaitJob(jobId, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, job.status, job.error);
        String sent = llm.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("case-to-judge 4"))).get(0).getBodyAsString();
        assertFalse(!sent.contains("example-answer-5"), "the example's trace is in the prompt: " + sent);
        assertFalse(!sent.contains("2+2 is 4, not 5"), "and the expert's rationale");

        // one side only: a warning; both sides: none; at most five per version
        var added = judges.addExample(exp, "correctness", new Demo(null, null, null, "no", "x"), example, "admin");
        assertNotNull(added.warning());
        added = judges.addExample(exp, "correctness", new Demo(null, null, null, "yes", "y"), example, "admin");
        assertNull(added.warning());
        judges.addExample(exp, "correctness", new Demo(null, null, null, "yes", "y"), example, "admin");
        judges.addExample(exp, "correctness", new Demo(null, null, null, "yes", "y"), example, "admin");
        var full = assertThrows(ProblemException.class, () -> judges.addExample(exp, "correctness",
                new Demo(null, null, null, "yes", "y"), example, "admin"));
        assertEquals(422, full.status());
        var bad = assertThrows(ProblemException.class, () -> judges.addExample(exp, "correctness",
                new Demo(null, null, null, "maybe", "y"), example, "admin"));
        assertEquals("value", bad.errors().get(0).field());
    }
}
