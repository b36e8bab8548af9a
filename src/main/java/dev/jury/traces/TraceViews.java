package dev.jury.traces;

import dev.jury.labels.SourceType;
import dev.jury.labels.Assessment;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The API's JSON shapes for traces (records, never entities). */
public final class TraceViews {

    private TraceViews() {
    }

    public record TraceView(long id, String experiment, String clientRequestId, JsonNode inputs, JsonNode outputs,
                            JsonNode expectations, Map<String, String> tags, String source, String mlflowTraceId,
                            Instant createdAt) {
        static TraceView of(Trace t, String experiment) {
            return new TraceView(t.id, experiment, t.clientRequestId, t.inputs, t.outputs, t.expectations,
                    t.tags == null ? Map.of() : t.tags, t.source, t.mlflowTraceId, t.createdAt);
        }
    }

    public record TraceList(List<TraceView> traces, Long nextCursor) {
    }

    public record AssessmentView(long id, String name, String value, String rationale, SourceType sourceType,
                                 String sourceId, boolean valid, Long supersedes, Long supersededBy, Long rubricVersion,
                                 Long judgeVersionId, String error, Instant createdAt) {
        static AssessmentView of(Assessment a) {
            return new AssessmentView(a.id, a.name, a.value, a.rationale, a.sourceType, a.sourceId, a.valid,
                    a.supersedes, a.supersededBy, a.rubricVersionId, a.judgeVersionId, a.error, a.createdAt);
        }
    }

    public record TraceDetail(long id, String experiment, String clientRequestId, JsonNode inputs, JsonNode outputs,
                              JsonNode expectations, JsonNode spans, Map<String, String> tags, String source,
                              String mlflowTraceId, Instant createdAt, List<AssessmentView> assessments) {
    }
}
