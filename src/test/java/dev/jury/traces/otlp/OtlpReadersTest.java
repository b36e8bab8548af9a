package dev.jury.traces.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.jury.traces.otlp.OtlpRequests.newSpanId;
import static dev.jury.traces.otlp.OtlpRequests.newTraceId;
import static dev.jury.traces.otlp.OtlpRequests.request;
import static dev.jury.traces.otlp.OtlpRequests.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both OTLP encodings read into the same spans; malformed bodies and bad spans refused with a reason. */
class OtlpReadersTest {

    static final String TRACE = "5b8efff798038103d269b633813fc60c";
    static final String ROOT = "eee19b7ec3c1b174";
    static final String CHILD = "eee19b7ec3c1b173";

    /** The example of the OTLP specification's JSON encoding, extended with each kind of attribute value. */
    static final String JSON = """
            {"resourceSpans": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}},
                                          {"key": "jury.experiment", "value": {"stringValue": "support"}}]},
              "scopeSpans": [{
                "scope": {"name": "my.library", "version": "1.0.0"},
                "spans": [
                  {"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174", "parentSpanId": "",
                   "name": "I'm a server span", "startTimeUnixNano": "1544712660000000000",
                   "endTimeUnixNano": "1544712661000000000", "kind": 2,
                   "attributes": [{"key": "my.span.attr", "value": {"stringValue": "some value"}},
                                  {"key": "count", "value": {"intValue": "42"}},
                                  {"key": "ratio", "value": {"doubleValue": 0.5}},
                                  {"key": "ok", "value": {"boolValue": true}},
                                  {"key": "list", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": 1}]}}},
                                  {"key": "map", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}}}],
                   "events": [{"timeUnixNano": "1544712660500000000", "name": "gen_ai.user.message",
                               "attributes": [{"key": "content", "value": {"stringValue": "hi"}}]}],
                   "status": {"code": 1}},
                  {"trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b173",
                   "parent_span_id": "eee19b7ec3c1b174", "name": "child", "start_time_unix_nano": 1544712660100000000,
                   "kind": "SPAN_KIND_CLIENT"}
                ]}]}]}""";

    @Test
    void jsonEncodingWithHexIdsStringInt64sAndEveryValueKind() throws Exception {
        List<ReceivedSpan> spans = OtlpJsonReader.read(JSON.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, spans.size());
        ReceivedSpan root = spans.get(0);
        assertNull(root.error());
        assertEquals(TRACE, root.traceId(), "hex ids are normalised to lower case");
        assertEquals(ROOT, root.spanId());
        assertTrue(root.isRoot());
        assertEquals("my.service", root.resource().get("service.name").asText());
        var span = root.span();
        assertEquals("SPAN_KIND_SERVER", span.get("kind").asText());
        assertEquals(1544712660000000000L, span.get("start_time_unix_nano").asLong());
        assertEquals(42, span.at("/attributes/count").asLong());
        assertEquals(0.5, span.at("/attributes/ratio").asDouble());
        assertTrue(span.at("/attributes/ok").asBoolean());
        assertEquals("a", span.at("/attributes/list/0").asText());
        assertEquals("v", span.at("/attributes/map/k").asText());
        assertEquals("gen_ai.user.message", span.at("/events/0/name").asText());
        assertEquals("hi", span.at("/events/0/attributes/content").asText());
        assertEquals("STATUS_CODE_OK", span.at("/status/code").asText());
        assertEquals("my.library", span.get("scope").asText());

        ReceivedSpan child = spans.get(1);
        assertNull(child.error(), "snake_case field names and enum names are accepted too");
        assertEquals(ROOT, child.parentSpanId());
        assertEquals("SPAN_KIND_CLIENT", child.span().get("kind").asText());
    }

