package dev.jury.judges;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.experiments.Experiment;
import dev.jury.traces.Trace;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * Small builders for the rubric, judge and feedback tests: each makes its own experiment so tests never share state.
 * Call them from a test running as an admin ({@code @TestSecurity(roles = "admin")}).
 */
public final class ApiFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiFixtures() {
    }

    /** A fresh experiment, created through the API. */
    public static String experiment() {
        String name = "jt-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/v1/experiments")
                .then().statusCode(201);
        return name;
    }

    /** excellent, good (passing) — fair, poor (failing); rationale required, at least 10 characters. */
    public static Map<String, Object> qualityRubric() {
        return Map.of("kind", "categorical",
                "levels", List.of(
                        level("excellent", "Excellent", "Correct, complete and well explained.", false),
                        level("good", "Good", "Correct with minor omissions.", false),
                        level("fair", "Fair", "Partly correct.", true),
                        level("poor", "Poor", "Wrong or off topic.", true)),
                "guidelines", "Judge the final answer only.",
                "rationale_required", true,
                "min_rationale_length", 10);
    }

    public static Map<String, Object> level(Object value, String label, String definition, boolean negative) {
        return Map.of("value", value, "label", label, "definition", definition, "negative", negative);
    }

    /** Saves {@link #qualityRubric()} as rubric {@code name} of {@code exp}. */
    public static void rubric(String exp, String name) {
        given().contentType(ContentType.JSON).body(qualityRubric()).put("/api/v1/experiments/" + exp + "/rubrics/" + name)
                .then().statusCode(201);
    }

    public static Map<String, Object> judgeBody(String name) {
        return Map.of("name", name,
                "instructions", "Rate the answer in {{ outputs }} to the question in {{ inputs }}.",
                "model", "openai:/gpt-4.1-mini");
    }

    /** A rubric and version 1 of a judge named {@code name}. */
    public static void judge(String exp, String name) {
        rubric(exp, name);
        given().contentType(ContentType.JSON).body(judgeBody(name)).post("/api/v1/experiments/" + exp + "/judges")
                .then().statusCode(201);
    }

    /** A trace in experiment {@code exp}, stored directly (the ingestion API is another feature's). */
    public static long trace(String exp) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Experiment experiment = Experiment.findByName(exp).orElseThrow();
            var trace = new Trace();
            trace.experimentId = experiment.id;
            trace.inputs = JSON.createObjectNode().put("question", "What is 2 + 2?");
            trace.outputs = JSON.createObjectNode().put("answer", "4");
            trace.tags = Map.of();
            trace.source = "api";
            trace.createdAt = Instant.now();
            trace.persist();
            return trace.id;
        });
    }
}
