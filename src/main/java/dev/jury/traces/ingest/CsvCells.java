package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** How a CSV cell becomes JSON. */
public final class CsvCells {

    private CsvCells() {
    }

    /** A cell that parses as JSON is that JSON value ({@code {"q":"hi"}}, {@code 42}, {@code true}); anything else is a string. */
    public static JsonNode value(String cell, ObjectMapper mapper) {
        String trimmed = cell.trim();
        if (!trimmed.isEmpty()) {
            try {
                return mapper.readTree(trimmed);
            } catch (JsonProcessingException notJson) {
                // plain text
            }
        }
        return TextNode.valueOf(cell);
    }

    /** Tags as a JSON object of strings, or {@code key=value;key2=value2}. */
    public static JsonNode tags(String cell, ObjectMapper mapper) throws InvalidTraceException {
        String trimmed = cell.trim();
        if (trimmed.startsWith("{")) {
            try {
                return mapper.readTree(trimmed);
            } catch (JsonProcessingException e) {
                throw new InvalidTraceException("tags: " + JsonErrors.describe(e));
            }
        }
        ObjectNode tags = mapper.createObjectNode();
        for (String pair : trimmed.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidTraceException("tags: '" + (pair.length() > 40 ? pair.substring(0, 40) + "…" : pair)
                        + "' is not key=value; write tags as key=value;key2=value2 or as a JSON object.");
            }
            tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return tags;
    }
}
