package dev.jury.traces.otlp;

import dev.jury.experiments.ExperimentService;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static dev.jury.traces.otlp.OtlpRequests.newSpanId;
import static dev.jury.traces.otlp.OtlpRequests.newTraceId;
import static dev.jury.traces.otlp.OtlpRequests.ragTrace;
import static dev.jury.traces.otlp.OtlpRequests.request;
import static dev.jury.traces.otlp.OtlpRequests.span;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/traces} against real PostgreSQL: encodings, partial success, idempotency, limits. */
@QuarkusTest
@TestSecurity(user = "svc", roles = {"service", "admin"})
class OtlpTracesApiTest {

    static final String PROTOBUF = "application/x-protobuf";

    @Inject
    ExperimentService experiments;

    @Inject
    OtlpIngestService service;

    @Inject
    javax.sql.DataSource dataSource;

    String experiment() {
        String name = "otlp-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(name, "OTLP tests", "test");
        return name;
    }

    static Response post(ExportTraceServiceRequest request) {
        return given().contentType(PROTOBUF).body(request.toByteArray()).post("/v1/traces");
    }

    static ExportTraceServiceResponse answer(Response response) throws Exception {
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals(PROTOBUF, response.contentType());
        return ExportTraceServiceResponse.parseFrom(response.asByteArray());
    }

    static List<Map<String, Object>> traces(String experiment) {
        return given().queryParam("limit", 500).get("/api/v1/experiments/" + experiment + "/traces")
                .then().statusCode(200).extract().jsonPath().getList("traces");
    }

