package dev.jury.judges.memory;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The plain text of a trace that similarity is computed on: its inputs, then its outputs, as {@code field: text}
 * lines (JSON punctuation carries no meaning for an embedding model). Deterministic, so equal traces give equal text
 * and the embedding cache hits. Long texts are cut at {@value #MAX_CHARS} characters: the model reads about 256
 * tokens per window anyway, and a bound keeps one huge trace from costing seconds.
 */
public final class MemoryText {

    static final int MAX_CHARS = 8_000;

    private MemoryText() {
    }

    public static String of(JsonNode inputs, JsonNode outputs) {
        StringBuilder s = new StringBuilder();
        append(s, "inputs", inputs);
        append(s, "outputs", outputs);
        String text = s.toString().strip();
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS);
    }

    private static void append(StringBuilder s, String name, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || s.length() > MAX_CHARS) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                append(s, field.getKey(), field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                append(s, name, element);
            }
        } else {
            String text = node.asText().strip();
            if (!text.isEmpty()) {
                s.append(name).append(": ").append(text).append('\n');
            }
        }
    }
}
