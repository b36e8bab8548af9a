package dev.jury.alignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.judges.prompt.Demo;

import java.util.Objects;

/**
 * One labelled trace an optimizer learns from.
 *
 * @param traceId        the trace's id, used in logs and step records
 * @param inputs         the trace inputs (JSON); may be {@code null}
 * @param outputs        the trace outputs (JSON); may be {@code null}
 * @param expectations   the trace expectations (JSON); {@code null} when absent
 * @param label          the human consensus value, one of the rubric's allowed values
 * @param humanRationale why the humans chose that value; empty when none was given
 */
public record AlignmentExample(String traceId, JsonNode inputs, JsonNode outputs, JsonNode expectations,
                               String label, String humanRationale) {

    /** What DSPy appends to a truncated demo field ({@code simba_utils.append_a_demo}). */
    public static final String TRUNCATION_MARK = "\n\t\t... <TRUNCATED FOR BREVITY>";

    public AlignmentExample {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(label, "label");
        humanRationale = humanRationale == null ? "" : humanRationale;
    }

    /**
     * This trace as a demo with the given verdict. Every field the judge reads (inputs, outputs, expectations) longer
     * than {@code maxFieldChars} is cut as DSPy cuts a demo's input fields.
     *
     * @param maxFieldChars the longest field kept whole; 0 keeps every field whole (DSPy's "falsy" check)
     */
    public Demo toDemo(String value, String rationale, int maxFieldChars) {
        return new Demo(truncate(inputs, maxFieldChars), truncate(outputs, maxFieldChars),
                truncate(expectations, maxFieldChars), value, rationale == null ? "" : rationale);
    }

    /**
     * DSPy's rule: if {@code len(str(v)) > maxlen}, the field becomes the string {@code str(v)[:maxlen]} plus
     * {@link #TRUNCATION_MARK}. A text node's {@code str} is its text; any other node's is its compact JSON.
     */
    public static JsonNode truncate(JsonNode node, int maxFieldChars) {
        if (node == null || maxFieldChars <= 0) {
            return node;
        }
        String text = node.isTextual() ? node.textValue() : node.toString();
        if (text.length() <= maxFieldChars) {
            return node;
        }
        int end = maxFieldChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return TextNode.valueOf(text.substring(0, end) + TRUNCATION_MARK);
    }
}
