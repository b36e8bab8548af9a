package dev.jury.judges.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A judge version as MLflow serializes a {@code make_judge} judge, so that {@code Scorer.model_validate(block)}
 * recreates it in MLflow. The shape follows MLflow's {@code SerializedScorer} dataclass
 * ({@code mlflow/genai/scorers/base.py}) as filled by {@code InstructionsJudge.model_dump()}
 * ({@code mlflow/genai/judges/instructions_judge/__init__.py}, mlflow/mlflow commit 029c4221): every field of the
 * dataclass, the other scorer kinds' fields {@code null}, and {@code instructions_judge_pydantic_data} with
 * {@code instructions}, {@code model}, {@code feedback_value_type} (the JSON schema pydantic gives the
 * {@code result} field) and {@code inference_params} when set.
 *
 * <p>MLflow's judge has no rubric and no demos: it sends only the instructions. So that the recreated judge sees what
 * Jury's judge sees, the exported instructions are Jury's instructions followed by the same rubric, guidelines and
 * demo text Jury puts in its system message. In that appended text {@code {{} is written {@code { {}: MLflow reads
 * every {@code {{ name }}} of the instructions as a template variable and refuses names it does not know, and a demo
 * quoting a trace could contain one. Pure: no Quarkus, no JPA.
 */
public final class MlflowJudge {

    /** MLflow's {@code _SERIALIZATION_VERSION} for this shape. */
    public static final int SERIALIZATION_VERSION = 1;
    /** The MLflow release line whose {@code model_dump()} shape this block follows. */
    public static final String MLFLOW_VERSION = "3.6.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private MlflowJudge() {
    }

    /**
     * @param params the version's inference parameters ({@code temperature}, {@code max_tokens}, {@code top_p})
     */
    public static ObjectNode serialize(String name, String instructions, String model, Map<String, Object> params,
                                       RubricSpec rubric, List<Demo> demos) {
        return serialize(name, instructions, model, params, rubric, demos, List.of());
    }

    /**
     * As {@link #serialize(String, String, String, Map, RubricSpec, List)} for a version with a memory: its learned
     * guidelines follow the rubric's guidelines in the exported instructions, as in Jury's system message (MLflow's
     * own {@code MemoryAugmentedJudge.instructions} appends its guidelines to the instructions too). The episodic
     * memory does not map: an {@code InstructionsJudge} retrieves nothing (docs/alignment.md, "MemAlign").
     */
    public static ObjectNode serialize(String name, String instructions, String model, Map<String, Object> params,
                                       RubricSpec rubric, List<Demo> demos,
                                       List<dev.jury.judges.memory.Guideline> guidelines) {
        return serialize(name, instructions, model, params, rubric, demos, guidelines, null);
    }

    /**
     * As {@link #serialize(String, String, String, Map, RubricSpec, List, List)} with MLflow's {@code description}
     * set (null leaves it null, as {@code make_judge} does). The caller passes the rubric and demos the model
     * actually answers in: for a 1–5 judge the score scale, not the yes/no its verdicts are stored as. MLflow's
     * {@code SerializedScorer} takes no other fields, so what Jury adds (template, answer kind, threshold) goes into
     * the description in words; the API answer carries them as fields beside this block.
     */
    public static ObjectNode serialize(String name, String instructions, String model, Map<String, Object> params,
                                       RubricSpec rubric, List<Demo> demos,
                                       List<dev.jury.judges.memory.Guideline> guidelines, String description) {
        ObjectNode block = JSON.createObjectNode();
        block.put("name", name);
        block.putArray("aggregations"); // InstructionsJudge passes aggregations=[]
        if (description == null) {
            block.putNull("description");
        } else {
            block.put("description", description);
        }
        block.put("is_session_level_scorer", false); // only {{ conversation }} makes one; Jury has no sessions
        block.put("mlflow_version", MLFLOW_VERSION);
        block.put("serialization_version", SERIALIZATION_VERSION);
        block.putNull("builtin_scorer_class");
        block.putNull("builtin_scorer_pydantic_data");
        block.putNull("call_source");
        block.putNull("call_signature");
        block.putNull("original_func_name");
        ObjectNode data = block.putObject("instructions_judge_pydantic_data");
        data.put("instructions", instructions(instructions, rubric, demos, guidelines));
        data.put("model", model);
        data.set("feedback_value_type", feedbackValueType(rubric));
        if (params != null && !params.isEmpty()) {
            data.set("inference_params", JSON.valueToTree(params));
        }
        return block;
    }

    /** Jury's instructions, then the rubric, guidelines and demos as Jury's system message words them. */
    static String instructions(String instructions, RubricSpec rubric, List<Demo> demos) {
        return instructions(instructions, rubric, demos, List.of());
    }

    static String instructions(String instructions, RubricSpec rubric, List<Demo> demos,
                               List<dev.jury.judges.memory.Guideline> guidelines) {
        StringBuilder appended = new StringBuilder();
        JudgePromptBuilder.appendRubricAndDemos(appended, rubric, demos, guidelines);
        return (instructions == null ? "" : instructions.strip()) + appended.toString().replace("{{", "{ {");
    }

    /**
     * What pydantic's {@code model_json_schema()} gives for {@code result: Literal[...]} of the rubric's values:
     * {@code {"enum": [...], "title": "Result", "type": "string"}}; numeric rubrics list numbers ({@code integer}
     * when all are whole, else {@code number}).
     */
    static ObjectNode feedbackValueType(RubricSpec rubric) {
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode values = schema.putArray("enum");
        List<String> allowed = RubricValues.allowedValues(rubric);
        String type = "string";
        if (rubric.kind() == RubricKind.NUMERIC) {
            boolean whole = true;
            for (String value : allowed) {
                BigDecimal number = new BigDecimal(value);
                whole &= number.stripTrailingZeros().scale() <= 0;
                values.add(number);
            }
            type = whole ? "integer" : "number";
            if (whole) {
                values.removeAll();
                allowed.forEach(v -> values.add(new BigDecimal(v).toBigInteger()));
            }
        } else {
            allowed.forEach(values::add);
        }
        schema.put("title", "Result");
        schema.put("type", type);
        return schema;
    }
}
