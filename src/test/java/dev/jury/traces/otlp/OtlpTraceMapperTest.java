package dev.jury.traces.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.traces.ingest.InvalidTraceException;
import dev.jury.traces.ingest.TraceDraft;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One OpenTelemetry trace → one Jury trace, for each convention that carries inputs and outputs. */
class OtlpTraceMapperTest {

    static final String TRACE = "5b8efff798038103d269b633813fc60c";

    static ObjectNode span(String id, String parent, long start, Map<String, Object> attributes, ObjectNode... events) {
        ObjectNode attrs = SpanJson.NODES.objectNode();
        attributes.forEach((k, v) -> attrs.set(k, v instanceof String s ? SpanJson.NODES.textNode(s) : (JsonNode) v));
        ArrayNode eventList = SpanJson.NODES.arrayNode();
        for (ObjectNode event : events) {
            eventList.add(event);
        }
        return SpanJson.span(TRACE, id, parent == null ? "" : parent, "span " + id, "SPAN_KIND_INTERNAL", start,
                start + 10, attrs, eventList, "STATUS_CODE_OK", "", null, null);
    }

    static ObjectNode event(String name, Map<String, String> attributes) {
        ObjectNode attrs = SpanJson.NODES.objectNode();
        attributes.forEach(attrs::put);
        return SpanJson.event(name, 1, attrs);
    }

    static ObjectNode resource(Map<String, String> attributes) {
        ObjectNode resource = SpanJson.NODES.objectNode();
        attributes.forEach(resource::put);
        return resource;
    }

    static TraceDraft map(ObjectNode... spans) throws InvalidTraceException {
        return OtlpTraceMapper.map(TRACE, List.of(spans), resource(Map.of("service.name", "bot")));
    }

    @Test
    void genAiInputAndOutputMessagesAsJsonStrings() throws Exception {
        TraceDraft draft = map(span("0000000000000001", null, 1, Map.of(
                "gen_ai.operation.name", "chat",
                "gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in Paris?\"}]}]",
                "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Rainy, 57°F.\"}],\"finish_reason\":\"stop\"}]")));
        assertEquals(TRACE, draft.clientRequestId());
        assertEquals("Weather in Paris?", draft.inputs().at("/0/parts/0/content").asText());
        assertEquals("Rainy, 57°F.", draft.outputs().at("/0/parts/0/content").asText());
        assertEquals("CHAT_MODEL", draft.spans().get(0).get("span_type").asText(), "from gen_ai.operation.name");
        assertEquals("bot", draft.tags().get("service.name"));
        assertNull(draft.mlflowTraceId());
        assertTrue(draft.assessments().isEmpty());
    }

    @Test
    void structuredGenAiMessagesAreTakenAsTheyAre() throws Exception {
        ArrayNode input = SpanJson.NODES.arrayNode();
        input.addObject().put("role", "user").putArray("parts").addObject().put("type", "text").put("content", "hi");
        TraceDraft draft = map(span("0000000000000001", null, 1, Map.of("gen_ai.input.messages", input,
                "gen_ai.output.messages", "hello")));
        assertEquals("hi", draft.inputs().at("/0/parts/0/content").asText());
        assertEquals("hello", draft.outputs().asText(), "text that is not JSON stays text");
    }

    @Test
    void mlflowSpanAttributesComeFirstAndKeepTheSpanType() throws Exception {
        TraceDraft draft = map(span("0000000000000001", null, 1, Map.of(
                "mlflow.spanType", "\"AGENT\"",
                "mlflow.spanInputs", "{\"messages\": [{\"role\": \"user\", \"content\": \"Order 4411?\"}]}",
                "mlflow.spanOutputs", "\"It is on its way.\"",
                "gen_ai.input.messages", "[\"ignored: MLflow's own attribute wins\"]")));
        assertEquals("Order 4411?", draft.inputs().at("/messages/0/content").asText());
        assertEquals("It is on its way.", draft.outputs().asText());
        assertEquals("AGENT", draft.spans().get(0).get("span_type").asText());
    }

    @Test
    void olderGenAiPromptAndCompletionAttributes() throws Exception {
        TraceDraft plain = map(span("0000000000000001", null, 1, Map.of(
                "gen_ai.prompt", "What is 2+2?", "gen_ai.completion", "[{\"role\":\"assistant\",\"content\":\"4\"}]")));
        assertEquals("What is 2+2?", plain.inputs().asText());
        assertEquals("4", plain.outputs().at("/0/content").asText());

        TraceDraft indexed = map(span("0000000000000001", null, 1, Map.of(
                "gen_ai.prompt.0.role", "system", "gen_ai.prompt.0.content", "Be brief.",
                "gen_ai.prompt.1.role", "user", "gen_ai.prompt.1.content", "Hi",
                "gen_ai.completion.0.role", "assistant", "gen_ai.completion.0.content", "Hello")));
        assertEquals("system", indexed.inputs().at("/0/role").asText());
        assertEquals("Hi", indexed.inputs().at("/1/content").asText());
        assertEquals("Hello", indexed.outputs().at("/0/content").asText());
    }

