package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A draft with its JSON columns already serialised, as the INSERT sends them. */
record PreparedTrace(int line, TraceDraft draft, String inputs, String outputs, String expectations, String spans,
                     String tags) {

    /**
     * Every text the INSERT sends is checked for NUL here, per row: one NUL in a batch used to fail the whole
     * statement with a 500 and lose the good rows beside it (issue 12).
     */
    static PreparedTrace of(int line, TraceDraft draft, ObjectMapper mapper) throws InvalidTraceException {
        for (var tag : draft.tags().entrySet()) {
            noNul("tags", tag.getKey());
            noNul("tags." + TraceFields.abbreviate(tag.getKey().replace("\0", "")).replaceAll("[\\uD800-\\uDFFF]", "?"),
                    tag.getValue());
        }
        noNul("mlflow_trace_id", draft.mlflowTraceId());
        for (AssessmentDraft assessment : draft.assessments()) {
            noNul("assessments.name", assessment.name());
            noNul("assessments.value", assessment.value());
            noNul("assessments.rationale", assessment.rationale());
            noNul("assessments.source_id", assessment.sourceId());
            noNul("assessments.error", assessment.error());
            noNul("assessments.id", assessment.externalId());
            noNul("assessments.overrides", assessment.overrides());
        }
        try {
            return new PreparedTrace(line, draft,
                    json("inputs", draft.inputs(), mapper),
                    json("outputs", draft.outputs(), mapper),
                    json("expectations", draft.expectations(), mapper),
                    json("spans", draft.spans(), mapper),
                    mapper.writeValueAsString(draft.tags()));
        } catch (JsonProcessingException e) {
            throw new InvalidTraceException("Could not serialise the trace: " + e.getOriginalMessage());
        }
    }

    long size() {
        return inputs.length() + outputs.length() + (expectations == null ? 0 : expectations.length())
                + (spans == null ? 0 : spans.length()) + tags.length();
    }

    private static String json(String field, JsonNode node, ObjectMapper mapper)
            throws JsonProcessingException, InvalidTraceException {
        if (node == null) {
            return null;
        }
        String text = mapper.writeValueAsString(node);
        if (hasNulEscape(text)) {
            throw new InvalidTraceException("'" + field + "' contains a NUL character (\\u0000), which cannot be stored.");
        }
        unpaired(field, text);
        return text;
    }

    private static void noNul(String field, String text) throws InvalidTraceException {
        if (text != null && text.indexOf('\0') >= 0) {
            throw new InvalidTraceException("'" + field + "' contains a NUL character (\\u0000), which cannot be stored.");
        }
        unpaired(field, text);
    }

    private static void unpaired(String field, String text) throws InvalidTraceException {
        if (TraceFields.hasUnpairedSurrogate(text)) {
            throw new InvalidTraceException("'" + field + "' contains an unpaired UTF-16 surrogate (such as \\ud800), "
                    + "which is not a character and cannot be stored.");
        }
    }

    /** PostgreSQL's jsonb refuses {@code \u0000}; find the escape (not an escaped backslash followed by "u0000"). */
    static boolean hasNulEscape(String json) {
        int from = 0;
        while (true) {
            int at = json.indexOf("\\u0000", from);
            if (at < 0) {
                return false;
            }
            int backslashes = 0;
            for (int i = at; i >= 0 && json.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                return true;
            }
            from = at + 1;
        }
    }
}