    static JsonPath detail(Object id) {
        return given().get("/api/v1/traces/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aProtobufExportIsStoredAsOneTraceWithItsSpans() throws Exception {
        String exp = experiment();
        String traceId = newTraceId();
        var response = answer(post(ragTrace(exp, traceId)));
        assertFalse(response.hasPartialSuccess(), "everything taken: no partial success");

        var stored = traces(exp);
        assertEquals(1, stored.size());
        var trace = detail(stored.get(0).get("id"));
        assertEquals(traceId, trace.getString("client_request_id"));
        assertEquals("otlp", trace.getString("source"));
        assertEquals("Where is order 7?", trace.getString("inputs[0].parts[0].content"));
        assertEquals("On its way.", trace.getString("outputs[0].parts[0].content"));
        assertEquals("support-bot", trace.getString("tags.'service.name'"));
        assertEquals(2, trace.getList("spans").size());
        assertEquals(List.of("CHAT_MODEL", "RETRIEVER"), trace.getList("spans.span_type"));
    }

    @Test
    void sendingTheSameTraceAgainStoresNothingTwice() throws Exception {
        String exp = experiment();
        var request = ragTrace(exp, newTraceId());
        answer(post(request));
        var again = answer(post(request));
        assertFalse(again.hasPartialSuccess(), "a retry is no error");
        assertEquals(1, traces(exp).size());
    }

    @Test
    void childrenThatArriveBeforeTheirRootWaitAndAreJoinedLateOnesAreReported() throws Exception {
        String exp = experiment();
        String traceId = newTraceId();
        String root = newSpanId();
        Map<String, String> resource = Map.of("jury.experiment", exp);
        // A batch span processor exports children as they end, before their root.
        answer(post(request(resource, span(traceId, newSpanId(), root, "retrieve", Map.of("mlflow.spanType", "\"RETRIEVER\"")),
                span(traceId, newSpanId(), root, "llm", Map.of()))));
        assertEquals(0, traces(exp).size(), "no trace before its root span");

        answer(post(request(resource, span(traceId, root, null, "agent",
                Map.of("mlflow.spanInputs", "{\"q\": \"hi\"}", "mlflow.spanOutputs", "\"hello\"")))));
        var stored = traces(exp);
        assertEquals(1, stored.size());
        var trace = detail(stored.get(0).get("id"));
        assertEquals("hi", trace.getString("inputs.q"));
        assertEquals(3, trace.getList("spans").size(), "the waiting children joined their root");

        var late = answer(post(request(resource, span(traceId, newSpanId(), root, "too late", Map.of()))));
        assertEquals(0, late.getPartialSuccess().getRejectedSpans(), "a late span is a warning, not a refusal");
        assertTrue(late.getPartialSuccess().getErrorMessage().contains("arrived after their trace was stored"),
                late.getPartialSuccess().getErrorMessage());
        assertEquals(3, detail(stored.get(0).get("id")).getList("spans").size());
    }

    @Test
    void spansWhoseRootNeverCameAreDroppedAfterTheTtl() throws Exception {
        String exp = experiment();
        String traceId = newTraceId();
        String root = newSpanId();
        Map<String, String> resource = Map.of("jury.experiment", exp);
        answer(post(request(resource, span(traceId, newSpanId(), root, "orphan", Map.of()))));
        try (var connection = dataSource.getConnection();
             var age = connection.prepareStatement(
                     "UPDATE otlp_pending_span SET received_at = now() - interval '2 hours' WHERE trace_id = ?")) {
            age.setString(1, traceId);
            assertEquals(1, age.executeUpdate(), "the child waited for its root");
        }
        service.dropExpiredPending(); // the 5-minute sweep, with the default TTL of 1 h

        answer(post(request(resource, span(traceId, root, null, "root",
                Map.of("gen_ai.prompt", "q", "gen_ai.completion", "a")))));
        assertEquals(1, detail(traces(exp).get(0).get("id")).getList("spans").size(), "the expired child is gone");
    }

    @Test
    void badSpansAreRefusedWithReasonsAndGoodTracesKept() throws Exception {
        String exp = experiment();
        String good = newTraceId();
        String noInputs = newTraceId();
        String withNul = newTraceId();
        var request = request(Map.of("jury.experiment", exp),
                span(good, newSpanId(), null, "ok", Map.of("gen_ai.prompt", "q", "gen_ai.completion", "a")),
                span(noInputs, newSpanId(), null, "empty", Map.of("gen_ai.completion", "a")),
                span(withNul, newSpanId(), null, "nul", Map.of("gen_ai.prompt", "q\0", "gen_ai.completion", "a")));
        var partial = answer(post(request)).getPartialSuccess();
        assertEquals(2, partial.getRejectedSpans());
        assertTrue(partial.getErrorMessage().contains("Trace " + noInputs + " has no inputs"), partial.getErrorMessage());
        assertTrue(partial.getErrorMessage().contains("NUL"), partial.getErrorMessage());
        assertEquals(1, traces(exp).size());
    }

    @Test
    void theExperimentComesFromTheResourceElseTheHeaderElseTheSpansAreRefused() throws Exception {
        String exp = experiment();
        var noExperiment = request(Map.of("service.name", "bot"),
                span(newTraceId(), newSpanId(), null, "x", Map.of("gen_ai.prompt", "q", "gen_ai.completion", "a")));
        var refused = answer(post(noExperiment)).getPartialSuccess();
        assertEquals(1, refused.getRejectedSpans());
        assertTrue(refused.getErrorMessage().contains("jury.experiment"), refused.getErrorMessage());

        var byHeader = answer(given().contentType(PROTOBUF).header("X-Jury-Experiment", exp)
                .body(noExperiment.toByteArray()).post("/v1/traces"));
        assertFalse(byHeader.hasPartialSuccess());
        assertEquals(1, traces(exp).size());

        var unknown = answer(post(ragTrace("no-such-experiment-" + UUID.randomUUID(), newTraceId()))).getPartialSuccess();
        assertEquals(2, unknown.getRejectedSpans());
        assertTrue(unknown.getErrorMessage().contains("Unknown experiment"), unknown.getErrorMessage());
    }

    @Test
    void jsonAndGzipBodiesAreAnsweredInKind() throws Exception {
        String exp = experiment();
        String traceId = newTraceId();
        String json = """
                {"resourceSpans": [{"resource": {"attributes": [{"key": "jury.experiment", "value": {"stringValue": "%s"}}]},
                  "scopeSpans": [{"spans": [
                    {"traceId": "%s", "spanId": "eee19b7ec3c1b174", "name": "chat", "kind": 3,
                     "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": "1544712661000000000",
                     "attributes": [{"key": "gen_ai.input.messages", "value": {"stringValue": "[{\\"role\\":\\"user\\",\\"content\\":\\"q\\"}]"}},
                                    {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\\"role\\":\\"assistant\\",\\"content\\":\\"a\\"}]"}}]},
                    {"traceId": "%s", "spanId": "0000000000000000", "name": "bad id"}
                  ]}]}]}""".formatted(exp, traceId, traceId);
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        }
        var response = given().contentType("application/json").header("Content-Encoding", "gzip")
                .body(bytes.toByteArray()).post("/v1/traces");
        assertEquals(200, response.statusCode(), response.asString());
        assertTrue(response.contentType().startsWith("application/json"));
        assertEquals("1", response.jsonPath().getString("partialSuccess.rejectedSpans"), "int64 as a string");
        assertTrue(response.jsonPath().getString("partialSuccess.errorMessage").contains("all zeros"));
        assertEquals("q", detail(traces(exp).get(0).get("id")).getString("inputs[0].content"));

        var ok = given().contentType("application/json").body(json.replace(",\n    {\"traceId\": \"" + traceId
                + "\", \"spanId\": \"0000000000000000\", \"name\": \"bad id\"}", "")).post("/v1/traces");
        assertEquals("{}", ok.asString(), "fully accepted: an empty response");
    }