    @Test
    void genAiMessageAndChoiceEvents() throws Exception {
        TraceDraft draft = map(span("0000000000000001", null, 1, Map.of(),
                event("gen_ai.system.message", Map.of("content", "You are terse.")),
                event("gen_ai.user.message", Map.of("content", "Capital of France?")),
                event("gen_ai.choice", Map.of("index", "0", "finish_reason", "stop",
                        "message", "{\"role\":\"assistant\",\"content\":\"Paris\"}"))));
        assertEquals("system", draft.inputs().at("/0/role").asText());
        assertEquals("Capital of France?", draft.inputs().at("/1/content").asText());
        assertEquals("Paris", draft.outputs().at("/0/message/content").asText());
        assertEquals("stop", draft.outputs().at("/0/finish_reason").asText());

        TraceDraft content = map(span("0000000000000001", null, 1, Map.of(),
                event("gen_ai.content.prompt", Map.of("gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"q\"}]")),
                event("gen_ai.content.completion", Map.of("gen_ai.completion", "a"))));
        assertEquals("q", content.inputs().at("/0/content").asText());
        assertEquals("a", content.outputs().asText());
    }

    @Test
    void openInferenceInputAndOutputValues() throws Exception {
        TraceDraft draft = map(span("0000000000000001", null, 1, Map.of("openinference.span.kind", "chain",
                "input.value", "{\"question\": \"q\"}", "output.value", "answer")));
        assertEquals("q", draft.inputs().get("question").asText());
        assertEquals("answer", draft.outputs().asText());
        assertEquals("CHAIN", draft.spans().get(0).get("span_type").asText());
    }

    @Test
    void aRootWithoutContentTakesItFromTheSpanNearestTheRoot() throws Exception {
        ObjectNode http = span("0000000000000001", null, 1, Map.of("http.route", "/chat"));
        ObjectNode retriever = span("0000000000000002", "0000000000000001", 2, Map.of("openinference.span.kind", "RETRIEVER",
                "input.value", "order 7"));
        ObjectNode llm = span("0000000000000003", "0000000000000001", 3, Map.of(
                "gen_ai.input.messages", "[\"nearest llm call\"]", "gen_ai.output.messages", "[\"its answer\"]"));
        ObjectNode deeper = span("0000000000000004", "0000000000000003", 0, Map.of(
                "gen_ai.input.messages", "[\"deeper\"]", "gen_ai.output.messages", "[\"deeper\"]"));
        TraceDraft draft = map(deeper, llm, retriever, http);
        assertEquals("order 7", draft.inputs().asText(), "breadth-first, earlier start first: the retriever's input");
        assertEquals("its answer", draft.outputs().get(0).asText(), "outputs: the first span nearest the root with any");
        assertEquals(4, draft.spans().size());
        assertEquals("0000000000000004", draft.spans().get(0).get("span_id").asText(), "spans kept in start order");
        assertEquals("RETRIEVER", draft.spans().get(2).get("span_type").asText());
    }

    @Test
    void missingInputsOrOutputsOrRootRefuseTheTrace() {
        var noInputs = assertThrows(InvalidTraceException.class,
                () -> map(span("0000000000000001", null, 1, Map.of("gen_ai.output.messages", "[\"a\"]"))));
        assertTrue(noInputs.getMessage().contains("has no inputs"), noInputs.getMessage());
        var noOutputs = assertThrows(InvalidTraceException.class,
                () -> map(span("0000000000000001", null, 1, Map.of("gen_ai.input.messages", "[\"q\"]"))));
        assertTrue(noOutputs.getMessage().contains("has no outputs"), noOutputs.getMessage());
        var noRoot = assertThrows(InvalidTraceException.class,
                () -> map(span("0000000000000002", "0000000000000001", 1, Map.of())));
        assertTrue(noRoot.getMessage().contains("no root span"), noRoot.getMessage());
        var empty = assertThrows(InvalidTraceException.class,
                () -> map(span("0000000000000001", null, 1, Map.of("gen_ai.prompt", "", "gen_ai.completion", "a"))));
        assertTrue(empty.getMessage().contains("has no inputs"), "an empty string is no input");
    }

    @Test
    void aSpanSentTwiceIsKeptOnce() throws Exception {
        ObjectNode root = span("0000000000000001", null, 1, Map.of("gen_ai.prompt", "q", "gen_ai.completion", "a"));
        ObjectNode child = span("0000000000000002", "0000000000000001", 2, Map.of());
        assertEquals(2, map(root, child, child.deepCopy(), root.deepCopy()).spans().size());
    }

    @Test
    void tagsFromTheResourceTheRootSpanAndJuryTagAttributes() throws Exception {
        var attributes = new java.util.LinkedHashMap<String, Object>(Map.of("gen_ai.prompt", "q", "gen_ai.completion", "a",
                "gen_ai.conversation.id", "conv-1", "jury.tag.customer_tier", "gold"));
        ObjectNode root = span("0000000000000001", null, 1, attributes);
        ObjectNode resource = resource(Map.of("service.name", "bot", "service.version", "2.1",
                "deployment.environment.name", "prod", "jury.experiment", "support", "jury.tag.region", "eu",
                "host.name", "not-a-tag"));
        resource.put("service.instance.id", 7);
        var tags = OtlpTraceMapper.map(TRACE, new ArrayList<>(List.of(root)), resource).tags();
        assertEquals(Map.of("service.name", "bot", "service.version", "2.1", "deployment.environment.name", "prod",
                "service.instance.id", "7", "gen_ai.conversation.id", "conv-1", "customer_tier", "gold", "region", "eu"),
                tags);
    }
}
