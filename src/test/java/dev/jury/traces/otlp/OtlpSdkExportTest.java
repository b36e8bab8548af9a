package dev.jury.traces.otlp;

import dev.jury.experiments.ExperimentService;
import dev.jury.testenv.Tokens;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real OpenTelemetry Java SDK, as an instrumented application runs it: a tracer provider with a batch span
 * processor and the OTLP/HTTP exporter (JDK HTTP sender) pointed at Jury's {@code /v1/traces} with a service token
 * from the real Keycloak; a root span with GenAI attributes and two children, one a retriever. The stored trace is
 * then read back through the API with an admin token.
 */
@QuarkusTest
class OtlpSdkExportTest {

    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");

    @Inject
    ExperimentService experiments;

    @TestHTTPResource("/v1/traces")
    URL endpoint;

    @Test
    void theSdkExportsProtobufAndJuryStoresTheTrace() throws Exception {
        exportAndCheck(OtlpHttpSpanExporter.builder(), "protobuf");
    }

    /**
     * The SDK's public builder has no JSON switch; its internal HTTP exporter builder has ({@code exportAsJson()},
     * what the SDK's own JSON tests use), reached here by reflection so the real marshaller and sender send it.
     */
    @Test
    void theSdkExportsJsonAndJuryStoresTheTrace() throws Exception {
        OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder();
        Field delegate = OtlpHttpSpanExporterBuilder.class.getDeclaredField("delegate");
        delegate.setAccessible(true);
        Object httpBuilder = delegate.get(builder);
        httpBuilder.getClass().getMethod("exportAsJson").invoke(httpBuilder);
        exportAndCheck(builder, "json");
    }

    private void exportAndCheck(OtlpHttpSpanExporterBuilder builder, String encoding) throws Exception {
        String experiment = "otlp-sdk-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(experiment, "OpenTelemetry SDK test (" + encoding + ")", "test");
        OtlpHttpSpanExporter exporter = builder.setEndpoint(endpoint.toString())
                .addHeader("Authorization", "Bearer " + Tokens.forService())
                .setCompression("gzip")
                .build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "support-bot",
                AttributeKey.stringKey("jury.experiment"), experiment)));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
        String traceId;
        try {
            Tracer tracer = provider.get("jury-sdk-test");
            Span root = tracer.spanBuilder("chat gpt-4o").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute(INPUT_MESSAGES, "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is order 4411?\"}]}]")
                    .startSpan();
            traceId = root.getSpanContext().getTraceId();
            try (Scope ignored = root.makeCurrent()) {
                tracer.spanBuilder("retrieve orders").setAttribute("openinference.span.kind", "RETRIEVER")
                        .setAttribute("input.value", "order 4411").startSpan().end();
                Span tool = tracer.spanBuilder("execute_tool carrier_status")
                        .setAttribute("gen_ai.operation.name", "execute_tool").startSpan();
                tool.addEvent("carrier.answer", Attributes.of(AttributeKey.longKey("days"), 2L));
                tool.end();
            }
            root.setAttribute(OUTPUT_MESSAGES, "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"It arrives in 2 days.\"}],\"finish_reason\":\"stop\"}]");
            root.end();
            CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
            assertTrue(flushed.isSuccess(), "the exporter's request succeeded");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }

        String admin = Tokens.forUser("admin");
        List<Map<String, Object>> traces = given().auth().oauth2(admin)
                .get("/api/v1/experiments/" + experiment + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("traces");
        assertEquals(1, traces.size(), encoding);
        JsonPath trace = given().auth().oauth2(admin).get("/api/v1/traces/" + traces.get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
        assertEquals(traceId, trace.getString("client_request_id"));
        assertEquals(experiment, trace.getString("experiment"));
        assertEquals("otlp", trace.getString("source"));
        assertEquals("Where is order 4411?", trace.getString("inputs[0].parts[0].content"));
        assertEquals("It arrives in 2 days.", trace.getString("outputs[0].parts[0].content"));
        assertEquals("support-bot", trace.getString("tags.'service.name'"));
        assertEquals(List.of("chat gpt-4o", "retrieve orders", "execute_tool carrier_status"), trace.getList("spans.name"));
        assertEquals(List.of("CHAT_MODEL", "RETRIEVER", "TOOL"), trace.getList("spans.span_type"));
        assertEquals("SPAN_KIND_CLIENT", trace.getString("spans[0].kind"));
        assertEquals(2, trace.getInt("spans[2].events[0].attributes.days"));
        assertEquals("", trace.getString("spans[0].parent_span_id"));
        assertEquals(trace.getString("spans[0].span_id"), trace.getString("spans[1].parent_span_id"));
    }
}
