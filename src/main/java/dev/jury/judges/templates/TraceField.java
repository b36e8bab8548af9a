package dev.jury.judges.templates;

/**
 * A part of a trace that a template judge reads. {@link TraceFields} tells which of them a trace has; a template
 * lists the ones it needs, so "the judges that fit" skip a trace that lacks one and say which.
 */
public enum TraceField {
    INPUTS("inputs", "the request: a non-empty trace.inputs"),
    OUTPUTS("outputs", "the response: a non-empty trace.outputs"),
    EXPECTED_RESPONSE("expectations.expected_facts|expected_response",
            "the ground truth: a non-empty list expectations.expected_facts or a text expectations.expected_response"),
    GUIDELINES("expectations.guidelines",
            "per-trace guidelines: a non-empty list of texts expectations.guidelines (unless the judge has global ones)"),
    RETRIEVED_CONTEXT("retrieved_context",
            "retrieved chunks: a span with span_type RETRIEVER and documents in its outputs, or a list "
                    + "outputs.retrieved_context"),
    EXPECTED_RETRIEVED_CONTEXT("expectations.expected_retrieved_context",
            "the documents that should be retrieved: a non-empty list expectations.expected_retrieved_context");

    private final String path;
    private final String description;

    TraceField(String path, String description) {
        this.path = path;
        this.description = description;
    }

    /** Where the field is in a trace, as the form and the skip reasons name it. */
    public String path() {
        return path;
    }

    /** What counts as present, in one phrase. */
    public String description() {
        return description;
    }
}
