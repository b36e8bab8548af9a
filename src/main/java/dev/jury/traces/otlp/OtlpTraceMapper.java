package dev.jury.traces.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.traces.ingest.InvalidTraceException;
import dev.jury.traces.ingest.TraceDraft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The spans of one OpenTelemetry trace → one Jury trace (docs/production.md, "Send traces with OpenTelemetry"):
 * <ul>
 *   <li>inputs and outputs from the root span ({@link GenAiContent}); when the root carries none (an HTTP server
 *   span around the model call, say), from the span nearest the root that does — breadth-first, earlier start
 *   first;</li>
 *   <li>every span kept in {@code trace.spans} in start order, in {@link SpanJson}'s shape;</li>
 *   <li>the OTLP trace id (hex) as the client request id, so a trace is stored once per experiment;</li>
 *   <li>tags from the root's resource ({@link #RESOURCE_TAGS}), the root span's conversation/session id, and any
 *   resource or root-span attribute {@code jury.tag.<name>}.</li>
 * </ul>
 */
public final class OtlpTraceMapper {

    /** Resource attributes kept as trace tags under their own names. */
    static final List<String> RESOURCE_TAGS = List.of("service.name", "service.namespace", "service.version",
            "service.instance.id", "deployment.environment.name", "deployment.environment");
    /** Root span attributes kept as trace tags under their own names. */
    static final List<String> SPAN_TAGS = List.of("gen_ai.conversation.id", "session.id");
    static final String TAG_PREFIX = "jury.tag.";
    static final int MAX_TAG_VALUE = 1000;

    private OtlpTraceMapper() {
    }

    /**
     * @param spans    the trace's spans, all with this trace id, the root among them
     * @param resource the attributes of the resource that sent the root span
     */
    public static TraceDraft map(String traceId, List<ObjectNode> spans, ObjectNode resource) throws InvalidTraceException {
        List<ObjectNode> ordered = distinctInStartOrder(spans);
        ObjectNode root = root(ordered);
        if (root == null) {
            throw new InvalidTraceException("Trace " + traceId + " has no root span (a span without a parent).");
        }
        List<ObjectNode> nearestFirst = breadthFirst(root, ordered);
        JsonNode inputs = null;
        JsonNode outputs = null;
        for (ObjectNode span : nearestFirst) {
            if (inputs == null) {
                inputs = GenAiContent.inputs(span);
            }
            if (outputs == null) {
                outputs = GenAiContent.outputs(span);
            }
            if (inputs != null && outputs != null) {
                break;
            }
        }
        if (inputs == null) {
            throw new InvalidTraceException("Trace " + traceId + " has no inputs: no span carries "
                    + "mlflow.spanInputs, gen_ai.input.messages, input.value, gen_ai.prompt or gen_ai.*.message events.");
        }
        if (outputs == null) {
            throw new InvalidTraceException("Trace " + traceId + " has no outputs: no span carries "
                    + "mlflow.spanOutputs, gen_ai.output.messages, output.value, gen_ai.completion or gen_ai.choice events.");
        }
        ArrayNode stored = SpanJson.NODES.arrayNode(ordered.size());
        ordered.forEach(stored::add);
        return new TraceDraft(traceId, inputs, outputs, null, stored, tags(resource, root.path("attributes")), null,
                List.of());
    }

    /** One span per span id (a re-sent span is kept once), ordered by start time. */
    static List<ObjectNode> distinctInStartOrder(List<ObjectNode> spans) {
        var byId = new LinkedHashMap<String, ObjectNode>();
        for (ObjectNode span : spans) {
            byId.putIfAbsent(span.path("span_id").asText(), span);
        }
        var ordered = new ArrayList<>(byId.values());
        ordered.sort(Comparator.comparingLong(s -> s.path("start_time_unix_nano").asLong()));
        return ordered;
    }

    /** The span without a parent; of several (a broken sender), the earliest. */
    static ObjectNode root(List<ObjectNode> ordered) {
        for (ObjectNode span : ordered) {
            if (span.path("parent_span_id").asText().isEmpty()) {
                return span;
            }
        }
        return null;
    }

    /** The root, its children, their children, …; spans whose parent is missing are not reached. */
    static List<ObjectNode> breadthFirst(ObjectNode root, List<ObjectNode> ordered) {
        Map<String, List<ObjectNode>> children = new HashMap<>();
        for (ObjectNode span : ordered) {
            String parent = span.path("parent_span_id").asText();
            if (!parent.isEmpty()) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(span);
            }
        }
        var result = new ArrayList<ObjectNode>();
        Set<String> seen = new LinkedHashSet<>();
        var queue = new ArrayDeque<ObjectNode>();
        queue.add(root);
        while (!queue.isEmpty()) {
            ObjectNode span = queue.poll();
            if (!seen.add(span.path("span_id").asText())) {
                continue; // a cycle from a broken sender
            }
            result.add(span);
            queue.addAll(children.getOrDefault(span.path("span_id").asText(), List.of()));
        }
        return result;
    }

    static Map<String, String> tags(ObjectNode resource, JsonNode rootAttributes) {
        var tags = new LinkedHashMap<String, String>();
        for (String name : RESOURCE_TAGS) {
            put(tags, name, resource == null ? null : resource.get(name));
        }
        for (String name : SPAN_TAGS) {
            put(tags, name, rootAttributes.get(name));
        }
        for (JsonNode attributes : new JsonNode[]{resource, rootAttributes}) {
            if (attributes == null) {
                continue;
            }
            for (var fields = attributes.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (field.getKey().startsWith(TAG_PREFIX) && field.getKey().length() > TAG_PREFIX.length()) {
                    put(tags, field.getKey().substring(TAG_PREFIX.length()), field.getValue());
                }
            }
        }
        return tags;
    }

    private static void put(Map<String, String> tags, String name, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        if (!text.isEmpty()) {
            int cut = Math.min(text.length(), MAX_TAG_VALUE);
            if (cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--; // never leave half a pair behind
            }
            tags.put(name, text.substring(0, cut));
        }
    }
}
