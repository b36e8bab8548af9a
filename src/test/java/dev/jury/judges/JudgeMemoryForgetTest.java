package dev.jury.judges;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.judges.memory.Guideline;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.security.AuditEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Forget" (API {@code POST …/versions/{n}/memory/forget} and the version page's form): the chosen memory examples
 * and guidelines are left out of a new version, everything else is kept exactly, the source version is untouched.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class JudgeMemoryForgetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    JudgeService judges;

    /** Judge "quality" v1 without memory, v2 with three examples (traces a, b, c) and two guidelines. */
    private String judgeWithMemory() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        long v1 = judges.resolve(exp, "quality", "1").id;
        var memory = new JudgeMemory(3, "similarity", List.of(example("101", "good"), example("102", "poor"),
                example("103", "excellent")), List.of(new Guideline("Penalise answers without units.", List.of("102")),
                new Guideline("Reward a worked example.", List.of("101", "103"))));
        judges.deriveVersion(v1, judges.resolve(exp, "quality", "1").instructions, List.of(), memory,
                Map.of("optimizer", "memalign"), "admin");
        return exp;
    }

    private static MemoryExample example(String traceId, String value) {
        return new MemoryExample(traceId, JSON.createObjectNode().put("question", "q" + traceId),
                JSON.createObjectNode().put("answer", "a" + traceId), null, value, "because " + traceId);
    }

    private static String api(String exp) {
        return "/api/v1/experiments/" + exp + "/judges/quality/versions/";
    }

    @Test
    void forgetsExactlyTheChosenExamplesAndGuidelinesIntoANewVersion() {
        String exp = judgeWithMemory();
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("102"),
                        "guidelines", List.of("Penalise answers without units.")))
                .post(api(exp) + "2/memory/forget").then().statusCode(201)
                .body("version", equalTo(3)).body("parent_version", equalTo(2))
                .body("memory.k", equalTo(3))
                .body("memory.examples.trace_id", equalTo(List.of("101", "103")))
                .body("memory.examples[1].value", equalTo("excellent"))
                .body("memory.examples[1].rationale", equalTo("because 103"))
                .body("memory.guidelines.text", equalTo(List.of("Reward a worked example.")))
                .body("memory.guidelines[0].source_trace_ids", equalTo(List.of("101", "103")))
                .body("tags.memory_change", equalTo("forget"))
                .body("tags.forgotten_examples", equalTo(1))
                .body("tags.forgotten_guidelines", equalTo(1));
        // nothing edited in place
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=2").then().statusCode(200)
                .body("memory.examples.trace_id", equalTo(List.of("101", "102", "103")))
                .body("memory.guidelines.size()", equalTo(2));
        List<AuditEvent> events = QuarkusTransaction.requiringNew().call(() -> AuditEvent
                .<AuditEvent>list("action = ?1 and targetId = ?2", "judge.memory_forgotten",
                        JudgeService.auditId(exp, "quality")));
        assertEquals(1, events.size());
        assertTrue(events.get(0).detail.contains("traces 102"), events.get(0).detail);

        // A trace id given as a JSON number is the same trace; forgetting every example and guideline leaves no memory.
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of(101, "103"),
                        "guidelines", List.of("Reward a worked example.")))
                .post(api(exp) + "3/memory/forget").then().statusCode(201)
                .body("version", equalTo(4)).body("memory", equalTo(null));
    }

    @Test
    void refusesUnknownVersionsVersionsWithoutMemoryAndUnknownChoices() {
        String exp = judgeWithMemory();
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("101")))
                .post(api(exp) + "9/memory/forget").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("101")))
                .post("/api/v1/experiments/" + exp + "/judges/ghost/versions/2/memory/forget").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("101")))
                .post(api(exp) + "1/memory/forget").then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("has no memory"));
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("101", "999")))
                .post(api(exp) + "2/memory/forget").then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("trace_ids"))
                .body("detail", containsString("trace 999"));
        given().contentType(ContentType.JSON).body(Map.of("guidelines", List.of("Never mind.")))
                .post(api(exp) + "2/memory/forget").then().statusCode(422)
                .body("errors[0].field", equalTo("guidelines"));
        given().contentType(ContentType.JSON).body(Map.of())
                .post(api(exp) + "2/memory/forget").then().statusCode(422)
                .body("errors[0].field", equalTo("trace_ids"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality/versions").then().statusCode(200)
                .body("size()", equalTo(2)); // no refusal made a version
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersMayNotForget() {
        given().contentType(ContentType.JSON).body(Map.of("trace_ids", List.of("101")))
                .post("/api/v1/experiments/any/judges/quality/versions/2/memory/forget").then().statusCode(403);
    }

    @Test
    void theVersionPageFormForgetsTheCheckedExamples() {
        String exp = judgeWithMemory();
        String path = "/experiments/" + exp + "/judges/quality/versions/";
        Response page = given().get(path + "2");
        page.then().statusCode(200)
                .body(containsString("aria-label=\"Forget the example of trace 102\""))
                .body(containsString("Penalise answers without units."))
                .body(containsString("aria-label=\"Add new labels to memory\""));
        var matcher = TOKEN.matcher(page.asString());
        assertTrue(matcher.find(), "no CSRF token in the version page");
        given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1))
                .formParam("trace_id", "101").formParam("guideline", "Reward a worked example.")
                .post(path + "2/forget").then().statusCode(303)
                .header("Location", containsString(path + "3"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=3").then().statusCode(200)
                .body("memory.examples.trace_id", equalTo(List.of("102", "103")))
                .body("memory.guidelines.text", equalTo(List.of("Penalise answers without units.")));
        // nothing checked: back to the same version with the reason, no version made
        given().redirects().follow(false).cookies(page.getCookies()).formParam("csrf-token", matcher.group(1))
                .post(path + "2/forget").then().statusCode(303)
                .header("Location", containsString(path + "2"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality/versions").then().body("size()", equalTo(3));
    }
}
