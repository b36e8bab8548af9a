package dev.jury.traces;

import dev.jury.experiments.ExperimentService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static dev.jury.traces.TraceFixtures.line;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ExperimentTracesApiTest {

    static final String NDJSON = "application/x-ndjson";

    @Inject
    ExperimentService experiments;

    String exp() {
        return TraceFixtures.newExperiment(experiments);
    }

    static io.restassured.response.ValidatableResponse post(String exp, String type, String body) {
        return given().contentType(type).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/experiments/" + exp + "/traces").then();
    }

    static int count(String exp) {
        return given().queryParam("limit", 500).get("/api/v1/experiments/" + exp + "/traces")
                .then().statusCode(200).extract().jsonPath().getList("traces").size();
    }

    @Test
    void acceptsAnObjectAnArrayAndNdjson() {
        String exp = exp();
        post(exp, "application/json", "{\"inputs\":{\"q\":\"hi\"},\"outputs\":\"hello\",\"expectations\":{\"tone\":\"kind\"},\"tags\":{\"env\":\"prod\"}}")
                .statusCode(200).body("created", equalTo(1)).body("duplicates", equalTo(0))
                .body("errors", hasSize(0)).body("ids", hasSize(1));
        post(exp, "application/json", "[" + line(null, "a", "b") + "," + line(null, "c", "d") + "]")
                .statusCode(200).body("created", equalTo(2));
        post(exp, NDJSON, line(null, "1", "1") + "\n" + line(null, "2", "2") + "\n\n" + line(null, "3", "3") + "\n")
                .statusCode(200).body("created", equalTo(3));
        assertEquals(6, count(exp));
        given().get("/api/v1/experiments/" + exp + "/traces").then()
                .body("traces[5].inputs.q", equalTo("hi"))
                .body("traces[5].expectations.tone", equalTo("kind"))
                .body("traces[5].tags.env", equalTo("prod"))
                .body("traces[5].source", equalTo("api"));
    }

    @Test
    void sameClientRequestIdIsStoredOnceWithinAndAcrossBatches() {
        String exp = exp();
        String batch = line("req-1", "q", "a") + "\n" + line("req-2", "q", "a") + "\n" + line("req-1", "q again", "a") + "\n";
        post(exp, NDJSON, batch).statusCode(200)
                .body("created", equalTo(2)).body("duplicates", equalTo(1)).body("ids", hasSize(2));
        post(exp, NDJSON, batch + line("req-3", "q", "a")).statusCode(200)
                .body("created", equalTo(1)).body("duplicates", equalTo(3));
        assertEquals(3, count(exp));
        given().get("/api/v1/experiments/" + exp + "/traces").then()
                .body("traces.find { it.client_request_id == 'req-1' }.inputs", equalTo("q"));
    }

    @Test
    void badLinesAreReportedByLineAndGoodOnesKept() {
        String exp = exp();
        String body = line("ok-1", "q", "a") + "\n"
                + "{not json\n"
                + "{\"inputs\":\"q\"}\n"
                + "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"n\":1}}\n"
                + line("ok-2", "q", "a") + "\n";
        post(exp, NDJSON, body).statusCode(200)
                .body("created", equalTo(2))
                .body("error_count", equalTo(3))
                .body("errors.line", equalTo(List.of(2, 3, 4)))
                .body("errors[0].message", startsWith("Invalid JSON"))
                .body("errors[1].message", containsString("'outputs' is required"))
                .body("errors[2].message", containsString("Tag 'n'"));
        assertEquals(2, count(exp));
    }

    /** Issue 12: a NUL in a tag key or value failed the whole INSERT with a 500, losing the good rows. */
    @Test
    void aNulInATagIsALineErrorAndTheGoodRowsAreKept() {
        String exp = exp();
        String body = line("nul-1", "q", "a") + "\n"
                + "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"env\":\"pr\\u0000od\"}}\n"
                + "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"e\\u0000nv\":\"prod\"}}\n"
                + line("nul-2", "q", "a") + "\n";
        post(exp, NDJSON, body).statusCode(200)
                .body("created", equalTo(2))
                .body("errors.line", equalTo(List.of(2, 3)))
                .body("errors[0].message", containsString("'tags.env' contains a NUL character"))
                .body("errors[1].message", containsString("'tags' contains a NUL character"));
        assertEquals(2, count(exp));
        // a single object is refused as a whole, with the field named
        post(exp, "application/json", "{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"k\":\"\\u0000\"}}")
                .statusCode(422).contentType("application/problem+json")
                .body(containsString("NUL"));
    }

    /** Issue 12: %00 in a query parameter or path segment reached PostgreSQL and came back as a 500. */
    @Test
    void aNulInTheUrlIs400NamingTheParameter() {
        String exp = exp();
        given().queryParam("tag", "env:\u0000").get("/api/v1/experiments/" + exp + "/traces")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("tag")).body("detail", containsString("NUL"));
        given().urlEncodingEnabled(false).get("/api/v1/judges/a%00b?experiment=" + exp)
                .then().statusCode(400).contentType("application/problem+json");
        given().urlEncodingEnabled(false).get("/api/v1/judges/x?experiment=a%00b")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("experiment"));
        given().urlEncodingEnabled(false).get("/jobs?type=a%00b")
                .then().statusCode(400).body(containsString("NUL"));
        given().urlEncodingEnabled(false).get("/experiments/" + exp + "/agreement?name=a%00b")
                .then().statusCode(400).body(containsString("NUL"));
    }

    /** A NUL in a JSON string of an API body is refused naming the field, not stored or failed on. */
    @Test
    void aNulInAJsonFieldIs400NamingIt() {
        given().contentType("application/json").body("{\"name\":\"bad\\u0000name\"}").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"));
    }

    @Test
    void arrayErrorsAreNumberedByElement() {
        String exp = exp();
        post(exp, "application/json", "[" + line(null, "q", "a") + ", 5, {\"outputs\":\"a\"}]").statusCode(200)
                .body("created", equalTo(1))
                .body("errors.line", equalTo(List.of(2, 3)));
    }

    @Test
    void everyRowFailingIs422WithTheLines() {
        String exp = exp();
        post(exp, NDJSON, "{\"inputs\":1}\n[]\n").statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("errors.line", equalTo(List.of(1, 2)));
        post(exp, NDJSON, "\n\n").statusCode(422).body("detail", containsString("no traces"));
    }

    @Test
    void atomicBatchWithABadRowStoresNothing() {
        String exp = exp();
        String body = line("a-1", "q", "a") + "\n" + "{\"inputs\":\"q\"}\n" + line("a-2", "q", "a") + "\n";
        given().contentType(NDJSON).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).queryParam("atomic", true).post("/api/v1/experiments/" + exp + "/traces")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("nothing was stored"))
                .body("errors[0].line", equalTo(2));
        assertEquals(0, count(exp));
        given().contentType(NDJSON).body(line("a-1", "q", "a").getBytes(java.nio.charset.StandardCharsets.UTF_8)).queryParam("atomic", true)
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200).body("created", equalTo(1));
    }

    @Test
    void oversizeTraceIsALineErrorOrA413ForASingleObject() {
        String exp = exp();
        String huge = "x".repeat(1024 * 1024 + 10);
        post(exp, NDJSON, line(null, "q", "a") + "\n" + line(null, huge, "a") + "\n").statusCode(200)
                .body("created", equalTo(1))
                .body("errors[0].line", equalTo(2))
                .body("errors[0].message", containsString("max-trace-bytes"));
        post(exp, "application/json", line(null, huge, "a")).statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413))
                .body("detail", containsString("max-trace-bytes"));
        assertEquals(1, count(exp));
    }

    @Test
    void oversizeRequestIs413AndStoresNothing() {
        String exp = exp();
        var body = new StringBuilder();
        String row = line(null, "q".repeat(1000), "a") + "\n";
        while (body.length() < 5 * 1024 * 1024) {
            body.append(row);
        }
        post(exp, NDJSON, body.toString()).statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("max-request-bytes"));
        assertEquals(0, count(exp));
    }

    @Test
    void unknownExperimentIs404NamingIt() {
        post("no-such-exp", NDJSON, line(null, "q", "a")).statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no-such-exp"));
    }

    @Test
    void unsupportedContentTypeIs415Problem() {
        post(exp(), "text/plain", "hello").statusCode(415).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        post("anything", NDJSON, line(null, "q", "a")).statusCode(403).contentType("application/problem+json");
        given().get("/api/v1/experiments/anything/traces").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "jury-service", roles = "service")
    void serviceMayIngestButNotList() {
        String exp = exp();
        post(exp, NDJSON, line("svc-1", "q", "a")).statusCode(200).body("created", equalTo(1));
        given().get("/api/v1/experiments/" + exp + "/traces").then().statusCode(403);
    }

    @Test
    void mlflowExportIsImportedWithAssessmentsAndReimportIsIdempotent() throws IOException {
        String exp = exp();
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/traces/mlflow-traces.json")) {
            fixture = in.readAllBytes();
        }
        List<Integer> ids = given().contentType(ContentType.JSON).body(fixture)
                .post("/api/v1/experiments/" + exp + "/traces/mlflow")
                .then().statusCode(200).body("created", equalTo(2)).body("errors", hasSize(0))
                .extract().jsonPath().getList("ids");

        var first = given().get("/api/v1/traces/" + ids.get(0)).then().statusCode(200)
                .body("mlflow_trace_id", equalTo("tr-7f1c2a9e4b3d4e6f8a0b1c2d3e4f5a6b"))
                .body("client_request_id", equalTo("tr-7f1c2a9e4b3d4e6f8a0b1c2d3e4f5a6b"))
                .body("source", equalTo("mlflow"))
                .body("inputs.messages[0].content", startsWith("My order #4411"))
                .body("outputs", startsWith("I'm sorry your order"))
                .body("tags.env", equalTo("prod"))
                .body("spans", hasSize(2))
                .body("expectations.expected_response", startsWith("Apologise"))
                .body("assessments", hasSize(3))
                .extract().jsonPath();
        assertEquals(List.of("LLM_JUDGE", "HUMAN", "CODE"), first.getList("assessments.source_type"));
        assertEquals(List.of("good", "yes", "182"), first.getList("assessments.value"));
        assertEquals("alice@example.com", first.getString("assessments[1].source_id"));
        assertEquals("2025-06-12T09:15:10.001Z", first.getString("assessments[0].created_at"));

        var second = given().get("/api/v1/traces/" + ids.get(1)).then().statusCode(200)
                .body("inputs.question", equalTo("Can I return opened headphones?"))
                .body("expectations.key_facts", equalTo(List.of("30 days", "all parts included")))
                .extract().jsonPath();
        Map<String, Object> failed = second.getMap("assessments[0]");
        assertEquals("RATE_LIMIT_EXCEEDED: 429 from the judge endpoint", failed.get("error"));
        assertEquals(false, failed.get("valid"));
        Integer overridden = second.get("assessments[1].id");
        Integer overriding = second.get("assessments[2].id");
        assertEquals(overriding, second.get("assessments[1].superseded_by"));
        assertEquals(overridden, second.get("assessments[2].supersedes"));
        assertEquals("yes", second.get("assessments[2].value"));

        given().contentType(ContentType.JSON).body(fixture).post("/api/v1/experiments/" + exp + "/traces/mlflow")
                .then().statusCode(200).body("created", equalTo(0)).body("duplicates", equalTo(2));
        assertEquals(2, count(exp));
        given().get("/api/v1/traces/" + ids.get(0)).then().body("assessments", hasSize(3));
    }

    @Test
    void mlflowNdjsonWithABadTraceKeepsTheGoodOne() {
        String exp = exp();
        String good = "{\"info\":{\"trace_id\":\"tr-nd-1\",\"request_preview\":\"\\\"q\\\"\",\"response_preview\":\"\\\"a\\\"\"},\"data\":{\"spans\":[]}}";
        given().contentType(NDJSON).body((good + "\n{\"info\":{}}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/experiments/" + exp + "/traces/mlflow")
                .then().statusCode(200).body("created", equalTo(1))
                .body("errors[0].line", equalTo(2)).body("errors[0].message", containsString("trace_id"));
    }
}
