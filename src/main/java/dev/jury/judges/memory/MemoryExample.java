package dev.jury.judges.memory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * One labelled example in a judge version's memory: a trace as the judge saw it, with the human consensus label.
 *
 * @param traceId      the trace it was labelled on; a trace never retrieves itself (see {@link MemoryIndex})
 * @param inputs       the trace inputs (JSON)
 * @param outputs      the trace outputs (JSON)
 * @param expectations the trace expectations (JSON), {@code null} when absent
 * @param value        the consensus label, one of the rubric's allowed values
 * @param rationale    the humans' rationale; empty when none was given
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemoryExample(String traceId, JsonNode inputs, JsonNode outputs, JsonNode expectations, String value,
                            String rationale) {

    public MemoryExample {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(value, "value");
        rationale = rationale == null ? "" : rationale;
        // JSON null read back from the column is a NullNode: normalise, so a stored memory equals the one saved
        expectations = expectations == null || expectations.isNull() || expectations.isMissingNode() ? null
                : expectations;
    }

    /** The text that is embedded to find this example: its inputs and outputs ({@link MemoryText}). */
    public String text() {
        return MemoryText.of(inputs, outputs);
    }
}
