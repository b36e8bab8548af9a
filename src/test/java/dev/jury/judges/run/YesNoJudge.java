package dev.jury.judges.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.judges.JudgeService;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;

/** The judge-run tests' set-up: an experiment with a yes/no rubric "correct", a judge on a fake model, its answers. */
final class YesNoJudge {

    private YesNoJudge() {
    }

    /** Creates the experiment (through the API, as an admin) and the judge; the judge version's id. */
    static long create(JudgeService judges, String experiment, String template, String modelUri) {
        given().contentType(ContentType.JSON).body(Map.of("name", experiment)).post("/api/v1/experiments")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("kind", "boolean", "levels", List.of(
                        Map.of("value", "yes", "label", "Correct", "definition", "Right answer.", "negative", false),
                        Map.of("value", "no", "label", "Wrong", "definition", "Wrong answer.", "negative", true)),
                        "rationale_required", false))
                .put("/api/v1/experiments/" + experiment + "/rubrics/correct").then().statusCode(201);
        return judges.create(experiment, "correct", template, modelUri, Map.of("temperature", 0), "admin", false).id;
    }

    /** {@code n} traces "case-i answer 4" in the experiment, in id order. */
    static List<Long> traces(javax.sql.DataSource dataSource, String experiment, int n) throws java.sql.SQLException {
        List<Long> traces = new java.util.ArrayList<>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO trace (experiment_id, inputs, outputs)
                SELECT e.id, '{"q": "2+2"}', to_jsonb('case-' || g || ' answer 4')
                  FROM experiment e, generate_series(1, ?) g WHERE e.name = ? ORDER BY g RETURNING id""")) {
            s.setInt(1, n);
            s.setString(2, experiment);
            var rs = s.executeQuery();
            while (rs.next()) {
                traces.add(rs.getLong(1));
            }
        }
        return traces;
    }

    /** The fake LLM answers every call for {@code model} with {@code result} after {@code delayMillis}. */
    static void answers(WireMockServer llm, String model, String result, String rationale, int delayMillis) {
        llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(10)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withFixedDelay(delayMillis)
                        .withBody(completion("{\"result\": \"" + result + "\", \"rationale\": \"" + rationale + "\"}"))));
    }
}