    @Test
    void protobufEncodingReadsToTheSameShape() throws Exception {
        var list = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a")).addValues(AnyValue.newBuilder().setIntValue(1)));
        var map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setStringValue("v"))));
        var root = span(TRACE, ROOT, null, "I'm a server span", Map.of("my.span.attr", "some value"))
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(KeyValue.newBuilder().setKey("count").setValue(AnyValue.newBuilder().setIntValue(42)))
                .addAttributes(KeyValue.newBuilder().setKey("ratio").setValue(AnyValue.newBuilder().setDoubleValue(0.5)))
                .addAttributes(KeyValue.newBuilder().setKey("nan").setValue(AnyValue.newBuilder().setDoubleValue(Double.NaN)))
                .addAttributes(KeyValue.newBuilder().setKey("list").setValue(list))
                .addAttributes(KeyValue.newBuilder().setKey("map").setValue(map))
                .addEvents(Span.Event.newBuilder().setName("gen_ai.user.message").setTimeUnixNano(5)
                        .addAttributes(OtlpRequests.attribute("content", "hi")));
        var child = span(TRACE, CHILD, ROOT, "child", Map.of()).setKind(Span.SpanKind.SPAN_KIND_CLIENT);
        byte[] body = request(Map.of("service.name", "my.service"), root, child).toByteArray();

        List<ReceivedSpan> spans = OtlpProtobufReader.read(body);
        assertEquals(2, spans.size());
        var span = spans.get(0).span();
        assertEquals(TRACE, span.get("trace_id").asText());
        assertEquals("", span.get("parent_span_id").asText());
        assertEquals("SPAN_KIND_SERVER", span.get("kind").asText());
        assertEquals(42, span.at("/attributes/count").asLong());
        assertEquals("NaN", span.at("/attributes/nan").asText(), "a non-finite double is no JSON number");
        assertEquals("a", span.at("/attributes/list/0").asText());
        assertEquals("v", span.at("/attributes/map/k").asText());
        assertEquals("hi", span.at("/events/0/attributes/content").asText());
        assertEquals("jury-tests", span.get("scope").asText());
        assertEquals(ROOT, spans.get(1).parentSpanId());
    }

    @Test
    void malformedBodiesAreRefusedWithAReason() {
        var protobuf = assertThrows(MalformedOtlpException.class,
                () -> OtlpProtobufReader.read(new byte[]{(byte) 0x0a, (byte) 0xff, 0x01, 0x02}));
        assertTrue(protobuf.getMessage().contains("not an OTLP ExportTraceServiceRequest"), protobuf.getMessage());
        var notJson = assertThrows(MalformedOtlpException.class,
                () -> OtlpJsonReader.read("{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.getMessage().startsWith("The body is not valid JSON"), notJson.getMessage());
        var wrongShape = assertThrows(MalformedOtlpException.class,
                () -> OtlpJsonReader.read("{\"resourceSpans\": {}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("'resourceSpans' must be an array.", wrongShape.getMessage());
        var array = assertThrows(MalformedOtlpException.class, () -> OtlpJsonReader.read("[]".getBytes(StandardCharsets.UTF_8)));
        assertTrue(array.getMessage().contains("is an object"), array.getMessage());
    }

    @Test
    void aSpanWithABadIdIsRefusedAloneAndTheOthersKept() throws Exception {
        String json = """
                {"resourceSpans": [{"scopeSpans": [{"spans": [
                  {"traceId": "not-hex-not-hex-not-hex-not-hex-", "spanId": "eee19b7ec3c1b174", "name": "a"},
                  {"traceId": "00000000000000000000000000000000", "spanId": "eee19b7ec3c1b174", "name": "b"},
                  {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b", "name": "c"},
                  {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "d",
                   "startTimeUnixNano": "soon"},
                  {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "good"}
                ]}]}]}""";
        List<ReceivedSpan> spans = OtlpJsonReader.read(json.getBytes(StandardCharsets.UTF_8));
        assertTrue(spans.get(0).error().contains("is not hexadecimal"), spans.get(0).error());
        assertTrue(spans.get(1).error().contains("all zeros"), spans.get(1).error());
        assertTrue(spans.get(2).error().contains("is not 16 hex digits"), spans.get(2).error());
        assertTrue(spans.get(3).error().contains("64-bit integer"), spans.get(3).error());
        assertFalse(spans.get(4).refused());

        byte[] shortId = request(Map.of(), Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[3]))
                .setSpanId(ByteString.fromHex(newSpanId())).setName("x")).toByteArray();
        assertTrue(OtlpProtobufReader.read(shortId).get(0).error().contains("trace id"));
    }

    @Test
    void nulAndLoneSurrogatesAnywhereRefuseTheSpanNeverTheRequest() throws Exception {
        String trace = newTraceId();
        byte[] body = request(Map.of(),
                span(trace, newSpanId(), null, "nul in value", Map.of("gen_ai.prompt", "a\0b")),
                span(trace, newSpanId(), null, "nul in key", Map.of("k\0", "v")),
                span(trace, newSpanId(), null, "nul\0name", Map.of()),
                span(trace, newSpanId(), null, "fine", Map.of("emoji", "\uD83D\uDE00"))).toByteArray();
        List<ReceivedSpan> spans = OtlpProtobufReader.read(body);
        assertTrue(spans.get(0).error().contains("NUL"), spans.get(0).error());
        assertTrue(spans.get(0).error().contains("gen_ai.prompt"), "the message names the attribute");
        assertTrue(spans.get(1).error().contains("NUL"));
        assertTrue(spans.get(2).error().contains("NUL"));
        assertFalse(spans.get(3).refused(), "a proper surrogate pair is a character");

        String json = """
                {"resourceSpans": [{"scopeSpans": [{"spans": [
                  {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "x",
                   "attributes": [{"key": "a", "value": {"stringValue": "lone \\ud800 surrogate"}}]},
                  {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "name": "y\\u0000"}
                ]}]}],
                 "resourceSpans_ignored": 1}""";
        List<ReceivedSpan> fromJson = OtlpJsonReader.read(json.getBytes(StandardCharsets.UTF_8));
        assertTrue(fromJson.get(0).error().contains("unpaired UTF-16 surrogate"), fromJson.get(0).error());
        assertTrue(fromJson.get(1).error().contains("NUL"), fromJson.get(1).error());

        String badResource = """
                {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "\\u0000"}}]},
                  "scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174"}]}]}]}""";
        var refused = OtlpJsonReader.read(badResource.getBytes(StandardCharsets.UTF_8)).get(0);
        assertTrue(refused.error().startsWith("Resource: "), refused.error());
    }
}
