package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The API's trace shape: {@code {client_request_id?, inputs, outputs, expectations?, tags?}}. Inputs and outputs
 * may be any JSON value (a plain string is fine); tags are an object of strings.
 */
public final class TraceFields {

    static final Set<String> FIELDS = Set.of("client_request_id", "inputs", "outputs", "expectations", "tags");
    public static final int MAX_ID_LENGTH = 255;

    private TraceFields() {
    }

    public static TraceDraft parse(JsonNode node) throws InvalidTraceException {
        if (node == null || !node.isObject()) {
            throw new InvalidTraceException("Each trace must be a JSON object with 'inputs' and 'outputs', got "
                    + describe(node) + ".");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidTraceException("Unknown field '" + abbreviate(name)
                        + "'; a trace has client_request_id, inputs, outputs, expectations and tags.");
            }
        }
        JsonNode inputs = required(node, "inputs");
        JsonNode outputs = required(node, "outputs");
        JsonNode expectations = node.get("expectations");
        if (expectations != null && expectations.isNull()) {
            expectations = null;
        }
        return new TraceDraft(clientRequestId(node.get("client_request_id")), inputs, outputs, expectations, null,
                tags(node.get("tags")), null, null);
    }

    static JsonNode required(JsonNode node, String field) throws InvalidTraceException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new InvalidTraceException("'" + field + "' is required (any JSON value; a string is fine).");
        }
        return value;
    }

    static String clientRequestId(JsonNode value) throws InvalidTraceException {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidTraceException("'client_request_id' must be a non-empty string.");
        }
        return checkedId("client_request_id", value.asText());
    }

    static String checkedId(String field, String id) throws InvalidTraceException {
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidTraceException("'" + field + "' is longer than " + MAX_ID_LENGTH + " characters.");
        }
        if (id.indexOf('\0') >= 0) {
            throw new InvalidTraceException("'" + field + "' contains a NUL character.");
        }
        if (hasUnpairedSurrogate(id)) {
            throw new InvalidTraceException("'" + field + "' contains an unpaired UTF-16 surrogate (such as \\ud800), "
                    + "which is not a character and cannot be stored.");
        }
        return id;
    }

    /**
     * Whether {@code text} holds half of a surrogate pair on its own: JSON may spell one ({@code "\\ud800"}), but it
     * is no Unicode character, and PostgreSQL would store it as '?' (so two different ids would become one).
     */
    public static boolean hasUnpairedSurrogate(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static Map<String, String> tags(JsonNode tags) throws InvalidTraceException {
        if (tags == null || tags.isNull()) {
            return Map.of();
        }
        if (!tags.isObject()) {
            throw new InvalidTraceException("'tags' must be an object of strings, e.g. {\"env\": \"prod\"}, got "
                    + describe(tags) + ".");
        }
        var result = new LinkedHashMap<String, String>();
        for (var entries = tags.fields(); entries.hasNext(); ) {
            var entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidTraceException("Tag '" + abbreviate(entry.getKey()) + "' must have a string value, got "
                        + describe(entry.getValue()) + ".");
            }
            if (entry.getKey().isEmpty()) {
                throw new InvalidTraceException("Tag names must not be empty.");
            }
            result.put(entry.getKey(), entry.getValue().asText());
        }
        return result;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
