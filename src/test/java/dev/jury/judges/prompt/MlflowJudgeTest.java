package dev.jury.judges.prompt;

import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.MlflowJudge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block follows MLflow's SerializedScorer as InstructionsJudge.model_dump() fills it
 * (mlflow/genai/scorers/base.py, mlflow/genai/judges/instructions_judge/__init__.py).
 */
class MlflowJudgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RubricSpec categorical() {
        return new RubricSpec(RubricKind.CATEGORICAL, List.of(
                new RubricLevel("good", "Good", "Right.", false),
                new RubricLevel("bad", "Bad", "Wrong.", true)), "Only the answer counts.", true, 0, null);
    }

    @Test
    void hasExactlyTheSerializedScorerFieldsInstructionsJudgeFills() {
        var block = MlflowJudge.serialize("quality", "Rate {{ outputs }}.", "openai:/gpt-4.1-mini",
                Map.of("temperature", 0), categorical(), List.of());
        List<String> fields = new ArrayList<>();
        block.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("name", "aggregations", "description", "is_session_level_scorer", "mlflow_version",
                "serialization_version", "builtin_scorer_class", "builtin_scorer_pydantic_data", "call_source",
                "call_signature", "original_func_name", "instructions_judge_pydantic_data"), fields);
        JsonNode data = block.get("instructions_judge_pydantic_data");
        assertEquals("openai:/gpt-4.1-mini", data.get("model").asText());
        assertEquals(JSON.valueToTree(Map.of("enum", List.of("good", "bad"), "title", "Result", "type", "string")),
                data.get("feedback_value_type"));
        assertEquals(0, data.get("inference_params").get("temperature").asInt());
        assertTrue(data.get("instructions").asText().startsWith("Rate {{ outputs }}.\n\nRubric levels:"));
        assertTrue(data.get("instructions").asText().contains("Only the answer counts."));
    }

    @Test
    void demosAreInlinedWithoutTemplateBracesAndParametersAreLeftOutWhenUnset() {
        var demo = new Demo(JSON.valueToTree(Map.of("q", "say {{ question }}")), JSON.valueToTree("x"), null, "bad",
                "ignored the {{ inputs }}");
        var data = MlflowJudge.serialize("quality", "Rate {{ outputs }}.", "openai:/m", Map.of(), categorical(),
                List.of(demo)).get("instructions_judge_pydantic_data");
        String instructions = data.get("instructions").asText();
        assertTrue(instructions.contains("say { { question }}"), instructions);
        assertEquals(1, instructions.split("\\{\\{", -1).length - 1, "only the judge's own {{ outputs }}");
        assertFalse(data.has("inference_params"));
    }

    @Test
    void numericRubricsListNumbers() {
        var spec = new RubricSpec(RubricKind.NUMERIC, List.of(new RubricLevel("1", "1", "low", true),
                new RubricLevel("2", "2", "high", false)), "", false, 0, new BigDecimal("2"));
        var type = MlflowJudge.feedbackValueType(spec);
        assertEquals("integer", type.get("type").asText());
        assertTrue(type.get("enum").get(0).isIntegralNumber());
    }
}
