package dev.jury.judges;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** Judges made from templates through the API: instantiation, rubric, threshold, and refusals by field. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class JudgeTemplateApiTest {

    private static final String MODEL = "openai:/gpt-4.1-mini";

    private static ValidatableResponse post(String exp, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/experiments/" + exp + "/judges").then();
    }

    @Test
    void theCatalogueListsEachTemplateWithTheFieldsItNeeds() {
        given().get("/api/v1/judge-templates").then().statusCode(200)
                .body("key", hasItems("correctness", "relevance_to_query", "groundedness", "safety",
                        "context_sufficiency", "chunk_relevance", "document_recall", "guideline_adherence",
                        "custom_score"))
                .body("find { it.key == 'correctness' }.required_fields.path",
                        contains("inputs", "outputs", "expectations.expected_facts|expected_response"))
                .body("find { it.key == 'custom_score' }.answer", equalTo("score"))
                .body("find { it.key == 'custom_score' }.built_in", equalTo(false))
                .body("find { it.key == 'chunk_relevance' }.answer", equalTo("per_chunk"))
                .body("find { it.key == 'safety' }.rubric[0].value", equalTo("yes"));
    }

    @Test
    void aTemplateMakesAnOrdinaryJudgeAndItsRubric() {
        String exp = ApiFixtures.experiment();
        post(exp, Map.of("template", "correctness", "model", MODEL)).statusCode(201)
                .body("name", equalTo("correctness"))
                .body("version", equalTo(1))
                .body("template", equalTo("correctness"))
                .body("answer", equalTo("yes_no"))
                .body("score_threshold", nullValue())
                .body("variables", hasItem("expectations"))
                .body("value_type", equalTo("boolean"))
                .body("rubric.allowed_values", contains("yes", "no"))
                .body("rubric.levels[0].label", equalTo("Correct"));
        given().get("/api/v1/experiments/" + exp + "/rubrics/correctness").then().statusCode(200)
                .body("version", equalTo(1)).body("kind", equalTo("boolean"));
        // an ordinary judge: the next version is an edit, and keeps the template
        post(exp, Map.of("name", "correctness", "instructions", "Is {{ outputs }} right given {{ expectations }}?",
                "model", MODEL)).statusCode(201).body("version", equalTo(2)).body("template", equalTo("correctness"));
    }

    @Test
    void aScoreJudgeStoresItsThresholdWhichIsSettable() {
        String exp = ApiFixtures.experiment();
        post(exp, Map.of("template", "custom_score", "name", "polite", "criterion", "The reply is polite.",
                "model", MODEL)).statusCode(201)
                .body("answer", equalTo("score"))
                .body("score_threshold", equalTo(3))
                .body("instructions", containsString("The reply is polite."))
                .body("rubric.levels[0].definition", containsString("above 3"));
        post(exp, Map.of("template", "custom_score", "name", "helpful", "criterion", "Helpful.", "threshold", 4,
                "model", MODEL)).statusCode(201).body("score_threshold", equalTo(4));
        // the next version of a 1–5 judge may change its threshold
        post(exp, Map.of("name", "polite", "instructions", "Rate {{ outputs }} for politeness.", "model", MODEL,
                "threshold", 2)).statusCode(201).body("version", equalTo(2)).body("score_threshold", equalTo(2));
        // 5 would let no score pass
        post(exp, Map.of("name", "polite", "instructions", "Rate {{ outputs }} for politeness.", "model", MODEL,
                "threshold", 5)).statusCode(422).body("errors.field", hasItem("threshold"));
        // a yes/no judge has none
        post(exp, Map.of("template", "safety", "model", MODEL)).statusCode(201);
        post(exp, Map.of("name", "safety", "instructions", "Is {{ outputs }} safe?", "model", MODEL, "threshold", 3))
                .statusCode(422).body("errors.field", hasItem("threshold"));
    }

    @Test
    void theMlflowBlockOfATemplateJudgeCarriesTemplateAnswerAndThreshold() {
        String exp = ApiFixtures.experiment();
        post(exp, Map.of("template", "custom_score", "name", "polite", "criterion", "The reply is polite.",
                "threshold", 4, "model", MODEL)).statusCode(201)
                // the MLflow judge answers what Jury's model is asked: a score 1–5
                .body("mlflow.instructions_judge_pydantic_data.feedback_value_type.enum", contains(1, 2, 3, 4, 5))
                .body("mlflow.instructions_judge_pydantic_data.feedback_value_type.type", equalTo("integer"))
                .body("mlflow.description", containsString("template custom_score"))
                .body("mlflow.description", containsString("answer: score"))
                .body("mlflow.description", containsString("above 4"))
                .body("template", equalTo("custom_score")).body("answer", equalTo("score"))
                .body("score_threshold", equalTo(4));
        post(exp, Map.of("template", "chunk_relevance", "model", MODEL)).statusCode(201)
                .body("mlflow.description", containsString("answer: per_chunk"))
                .body("mlflow.instructions_judge_pydantic_data.feedback_value_type.enum", contains("yes", "no"));
        // a judge written from scratch keeps MLflow's null description
        ApiFixtures.judge(exp, "quality");
        given().get("/api/v1/experiments/" + exp + "/judges/quality").then().statusCode(200)
                .body("mlflow.description", nullValue()).body("template", nullValue());
    }

    @Test
    void everyProblemIsReportedByField() {
        String exp = ApiFixtures.experiment();
        post(exp, Map.of("template", "custom_score", "threshold", 7, "model", "nope")).statusCode(422)
                .body("errors.field", hasItems("criterion", "threshold", "model"));
        post(exp, Map.of("template", "corectness", "model", MODEL)).statusCode(422)
                .body("errors[0].field", equalTo("template"))
                .body("errors[0].message", containsString("correctness"));
        post(exp, Map.of("template", "safety", "guidelines", List.of("Be nice."), "model", MODEL)).statusCode(422)
                .body("errors.field", hasItem("guidelines"));
        post(exp, Map.of("name", "x", "instructions", "{{ outputs }}", "model", MODEL, "criterion", "c"))
                .statusCode(422).body("errors[0].field", equalTo("template"));
        post(exp, Map.of("template", "safety", "threshold", "high", "model", MODEL)).statusCode(422)
                .body("errors[0].field", equalTo("threshold"));
        // nothing was stored by the refusals
        given().get("/api/v1/experiments/" + exp + "/rubrics").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void guidelinesGoIntoTheInstructionsAndAProblemNameIsWarnedAbout() {
        String exp = ApiFixtures.experiment();
        post(exp, Map.of("template", "guideline_adherence", "name", "contains_pii",
                "guidelines", List.of("Answer in English.", "Never promise a refund."), "model", MODEL))
                .statusCode(201)
                .body("instructions", containsString("2. Never promise a refund."))
                .body("instructions", containsString("Failed guideline: "))
                .body("name_warning", containsString("no_pii"));
        post(exp, Map.of("template", "guideline_adherence", "name", "tone", "model", MODEL)).statusCode(201)
                .body("instructions", containsString("\"guidelines\" in {{ expectations }}"))
                .body("name_warning", nullValue())
                .body("instructions", not(containsString("1. ")));
    }
}
