package dev.jury.judges.prompt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A demonstration shown to a judge under "Examples of correct assessments". Stored as data on the judge
 * version, never pasted into the instructions template, so a demo containing {@code {{ … }}} cannot break it.
 *
 * @param inputs       the trace inputs (JSON), possibly truncated to {@code demo_input_field_maxlen}
 * @param outputs      the trace outputs (JSON)
 * @param expectations optional expectations (JSON), {@code null} when absent
 * @param value        the correct verdict, one of the rubric's allowed values
 * @param rationale    why that verdict is correct
 */
public record Demo(JsonNode inputs, JsonNode outputs, JsonNode expectations, String value, String rationale) {
}
