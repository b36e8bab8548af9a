package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** A checked trace, ready to be stored. {@code expectations}, {@code spans}, ids may be null. */
public record TraceDraft(String clientRequestId, JsonNode inputs, JsonNode outputs, JsonNode expectations,
                         JsonNode spans, Map<String, String> tags, String mlflowTraceId,
                         List<AssessmentDraft> assessments) {

    public TraceDraft {
        tags = tags == null ? Map.of() : tags;
        assessments = assessments == null ? List.of() : assessments;
    }
}
