package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Attribute values that may hold JSON encoded as a string: MLflow's {@code mlflow.spanInputs}/{@code spanOutputs}
 * and previews, GenAI message attributes on OpenTelemetry spans. Both ingest paths decode them the same way: a string
 * that parses is that JSON, text that does not (prose, a truncated preview) stays text, empty or blank is absent.
 */
public final class EncodedJson {

    private EncodedJson() {
    }

    /** The decoded value, or null when absent; {@code mapper} sets the caller's number and trailing-token rules. */
    public static JsonNode decode(JsonNode attribute, ObjectMapper mapper) {
        if (attribute == null || attribute.isNull() || attribute.isMissingNode()) {
            return null;
        }
        if (!attribute.isTextual()) {
            return attribute;
        }
        String text = attribute.asText();
        if (text.isBlank()) {
            return null;
        }
        if (!looksLikeJson(text)) {
            return attribute;
        }
        try {
            JsonNode parsed = mapper.readTree(text);
            return parsed == null || parsed.isMissingNode() || parsed.isNull() ? null : parsed;
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(text);
        }
    }

    /** Only what could be JSON is parsed: plain prose (most text) skips the parser and its exception. */
    static boolean looksLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9')
                        || text.startsWith("true", i) || text.startsWith("false", i) || text.startsWith("null", i);
            }
        }
        return false;
    }
}
