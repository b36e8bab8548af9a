package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.labels.SourceType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import static dev.jury.traces.ingest.RowReadersTest.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlflowTraceMapperTest {

    final MlflowTraceMapper mapper = new MlflowTraceMapper(MAPPER);

    static JsonNode fixture() throws IOException {
        try (InputStream in = MlflowTraceMapperTest.class.getResourceAsStream("/fixtures/traces/mlflow-traces.json")) {
            return MAPPER.readTree(in);
        }
    }

    @Test
    void mapsRootSpanInputsOutputsTagsAndAssessments() throws Exception {
        TraceDraft d = mapper.map(fixture().get(0));
        assertEquals("tr-7f1c2a9e4b3d4e6f8a0b1c2d3e4f5a6b", d.mlflowTraceId());
        assertEquals(d.mlflowTraceId(), d.clientRequestId());
        assertEquals("user", d.inputs().get("messages").get(0).get("role").asText());
        assertTrue(d.outputs().asText().startsWith("I'm sorry your order"), "outputs from the root span, not the preview");
        assertEquals("prod", d.tags().get("env"));
        assertEquals("support_agent", d.tags().get("mlflow.traceName"));
        assertEquals(2, d.spans().size());
        assertEquals("Apologise, open a carrier trace, promise an update within 48 hours.",
                d.expectations().get("expected_response").asText());

        List<AssessmentDraft> a = d.assessments();
        assertEquals(3, a.size(), "expectations are not assessments");
        assertEquals(SourceType.LLM_JUDGE, a.get(0).sourceType());
        assertEquals("good", a.get(0).value());
        assertEquals("openai:/gpt-4o-mini", a.get(0).sourceId());
        assertEquals(Instant.parse("2025-06-12T09:15:10.001Z"), a.get(0).createdAt());
        assertEquals(SourceType.HUMAN, a.get(1).sourceType());
        assertEquals("yes", a.get(1).value());
        assertEquals("The customer confirmed the parcel was traced.", a.get(1).rationale());
        assertEquals(SourceType.CODE, a.get(2).sourceType());
        assertEquals("182", a.get(2).value());
    }

    @Test
    void fallsBackToPreviewsAndCarriesErrorsOverridesAndSerializedExpectations() throws Exception {
        TraceDraft d = mapper.map(fixture().get(1));
        assertEquals("Can I return opened headphones?", d.inputs().get("question").asText());
        assertEquals("Yes, within 30 days, if all parts are included.", d.outputs().asText());
        assertEquals("30 days", d.expectations().get("key_facts").get(0).asText());
        var failed = d.assessments().get(0);
        assertNull(failed.value());
        assertEquals("RATE_LIMIT_EXCEEDED: 429 from the judge endpoint", failed.error());
        assertFalse(failed.valid());
        assertEquals("no", d.assessments().get(1).value());
        assertFalse(d.assessments().get(1).valid());
        assertEquals("a-0011", d.assessments().get(2).overrides());
        assertTrue(d.assessments().get(2).valid());
    }

    @Test
    void readsMlflow2SpansWithParentId() throws Exception {
        var json = MAPPER.readTree("""
                {"info": {"request_id": "tr-old", "experiment_id": "0", "timestamp_ms": 1, "status": "OK",
                          "tags": {"k": "v"}},
                 "data": {"spans": [
                   {"name": "child", "context": {"span_id": "2", "trace_id": "t"}, "parent_id": "1",
                    "attributes": {"mlflow.spanInputs": "\\"child in\\"", "mlflow.spanOutputs": "\\"child out\\""}},
                   {"name": "root", "context": {"span_id": "1", "trace_id": "t"}, "parent_id": null,
                    "attributes": {"mlflow.spanInputs": "{\\"x\\": 1}", "mlflow.spanOutputs": "2"}}]}}""");
        TraceDraft d = mapper.map(json);
        assertEquals("tr-old", d.clientRequestId());
        assertEquals(1, d.inputs().get("x").asInt());
        assertEquals(2, d.outputs().asInt());
    }

    @Test
    void judgeVerdictsFromOneSourceUnderTwoNamesGetDistinctSourceIds() {
        var t = Instant.now();
        var drafts = MlflowTraceMapper.storable(List.of(
                new AssessmentDraft("relevance", "yes", null, SourceType.LLM_JUDGE, "gpt", null, true, t, "1", null),
                new AssessmentDraft("safety", "yes", null, SourceType.LLM_JUDGE, "gpt", null, true, t, "2", null),
                new AssessmentDraft("safety", "no", null, SourceType.LLM_JUDGE, "gpt", null, true, t, "3", null)));
        assertEquals("gpt", drafts.get(0).sourceId());
        assertEquals("gpt#safety", drafts.get(1).sourceId());
        assertFalse(drafts.get(2).valid(), "a second valid verdict of the same judge cannot both be current");
    }

    @Test
    void refusesTracesWithoutIdsOrInputs() throws Exception {
        assertThrows(InvalidTraceException.class, () -> mapper.map(MAPPER.readTree("{\"inputs\": 1}")));
        assertTrue(assertThrows(InvalidTraceException.class,
                () -> mapper.map(MAPPER.readTree("{\"info\": {\"state\": \"OK\"}, \"data\": {\"spans\": []}}")))
                .getMessage().contains("trace_id"));
        assertTrue(assertThrows(InvalidTraceException.class,
                () -> mapper.map(MAPPER.readTree("{\"info\": {\"trace_id\": \"tr-1\"}, \"data\": {\"spans\": []}}")))
                .getMessage().contains("no inputs"));
        assertTrue(assertThrows(InvalidTraceException.class, () -> mapper.map(MAPPER.readTree(
                "{\"info\": {\"trace_id\": \"tr-1\", \"request_preview\": \"q\", \"response_preview\": \"a\","
                        + "\"assessments\": [{\"assessment_name\": \"x\", \"source\": {\"source_type\": \"ROBOT\"},"
                        + "\"feedback\": {\"value\": 1}}]}}"))).getMessage().contains("unknown source type"));
    }

    @Test
    void feedbackValuesBecomeLabels() throws Exception {
        assertEquals("yes", MlflowTraceMapper.feedbackValue(MAPPER.readTree("true")));
        assertEquals("no", MlflowTraceMapper.feedbackValue(MAPPER.readTree("false")));
        assertEquals("4", MlflowTraceMapper.feedbackValue(MAPPER.readTree("4.0")));
        assertEquals("0.75", MlflowTraceMapper.feedbackValue(MAPPER.readTree("0.75")));
        assertEquals("[1,2]", MlflowTraceMapper.feedbackValue(MAPPER.readTree("[1,2]")));
        assertNull(MlflowTraceMapper.feedbackValue(MAPPER.readTree("null")));
    }
}
