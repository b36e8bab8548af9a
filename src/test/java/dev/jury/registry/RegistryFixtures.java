package dev.jury.registry;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.judges.JudgeService;
import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.jury.llm.LlmFakeServer.completion;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

/**
 * An experiment with a yes/no rubric and judge {@code correct} on a model of the LLM fake, traces "item-i says 4", human
 * labels and judge versions: the registry tests' world. Call from a test running as an admin.
 */
@ApplicationScoped
public class RegistryFixtures {

    @Inject
    JudgeService judges;

    @Inject
    AgroalDataSource dataSource;

    /** What {@link #world} made. */
    public record World(String experiment, String model, List<Long> traces) {
    }

    /** Experiment, rubric 'correct', version 1 of judge 'correct' on {@code provider:/<fresh model>}, n traces. */
    public World world(String provider, int traces) throws SQLException {
        return world(provider, traces, null);
    }

    /** As {@link #world(String, int)}, calling the API with {@code token} (tests without {@code @TestSecurity}). */
    public World world(String provider, int traces, String token) throws SQLException {
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> given =
                () -> token == null ? given() : given().auth().oauth2(token);
        String experiment = "reg-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "reg-" + UUID.randomUUID().toString().substring(0, 6);
        given.get().contentType(ContentType.JSON).body(Map.of("name", experiment)).post("/api/v1/experiments")
                .then().statusCode(201);
        given.get().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Correct", "definition", "Right answer.", "negative", false),
                        Map.of("value", "no", "label", "Wrong", "definition", "Wrong answer.", "negative", true)),
                        "rationale_required", false))
                .put("/api/v1/experiments/" + experiment + "/rubrics/correct").then().statusCode(201);
        judges.create(experiment, "correct", "Is {{ outputs }} a correct answer to {{ inputs }}?",
                provider + ":/" + model, Map.of("temperature", 0), "admin", false);
        var ids = new ArrayList<Long>();
        try (var c = dataSource.getConnection()) {
            for (int i = 1; i <= traces; i++) {
                try (var s = c.prepareStatement("""
                        INSERT INTO trace (experiment_id, inputs, outputs)
                        SELECT id, '{"q": "2+2"}', to_jsonb(CAST(? AS text)) FROM experiment WHERE name = ?
                        RETURNING id""")) {
                    s.setString(1, "item-" + i + " says 4");
                    s.setString(2, experiment);
                    var rs = s.executeQuery();
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return new World(experiment, model, ids);
    }

    /** The next version of judge 'correct' with other instructions (same model). */
    public int nextVersion(World world, String instructions) {
        return judges.create(world.experiment(), "correct", instructions, judges.resolve(world.experiment(),
                "correct", "latest").model, Map.of("temperature", 0), "admin", false).version;
    }

    /** A human ground-truth label on a trace (one label per trace is its consensus). */
    public void label(World world, long trace, String value) {
        given().contentType(ContentType.JSON).body(Map.of("trace_id", trace, "name", "correct", "value", value,
                        "source_type", "HUMAN", "source_id", "ground_truth"))
                .post("/api/v1/experiments/" + world.experiment() + "/assessments").then().statusCode(201);
    }


    /** Every call of the world's model answers {@code result}. */
    public static void answer(WireMockServer llm, World world, String result, String rationale) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(10)
                .withRequestBody(matchingJsonPath("$.model", equalTo(world.model())))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"" + result + "\", \"rationale\": \"" + rationale
                                + "\"}"))));
    }

    /** Calls whose prompt contains {@code text} answer {@code result} instead. */
    public static void answerWhen(WireMockServer llm, World world, String text, String result) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(world.model())))
                .withRequestBody(containing(text))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"" + result + "\", \"rationale\": \"because\"}"))));
    }
}
