package dev.jury.traces.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Small builders of OTLP export requests for the tests, with the generated OTLP protobuf messages. */
final class OtlpRequests {

    private static final java.util.concurrent.atomic.AtomicLong CLOCK = new java.util.concurrent.atomic.AtomicLong();

    private OtlpRequests() {
    }

    static String newTraceId() {
        return HexFormat.of().formatHex(randomBytes(16));
    }

    static String newSpanId() {
        return HexFormat.of().formatHex(randomBytes(8));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1; // never all zeros
        return bytes;
    }

    static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attribute(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static Span.Builder span(String traceId, String spanId, String parentSpanId, String name,
                             Map<String, String> attributes) {
        var span = Span.newBuilder()
                .setTraceId(ByteString.fromHex(traceId))
                .setSpanId(ByteString.fromHex(spanId))
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                .setStartTimeUnixNano(1_700_000_000_000_000_000L + CLOCK.incrementAndGet()) // spans start in build order
                .setEndTimeUnixNano(1_700_000_001_000_000_000L)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
        if (parentSpanId != null) {
            span.setParentSpanId(ByteString.fromHex(parentSpanId));
        }
        attributes.forEach((k, v) -> span.addAttributes(attribute(k, v)));
        return span;
    }

    static ExportTraceServiceRequest request(Map<String, String> resource, Span.Builder... spans) {
        var scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("jury-tests"));
        for (Span.Builder span : spans) {
            scope.addSpans(span);
        }
        var resourceBuilder = Resource.newBuilder();
        resource.forEach((k, v) -> resourceBuilder.addAttributes(attribute(k, v)));
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resourceBuilder).addScopeSpans(scope))
                .build();
    }

    /** A GenAI chat root span with one retriever child: the usual shape of a RAG app's trace. */
    static ExportTraceServiceRequest ragTrace(String experiment, String traceId) {
        String root = newSpanId();
        return request(Map.of("service.name", "support-bot", "jury.experiment", experiment),
                span(traceId, root, null, "chat gpt-4o", Map.of(
                        "gen_ai.operation.name", "chat",
                        "gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is order 7?\"}]}]",
                        "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"On its way.\"}],\"finish_reason\":\"stop\"}]")),
                span(traceId, newSpanId(), root, "retrieve orders", Map.of("openinference.span.kind", "RETRIEVER")));
    }
}
