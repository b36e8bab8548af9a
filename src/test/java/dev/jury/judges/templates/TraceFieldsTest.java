package dev.jury.judges.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TraceFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return text == null ? null : JSON.readTree(text);
    }

    private static Set<TraceField> present(String inputs, String outputs, String expectations, String spans)
            throws Exception {
        return TraceFields.present(json(inputs), json(outputs), json(expectations), json(spans));
    }

    @Test
    void inputsAndOutputsAloneAreWhatEveryTraceHas() throws Exception {
        assertEquals(EnumSet.of(TraceField.INPUTS, TraceField.OUTPUTS),
                present("{\"q\": \"hi\"}", "\"hello\"", null, null));
        assertEquals(EnumSet.of(TraceField.INPUTS), present("{\"q\": \"hi\"}", "\"  \"", "{}", "[]"));
        assertEquals(EnumSet.noneOf(TraceField.class), present("{}", "null", null, null));
    }

    @Test
    void expectationsCountOnlyInTheirDocumentedShape() throws Exception {
        assertEquals(EnumSet.of(TraceField.INPUTS, TraceField.OUTPUTS, TraceField.EXPECTED_RESPONSE,
                        TraceField.GUIDELINES, TraceField.EXPECTED_RETRIEVED_CONTEXT),
                present("\"q\"", "\"a\"", """
                        {"expected_facts": ["Paris"], "guidelines": ["Be brief."],
                         "expected_retrieved_context": [{"doc_uri": "doc-1"}]}""", null));
        assertEquals(EnumSet.of(TraceField.INPUTS, TraceField.OUTPUTS, TraceField.EXPECTED_RESPONSE),
                present("\"q\"", "\"a\"", "{\"expected_response\": \"Paris\", \"expected_facts\": []}", null));
        assertEquals(EnumSet.of(TraceField.INPUTS, TraceField.OUTPUTS),
                present("\"q\"", "\"a\"", "{\"expected_facts\": [], \"guidelines\": [\" \", 3]}", null));
        assertEquals(List.of("One rule."), TraceFields.guidelines(json("{\"guidelines\": \" One rule. \"}")));
    }

    @Test
    void chunksComeFromRetrieverSpans() throws Exception {
        JsonNode spans = json("""
                [{"name": "root", "span_type": "CHAIN", "outputs": [{"page_content": "not a retrieval"}]},
                 {"name": "search", "span_type": "RETRIEVER",
                  "outputs": [{"page_content": "Paris is the capital.", "metadata": {"doc_uri": "wiki/paris"}},
                              "plain text chunk", {"content": ""}]},
                 {"name": "mlflow", "attributes": {"mlflow.spanType": "\\"RETRIEVER\\"",
                  "mlflow.spanOutputs": "[{\\"page_content\\": \\"From MLflow\\", \\"doc_uri\\": \\"d3\\"}]"}}]""");
        var chunks = TraceFields.chunks(null, spans);
        assertEquals(List.of(new TraceFields.Chunk(1, "Paris is the capital.", "wiki/paris"),
                new TraceFields.Chunk(2, "plain text chunk", null), new TraceFields.Chunk(3, "From MLflow", "d3")),
                chunks);
        assertEquals(true, TraceFields.present(json("\"q\""), json("\"a\""), null, spans)
                .contains(TraceField.RETRIEVED_CONTEXT));
    }

    @Test
    void withoutRetrieverSpansTheDocumentedOutputsFieldIsUsed() throws Exception {
        var chunks = TraceFields.chunks(json("""
                {"answer": "Paris", "retrieved_context": [{"content": "Paris is in France.", "doc_uri": "d1"}]}"""),
                json("{\"spans\": []}"));
        assertEquals(List.of(new TraceFields.Chunk(1, "Paris is in France.", "d1")), chunks);
        assertEquals(List.of(), TraceFields.chunks(json("{\"retrieved_context\": \"not a list\"}"), null));
    }

    @Test
    void missingListsTheNeededFieldsATraceLacks() {
        assertEquals(List.of(TraceField.EXPECTED_RESPONSE), TraceFields.missing(
                List.of(TraceField.INPUTS, TraceField.OUTPUTS, TraceField.EXPECTED_RESPONSE),
                EnumSet.of(TraceField.INPUTS, TraceField.OUTPUTS)));
    }
}
