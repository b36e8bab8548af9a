package dev.jury.judges.prompt;

import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.util.stream.Collectors;

/** The answer-format paragraph, identical in the judge prompt and in the repair follow-up. */
final class AnswerFormat {

    private AnswerFormat() {
    }

    /** The allowed values as JSON strings: {@code "excellent", "good", "fair", "poor"}. */
    static String allowedValues(RubricSpec rubric) {
        return RubricValues.allowedValues(rubric).stream().map(PromptJson::quote).collect(Collectors.joining(", "));
    }

    static String instructions(RubricSpec rubric) {
        return "Reply with a single JSON object and nothing else (no Markdown, no text before or after it):\n"
                + "{\"result\": \"<one of the allowed values>\", \"rationale\": \"<why, citing the data>\"}\n"
                + "\"result\" must be exactly one of: " + allowedValues(rubric) + ".";
    }

    /** A demo's answer, written exactly as the judge is asked to answer. */
    static String answer(String value, String rationale) {
        return "{\"result\": " + PromptJson.quote(value) + ", \"rationale\": " + PromptJson.quote(rationale) + "}";
    }
}
