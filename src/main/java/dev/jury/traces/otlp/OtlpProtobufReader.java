package dev.jury.traces.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jury.traces.ingest.InvalidTraceException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads an OTLP/HTTP protobuf body ({@code ExportTraceServiceRequest}) into {@link ReceivedSpan}s. */
public final class OtlpProtobufReader {

    private OtlpProtobufReader() {
    }

    public static List<ReceivedSpan> read(byte[] body) throws MalformedOtlpException {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedOtlpException("The body is not an OTLP ExportTraceServiceRequest in protobuf: "
                    + e.getMessage());
        }
        var spans = new ArrayList<ReceivedSpan>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            ObjectNode resource;
            String resourceError = null;
            try {
                resource = resource(resourceSpans.getResource());
            } catch (InvalidTraceException e) {
                resource = null;
                resourceError = "Resource: " + e.getMessage();
            }
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    if (resourceError != null) {
                        spans.add(ReceivedSpan.refused(resourceError));
                        continue;
                    }
                    spans.add(span(span, resource, scopeSpans.getScope().getName()));
                }
            }
        }
        return spans;
    }

    static ObjectNode resource(Resource resource) throws InvalidTraceException {
        return attributes("resource attribute", resource.getAttributesList());
    }

    private static ReceivedSpan span(Span span, ObjectNode resource, String scope) {
        try {
            String traceId = SpanJson.traceId(hex(span.getTraceId()));
            String spanId = SpanJson.spanId(hex(span.getSpanId()));
            String parent = SpanJson.parentSpanId(hex(span.getParentSpanId()));
            ArrayNode events = SpanJson.NODES.arrayNode(span.getEventsCount());
            for (Span.Event event : span.getEventsList()) {
                events.add(SpanJson.event(SpanJson.text("An event name", event.getName()), event.getTimeUnixNano(),
                        attributes("event attribute", event.getAttributesList())));
            }
            ObjectNode json = SpanJson.span(traceId, spanId, parent, SpanJson.text("The span name", span.getName()),
                    SpanJson.kind(span.getKindValue()), span.getStartTimeUnixNano(), span.getEndTimeUnixNano(),
                    attributes("attribute", span.getAttributesList()), events,
                    SpanJson.statusCode(span.getStatus().getCodeValue()),
                    SpanJson.text("The status message", span.getStatus().getMessage()),
                    SpanJson.text("The trace state", span.getTraceState()), SpanJson.text("The scope name", scope));
            return new ReceivedSpan(traceId, spanId, parent, json, resource, null);
        } catch (InvalidTraceException e) {
            return ReceivedSpan.refused(e.getMessage());
        }
    }

    private static String hex(ByteString id) {
        return SpanJson.hex(id.toByteArray());
    }

    static ObjectNode attributes(String what, List<KeyValue> list) throws InvalidTraceException {
        ObjectNode attributes = SpanJson.NODES.objectNode();
        for (KeyValue kv : list) {
            String key = kv.getKey();
            if (!SpanJson.clean(key)) {
                throw SpanJson.unclean("The name of the " + what + " '" + key + "'", key);
            }
            attributes.set(key, value(what, key, kv.getValue()));
        }
        return attributes;
    }

    static JsonNode value(String what, String key, AnyValue value) throws InvalidTraceException {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> {
                String text = value.getStringValue();
                if (!SpanJson.clean(text)) {
                    throw SpanJson.unclean("The " + what + " '" + key + "'", text);
                }
                yield SpanJson.NODES.textNode(text);
            }
            case BOOL_VALUE -> SpanJson.NODES.booleanNode(value.getBoolValue());
            case INT_VALUE -> SpanJson.NODES.numberNode(value.getIntValue());
            case DOUBLE_VALUE -> SpanJson.number(value.getDoubleValue());
            case BYTES_VALUE -> SpanJson.NODES.textNode(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode array = SpanJson.NODES.arrayNode();
                for (AnyValue item : value.getArrayValue().getValuesList()) {
                    array.add(value(what, key, item));
                }
                yield array;
            }
            case KVLIST_VALUE -> attributes(what + " '" + key + "'", value.getKvlistValue().getValuesList());
            default -> SpanJson.NODES.nullNode(); // unset, or a string-table index (profiles only)
        };
    }
}
