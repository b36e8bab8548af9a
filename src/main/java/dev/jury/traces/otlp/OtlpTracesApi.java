package dev.jury.traces.otlp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.jury.security.Roles;
import dev.jury.traces.ingest.IngestConfig;
import dev.jury.traces.ingest.LimitedInputStream;
import dev.jury.traces.ingest.TooLargeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The OpenTelemetry OTLP/HTTP trace receiver (docs/production.md, "Send traces with OpenTelemetry"): an
 * application's OTLP exporter points at {@code <jury>/v1/traces} with a service token. Protobuf and JSON bodies,
 * gzip or not; the answer follows the OTLP specification — 200 with an {@code ExportTraceServiceResponse} in the
 * request's encoding (its partial success counting the refused spans and saying why), 400 with a
 * {@code google.rpc.Status} for a body that is no export request, 413 over {@code jury.traces.max-request-bytes}.
 */
@Path("/v1/traces")
@RolesAllowed(Roles.SERVICE)
public class OtlpTracesApi {

    static final String PROTOBUF = "application/x-protobuf";
    /** gRPC status codes carried by {@code google.rpc.Status}. */
    static final int INVALID_ARGUMENT = 3;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;

    @Inject
    OtlpIngestService service;

    @Inject
    IngestConfig limits;

    @POST
    @Consumes({PROTOBUF, MediaType.APPLICATION_JSON})
    public Response export(@RestHeader("Content-Type") String contentType,
                           @RestHeader("Content-Encoding") String contentEncoding,
                           @RestHeader("Content-Length") String contentLength,
                           @RestHeader("X-Jury-Experiment") String experiment, InputStream body) {
        boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON);
        long limit = limits.maxRequestBytes().asLongValue();
        if (declaredOversize(contentLength, limit, body)) {
            return status(json, 413, RESOURCE_EXHAUSTED, "The request body is " + contentLength.trim()
                    + " bytes, over the limit of " + limit + " bytes (jury.traces.max-request-bytes). Export smaller batches.");
        }
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (!encoding.equals("gzip") && !encoding.equals("identity") && !encoding.isEmpty()) {
            return status(json, 415, UNIMPLEMENTED, "Content-Encoding '" + SpanJson.printable(contentEncoding)
                    + "' is not supported; send gzip or no encoding.");
        }
        if (experiment != null && (!SpanJson.clean(experiment) || experiment.length() > 255)) {
            return status(json, 400, INVALID_ARGUMENT, "The header X-Jury-Experiment is not an experiment name "
                    + "(it holds a NUL or unpaired surrogate, or is longer than 255 characters).");
        }
        byte[] bytes;
        try {
            bytes = read(body, encoding.equals("gzip"), limit);
        } catch (TooLargeException e) {
            return status(json, 413, RESOURCE_EXHAUSTED, e.getMessage());
        } catch (ZipException e) {
            return status(json, 400, INVALID_ARGUMENT, "The body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            return status(json, 400, INVALID_ARGUMENT, "The body could not be read: " + e.getMessage());
        }
        List<ReceivedSpan> spans;
        try {
            spans = json ? OtlpJsonReader.read(bytes) : OtlpProtobufReader.read(bytes);
        } catch (MalformedOtlpException e) {
            return status(json, 400, INVALID_ARGUMENT, e.getMessage());
        }
        ExportOutcome outcome = spans.isEmpty() ? new ExportOutcome(0) : service.export(spans, experiment);
        return success(json, outcome);
    }

    /** The whole body, decompressed when gzip, never more than {@code limit} bytes either way. */
    static byte[] read(InputStream body, boolean gzip, long limit) throws IOException {
        InputStream in = new LimitedInputStream(body, limit);
        if (gzip) {
            in = new LimitedInputStream(new GZIPInputStream(in, 64 * 1024), limit);
        }
        var out = new ByteArrayOutputStream(64 * 1024);
        in.transferTo(out);
        return out.toByteArray();
    }

    /**
     * A body announced as too large is refused before it is read; up to the limit of it is read and discarded
     * first, so an exporter that sends the whole body before reading the answer gets the answer, not a reset.
     */
    private static boolean declaredOversize(String contentLength, long limit, InputStream body) {
        long declared;
        try {
            declared = contentLength == null ? -1 : Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (declared <= limit) {
            return false;
        }
        try {
            byte[] sink = new byte[64 * 1024];
            long drained = 0;
            int n;
            while (drained < limit && (n = body.read(sink)) > 0) {
                drained += n;
            }
        } catch (IOException ignored) {
            // the client went away; the answer is all that is left to give
        }
        return true;
    }

    static Response success(boolean json, ExportOutcome outcome) {
        String message = outcome.message();
        if (json) {
            String body = message == null ? "{}" : "{\"partialSuccess\":{\"rejectedSpans\":\"" + outcome.rejectedSpans()
                    + "\",\"errorMessage\":\"" + quoted(message) + "\"}}";
            return Response.ok(body.getBytes(StandardCharsets.UTF_8), MediaType.APPLICATION_JSON_TYPE).build();
        }
        var response = ExportTraceServiceResponse.newBuilder();
        if (message != null) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(outcome.rejectedSpans()).setErrorMessage(message));
        }
        return Response.ok(response.build().toByteArray(), PROTOBUF).build();
    }

    /** An OTLP error answer: a {@code google.rpc.Status} ({@code code} = 1, {@code message} = 2) in the request's encoding. */
    static Response status(boolean json, int httpStatus, int code, String message) {
        if (json) {
            String body = "{\"code\":" + code + ",\"message\":\"" + quoted(message) + "\"}";
            return Response.status(httpStatus).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(body.getBytes(StandardCharsets.UTF_8)).build();
        }
        var bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeBytes(2, ByteString.copyFromUtf8(message));
            out.flush();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return Response.status(httpStatus).type(PROTOBUF).entity(bytes.toByteArray()).build();
    }

    private static String quoted(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
