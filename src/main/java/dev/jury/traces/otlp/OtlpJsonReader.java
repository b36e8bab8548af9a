package dev.jury.traces.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.traces.ingest.InvalidTraceException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP/HTTP JSON body (the protobuf JSON mapping with OTLP's rules: lowerCamelCase field names, trace and
 * span ids as hex, 64-bit integers as strings or numbers, enums as numbers) into {@link ReceivedSpan}s. The
 * original snake_case field names are accepted too, as protobuf JSON parsers do; unknown fields are ignored, as
 * the specification requires. A body whose structure is not an export request is malformed (400); a span whose
 * own fields are wrong is refused on its own.
 */
public final class OtlpJsonReader {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OtlpJsonReader() {
    }

    public static List<ReceivedSpan> read(byte[] body) throws MalformedOtlpException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedOtlpException("The body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new MalformedOtlpException("The body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedOtlpException("An OTLP/JSON export request is an object {\"resourceSpans\": [...]}.");
        }
        var spans = new ArrayList<ReceivedSpan>();
        int r = 0;
        for (JsonNode resourceSpans : array(root, "resourceSpans", "resource_spans", "resourceSpans")) {
            String at = "resourceSpans[" + r++ + "]";
            object(resourceSpans, at);
            JsonNode resourceNode = field(resourceSpans, "resource", "resource");
            ObjectNode resource = null;
            String resourceError = null;
            try {
                resource = resourceNode == null || resourceNode.isNull() ? SpanJson.NODES.objectNode()
                        : attributes("resource attribute", field(object(resourceNode, at + ".resource"), "attributes", "attributes"));
            } catch (InvalidTraceException e) {
                resourceError = "Resource: " + e.getMessage();
            }
            int s = 0;
            for (JsonNode scopeSpans : array(resourceSpans, "scopeSpans", "scope_spans", at + ".scopeSpans")) {
                String scopeAt = at + ".scopeSpans[" + s++ + "]";
                object(scopeSpans, scopeAt);
                JsonNode scope = field(scopeSpans, "scope", "scope");
                String scopeName = scope != null && scope.path("name").isTextual() ? scope.get("name").asText() : null;
                int n = 0;
                for (JsonNode span : array(scopeSpans, "spans", "spans", scopeAt + ".spans")) {
                    object(span, scopeAt + ".spans[" + n++ + "]");
                    spans.add(resourceError != null ? ReceivedSpan.refused(resourceError) : span(span, resource, scopeName));
                }
            }
        }
        return spans;
    }

    private static ReceivedSpan span(JsonNode span, ObjectNode resource, String scope) {
        try {
            String traceId = SpanJson.traceId(string(span, "traceId", "trace_id"));
            String spanId = SpanJson.spanId(string(span, "spanId", "span_id"));
            String parent = SpanJson.parentSpanId(string(span, "parentSpanId", "parent_span_id"));
            ArrayNode events = SpanJson.NODES.arrayNode();
            JsonNode eventList = field(span, "events", "events");
            if (eventList != null && !eventList.isNull()) {
                if (!eventList.isArray()) {
                    throw new InvalidTraceException("A span's 'events' must be an array.");
                }
                for (JsonNode event : eventList) {
                    if (!event.isObject()) {
                        throw new InvalidTraceException("Each span event must be an object.");
                    }
                    events.add(SpanJson.event(SpanJson.text("An event name", string(event, "name", "name")),
                            int64(event, "timeUnixNano", "time_unix_nano"),
                            attributes("event attribute", field(event, "attributes", "attributes"))));
                }
            }
            JsonNode status = field(span, "status", "status");
            ObjectNode json = SpanJson.span(traceId, spanId, parent,
                    SpanJson.text("The span name", string(span, "name", "name")),
                    SpanJson.kind(enumNumber(span.get("kind"), SpanJson.KINDS, "kind")),
                    int64(span, "startTimeUnixNano", "start_time_unix_nano"),
                    int64(span, "endTimeUnixNano", "end_time_unix_nano"),
                    attributes("attribute", field(span, "attributes", "attributes")), events,
                    SpanJson.statusCode(status == null ? 0 : enumNumber(status.get("code"), SpanJson.STATUS_CODES, "status code")),
                    SpanJson.text("The status message", status == null ? null : string(status, "message", "message")),
                    SpanJson.text("The trace state", string(span, "traceState", "trace_state")),
                    SpanJson.text("The scope name", scope));
            return new ReceivedSpan(traceId, spanId, parent, json, resource, null);
        } catch (InvalidTraceException e) {
            return ReceivedSpan.refused(e.getMessage());
        }
    }

    static ObjectNode attributes(String what, JsonNode list) throws InvalidTraceException {
        ObjectNode attributes = SpanJson.NODES.objectNode();
        if (list == null || list.isNull()) {
            return attributes;
        }
        if (!list.isArray()) {
            throw new InvalidTraceException("The " + what + "s must be an array of {\"key\", \"value\"}.");
        }
        for (JsonNode kv : list) {
            JsonNode keyNode = kv.get("key");
            if (keyNode == null || !keyNode.isTextual()) {
                throw new InvalidTraceException("Each " + what + " needs a string 'key'.");
            }
            String key = keyNode.asText();
            if (!SpanJson.clean(key)) {
                throw SpanJson.unclean("The name of the " + what + " '" + key + "'", key);
            }
            attributes.set(key, value(what, key, kv.get("value")));
        }
        return attributes;
    }

    /** An {@code AnyValue}: exactly one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue. */
    static JsonNode value(String what, String key, JsonNode value) throws InvalidTraceException {
        if (value == null || value.isNull() || (value.isObject() && value.isEmpty())) {
            return SpanJson.NODES.nullNode();
        }
        if (!value.isObject()) {
            throw new InvalidTraceException("The " + what + " '" + SpanJson.printable(key)
                    + "' has a value that is not an AnyValue object such as {\"stringValue\": \"…\"}.");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        Map.Entry<String, JsonNode> entry = fields.next();
        JsonNode v = entry.getValue();
        String where = "The " + what + " '" + key + "'";
        switch (entry.getKey()) {
            case "stringValue", "string_value" -> {
                if (!v.isTextual()) {
                    throw new InvalidTraceException(SpanJson.printable(where) + ": stringValue must be a string.");
                }
                return SpanJson.NODES.textNode(SpanJson.text(where, v.asText()));
            }
            case "boolValue", "bool_value" -> {
                if (!v.isBoolean()) {
                    throw new InvalidTraceException(SpanJson.printable(where) + ": boolValue must be true or false.");
                }
                return v;
            }
            case "intValue", "int_value" -> {
                return SpanJson.NODES.numberNode(int64Value(v, where));
            }
            case "doubleValue", "double_value" -> {
                if (v.isNumber()) {
                    return SpanJson.number(v.asDouble());
                }
                if (v.isTextual() && (v.asText().equals("NaN") || v.asText().endsWith("Infinity"))) {
                    return v; // the protobuf JSON spelling of non-finite doubles
                }
                throw new InvalidTraceException(SpanJson.printable(where) + ": doubleValue must be a number.");
            }
            case "bytesValue", "bytes_value" -> {
                if (!v.isTextual()) {
                    throw new InvalidTraceException(SpanJson.printable(where) + ": bytesValue must be a base64 string.");
                }
                try {
                    Base64.getDecoder().decode(v.asText());
                } catch (IllegalArgumentException e) {
                    throw new InvalidTraceException(SpanJson.printable(where) + ": bytesValue is not base64.");
                }
                return v;
            }
            case "arrayValue", "array_value" -> {
                ArrayNode array = SpanJson.NODES.arrayNode();
                JsonNode values = v.isObject() ? v.get("values") : null;
                if (values != null && !values.isNull()) {
                    if (!values.isArray()) {
                        throw new InvalidTraceException(SpanJson.printable(where) + ": arrayValue.values must be an array.");
                    }
                    for (JsonNode item : values) {
                        array.add(value(what, key, item));
                    }
                }
                return array;
            }
            case "kvlistValue", "kvlist_value" -> {
                return attributes(what + " '" + key + "'", v.isObject() ? v.get("values") : null);
            }
            default -> throw new InvalidTraceException(SpanJson.printable(where) + " has an unknown value kind '"
                    + SpanJson.printable(entry.getKey()) + "'.");
        }
    }

    private static long int64(JsonNode node, String camel, String snake) throws InvalidTraceException {
        JsonNode value = field(node, camel, snake);
        if (value == null || value.isNull()) {
            return 0;
        }
        return int64Value(value, "'" + camel + "'");
    }

    /** OTLP/JSON writes 64-bit integers as decimal strings; plain JSON numbers are accepted too. */
    private static long int64Value(JsonNode value, String where) throws InvalidTraceException {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText());
            } catch (NumberFormatException e) {
                try {
                    return Long.parseUnsignedLong(value.asText()); // fixed64 nanoseconds may use the top bit
                } catch (NumberFormatException notUnsigned) {
                    // fall through to the message
                }
            }
        }
        throw new InvalidTraceException(SpanJson.printable(where) + " must be a 64-bit integer (a decimal string such as "
                + "\"1700000000000000000\"), got " + SpanJson.printable(value.toString()) + ".");
    }

    private static int enumNumber(JsonNode value, String[] names, String what) throws InvalidTraceException {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (value.isIntegralNumber()) {
            return value.asInt();
        }
        if (value.isTextual()) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(value.asText())) {
                    return i;
                }
            }
        }
        throw new InvalidTraceException("The span's " + what + " " + SpanJson.printable(value.toString())
                + " is not one of " + String.join(", ", names) + " (or their numbers).");
    }

    private static String string(JsonNode node, String camel, String snake) throws InvalidTraceException {
        JsonNode value = field(node, camel, snake);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidTraceException("'" + camel + "' must be a string.");
        }
        return value.asText();
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode value = node.get(camel);
        return value != null ? value : node.get(snake);
    }

    private static Iterable<JsonNode> array(JsonNode node, String camel, String snake, String at)
            throws MalformedOtlpException {
        JsonNode value = field(node, camel, snake);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new MalformedOtlpException("'" + at + "' must be an array.");
        }
        return value;
    }

    private static JsonNode object(JsonNode node, String at) throws MalformedOtlpException {
        if (!node.isObject()) {
            throw new MalformedOtlpException("'" + at + "' must be an object.");
        }
        return node;
    }
}
