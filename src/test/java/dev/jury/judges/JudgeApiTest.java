package dev.jury.judges;

import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.labels.LabelNames;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.RubricFixtures;
import dev.jury.rubrics.RubricService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class JudgeApiTest {

    @Inject
    JudgeService judges;

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    private static ValidatableResponse post(String exp, Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/experiments/" + exp + "/judges").then();
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        var copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void createsVersionOneThenTheNextVersionUnderTheSameName() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "product_quality");
        post(exp, with(ApiFixtures.judgeBody("product_quality"), "inference_params",
                Map.of("temperature", 0, "max_tokens", 512)))
                .statusCode(201)
                .header("Location", containsString("/api/v1/experiments/" + exp + "/judges/product_quality?version=1"))
                .body("name", equalTo("product_quality"))
                .body("version", equalTo(1))
                .body("source_id", equalTo("judge:product_quality@v1"))
                .body("model", equalTo("openai:/gpt-4.1-mini"))
                .body("variables", contains("outputs", "inputs"))
                .body("inference_params.temperature", equalTo(0))
                .body("inference_params.max_tokens", equalTo(512))
                .body("value_type", equalTo("categorical"))
                .body("rubric.version", equalTo(1))
                .body("rubric.allowed_values", contains("excellent", "good", "fair", "poor"))
                .body("rubric.levels[0].definition", equalTo("Correct, complete and well explained."))
                .body("rubric.guidelines", equalTo("Judge the final answer only."))
                .body("demos", empty())
                .body("parent_version", nullValue())
                .body("aliases", contains("latest"))
                .body("created_by", equalTo("admin"));

        post(exp, with(ApiFixtures.judgeBody("product_quality"), "instructions",
                "Be strict.\nRate {{ outputs }} given {{ inputs }}."))
                .statusCode(201)
                .body("version", equalTo(2))
                .body("parent_version", equalTo(1))
                .body("inference_params", equalTo(Map.of()))
                .body("aliases", contains("latest"));

        given().get("/api/v1/experiments/" + exp + "/judges/product_quality/versions").then().statusCode(200)
                .body("version", contains(2, 1))
                .body("[0].aliases", contains("latest"))
                .body("[1].aliases", empty())
                .body("[1].inference_params.max_tokens", equalTo(512));
        given().get("/api/v1/experiments/" + exp + "/judges").then().statusCode(200)
                .body("name", contains("product_quality"))
                .body("[0].version", equalTo(2));
    }

    @Test
    void theJudgeAnswersFromTheRubricVersionCurrentWhenTheVersionWasMade() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        var changed = new HashMap<>(ApiFixtures.qualityRubric());
        changed.put("guidelines", "Only the final paragraph counts.");
        given().contentType(ContentType.JSON).body(changed).put("/api/v1/experiments/" + exp + "/rubrics/quality")
                .then().statusCode(201).body("version", equalTo(2));
        post(exp, ApiFixtures.judgeBody("quality")).statusCode(201).body("rubric.version", equalTo(2));
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=1").then().statusCode(200)
                .body("rubric.version", equalTo(1))
                .body("rubric.guidelines", equalTo("Judge the final answer only."));
    }

    @Test
    void readsByLatestNumberAndRegisteredWithTheDefaultFallingBackToLatest() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        post(exp, ApiFixtures.judgeBody("quality")).statusCode(201);
        String path = "/api/v1/experiments/" + exp + "/judges/quality";

        given().get(path + "?version=latest").then().statusCode(200).body("version", equalTo(2));
        given().get(path + "?version=1").then().statusCode(200).body("version", equalTo(1));
        given().get(path).then().statusCode(200).body("version", equalTo(2));
        given().get(path + "?version=registered").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("judge 'quality' has no registered version"));

        judges.moveAlias(exp, "quality", JudgeAlias.REGISTERED, 1, "admin");
        given().get(path + "?version=registered").then().statusCode(200)
                .body("version", equalTo(1)).body("aliases", contains("registered"));
        given().get(path).then().statusCode(200).body("version", equalTo(1));
        given().get(path + "?version=latest").then().statusCode(200).body("version", equalTo(2));
    }

    @Test
    void unknownJudgeOrVersionIs404NamingIt() {
        String exp = ApiFixtures.experiment();
        given().get("/api/v1/experiments/" + exp + "/judges/ghost").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("'ghost'"));
        given().get("/api/v1/experiments/" + exp + "/judges/ghost/versions").then().statusCode(404);
        ApiFixtures.judge(exp, "quality");
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=5").then().statusCode(404)
                .body("detail", containsString("no version '5'"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality?version=newest").then().statusCode(404)
                .body("detail", containsString("no version 'newest'"));
        given().get("/api/v1/experiments/no-such-exp/judges/quality").then().statusCode(404)
                .body("detail", containsString("no-such-exp"));
    }

    @Test
    void badNameIsRefusedWithJudgeNamesMessage() {
        String exp = ApiFixtures.experiment();
        expect422(post(exp, ApiFixtures.judgeBody("Product-Quality")), "name",
                LabelNames.validate("Product-Quality").orElseThrow());
        expect422(post(exp, ApiFixtures.judgeBody("")), "name", LabelNames.validate("").orElseThrow());
    }

    @Test
    void missingRubricIsRefusedSayingWhatToCreate() {
        String exp = ApiFixtures.experiment();
        post(exp, ApiFixtures.judgeBody("tone")).statusCode(422)
                .body("errors.find { it.field == 'name' }.message", containsString("Create rubric 'tone' first"));
        given().get("/api/v1/experiments/" + exp + "/judges/tone").then().statusCode(404);
    }

    @Test
    void unknownTemplateVariableIsRefusedWithTheExactMessage() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        String instructions = "Does {{ outputs }} answer {{ question }}?";
        String expected = InstructionsTemplate.validate(instructions).orElseThrow();
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "instructions", instructions)), "instructions",
                expected);
        org.junit.jupiter.api.Assertions.assertTrue(expected.contains("{{ question }}"), expected);
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "instructions", "Be fair.")), "instructions",
                InstructionsTemplate.validate("Be fair.").orElseThrow());
    }

    @Test
    void malformedModelUriIsRefused() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "model", "gpt-4o")), "model",
                "'gpt-4o' is a malformed model URI");
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "model", "openai:/")), "model",
                "malformed model URI");
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "model", "mistral:/large")), "model",
                "Unknown model provider 'mistral'");
    }

    @Test
    void unconfiguredProviderIsRefusedNamingTheKeyToSet() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        expect422(post(exp, with(ApiFixtures.judgeBody("quality"), "model", "anthropic:/claude-sonnet-4-5")), "model",
                "The LLM provider 'anthropic' is not configured: set jury.llm.providers.anthropic.api-key")
                .body("detail", containsString("JURY_LLM_PROVIDERS_ANTHROPIC_API_KEY"));
        // (every other provider is configured in the test profile: the fake LLM of LlmFakeServer)
    }

    @Test
    void inferenceParamsAreCheckedNamingTheAllowedOnes() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        var base = ApiFixtures.judgeBody("quality");
        expect422(post(exp, with(base, "inference_params", Map.of("seed", 3))), "inference_params",
                "allowed ones are temperature, max_tokens, top_p");
        expect422(post(exp, with(base, "inference_params", Map.of("temperature", 2.5))),
                "inference_params.temperature", "from 0 to 2");
        expect422(post(exp, with(base, "inference_params", Map.of("max_tokens", 0))),
                "inference_params.max_tokens", "greater than 0");
        expect422(post(exp, with(base, "inference_params", Map.of("top_p", 1.5))), "inference_params.top_p",
                "from 0 to 1");
        expect422(post(exp, with(base, "inference_params", List.of(1))), "inference_params", "JSON object");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.rubric(exp, "quality");
        post(exp, Map.of("name", "quality", "instructions", "{{ question }}", "model", "nope"))
                .statusCode(422)
                .body("errors.field", hasItem("instructions"))
                .body("errors.field", hasItem("model"))
                .body("detail", containsString("2 problems"));
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void serviceCanReadButNotCreate() {
        // set up through the services: the service role may not use the admin APIs
        String exp = "svc-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        experiments.create(exp, "", "admin");
        rubrics.save(exp, "quality", RubricFixtures.quality(), "admin");
        judges.create(exp, "quality", "Rate {{ outputs }}.", "openai:/gpt-4.1-mini", Map.of(), "admin");

        given().get("/api/v1/experiments/" + exp + "/judges/quality").then().statusCode(200)
                .body("version", equalTo(1)).body("rubric.allowed_values", hasItem("poor"));
        given().get("/api/v1/experiments/" + exp + "/judges/quality/versions").then().statusCode(200);
        given().get("/api/v1/experiments/" + exp + "/judges").then().statusCode(200).body("name", contains("quality"));
        post(exp, ApiFixtures.judgeBody("quality")).statusCode(403).contentType("application/problem+json");
        given().get("/api/v1/experiments/" + exp + "/judges/quality/versions").then().body("size()", equalTo(1));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        post("any", ApiFixtures.judgeBody("quality")).statusCode(403);
        given().get("/api/v1/experiments/any/judges/quality").then().statusCode(403);
    }

    private static ValidatableResponse expect422(ValidatableResponse response, String field, String message) {
        return response.statusCode(422)
                .contentType("application/problem+json")
                .body("errors.find { it.field == '" + field + "' }.message", containsString(message));
    }
}