    @Test
    void malformedBodiesAre400WithAStatusInTheRequestEncoding() throws Exception {
        var protobuf = given().contentType(PROTOBUF).body(new byte[]{0x0a, (byte) 0xff, 0x01}).post("/v1/traces");
        assertEquals(400, protobuf.statusCode());
        assertEquals(PROTOBUF, protobuf.contentType());
        var status = com.google.protobuf.CodedInputStream.newInstance(protobuf.asByteArray());
        assertEquals(8, status.readTag());
        assertEquals(3, status.readInt32(), "INVALID_ARGUMENT");
        assertEquals(18, status.readTag());
        assertTrue(status.readStringRequireUtf8().contains("not an OTLP ExportTraceServiceRequest"));

        var json = given().contentType("application/json").body("{\"resourceSpans\": [oops").post("/v1/traces");
        assertEquals(400, json.statusCode());
        assertEquals(3, json.jsonPath().getInt("code"));
        assertTrue(json.jsonPath().getString("message").startsWith("The body is not valid JSON"));

        var gzip = given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(new byte[]{1, 2, 3})
                .post("/v1/traces");
        assertEquals(400, gzip.statusCode());

        var brotli = given().contentType(PROTOBUF).header("Content-Encoding", "br").body(new byte[]{1})
                .post("/v1/traces");
        assertEquals(415, brotli.statusCode());

        var nulHeader = given().contentType(PROTOBUF).header("X-Jury-Experiment", "a\u0001b")
                .body(new byte[0]).post("/v1/traces");
        assertEquals(200, nulHeader.statusCode(), "an empty export is fine");
    }

    @Test
    void bodiesOverTheRequestLimitAre413() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024]; // over the test profile's 4 MiB
        var declared = given().contentType(PROTOBUF).body(big).post("/v1/traces");
        assertEquals(413, declared.statusCode());

        // A gzip bomb: small on the wire, over the limit once inflated.
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            gzip.write(big);
        }
        var inflated = given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(bytes.toByteArray())
                .post("/v1/traces");
        assertEquals(413, inflated.statusCode());
        assertTrue(inflated.asString().contains("jury.traces.max-request-bytes"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "admin")
    void onlyTheServiceRoleMayExport() {
        assertEquals(403, given().contentType(PROTOBUF).body(new byte[0]).post("/v1/traces").statusCode());
    }
}
