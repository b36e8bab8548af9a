package dev.jury.traces;

import dev.jury.security.Roles;
import dev.jury.traces.ingest.IngestConfig;
import dev.jury.traces.ingest.IngestFormat;
import dev.jury.traces.ingest.IngestProgress;
import dev.jury.traces.ingest.IngestResult;
import dev.jury.traces.ingest.TraceIngestService;
import dev.jury.traces.ingest.TraceShape;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Traces of one experiment: ingest (JSON, NDJSON, MLflow export) and the keyset-paginated list. */
@Path("/api/v1/experiments/{exp}/traces")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class ExperimentTracesApi {

    static final String NDJSON = "application/x-ndjson";

    @Inject
    TraceIngestService ingest;

    @Inject
    TraceService traces;

    @Inject
    IngestConfig config;

    /** One object, an array, or NDJSON of {@code {client_request_id?, inputs, outputs, expectations?, tags?}}. */
    @POST
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    @Consumes({MediaType.APPLICATION_JSON, NDJSON, "application/jsonl", "application/x-jsonlines"})
    public IngestResult ingest(@PathParam("exp") String exp, @RestQuery boolean atomic,
                               @RestHeader("Content-Type") String contentType,
                               @RestHeader("Content-Length") String contentLength, InputStream body) {
        return run(exp, atomic, contentType, contentLength, body, TraceShape.API);
    }

    /** MLflow traces as written by {@code Trace.to_json()}: one, an array, or NDJSON. */
    @POST
    @Path("mlflow")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    @Consumes({MediaType.APPLICATION_JSON, NDJSON, "application/jsonl", "application/x-jsonlines"})
    public IngestResult importMlflow(@PathParam("exp") String exp, @RestQuery boolean atomic,
                                     @RestHeader("Content-Type") String contentType,
                                     @RestHeader("Content-Length") String contentLength, InputStream body) {
        return run(exp, atomic, contentType, contentLength, body, TraceShape.MLFLOW);
    }

    @GET
    public TraceViews.TraceList list(@PathParam("exp") String exp, @RestQuery String tag, @RestQuery String limit,
                                     @RestQuery String cursor, @RestQuery String judged, @RestQuery String labelled,
                                     @RestQuery("label_name") String labelName,
                                     @RestQuery("label_value") String labelValue) {
        var filter = TraceFilter.parse(tag, judged, labelled, labelName, labelValue);
        var page = traces.list(exp, filter, TraceService.parseCursor(cursor), TraceService.parseLimit(limit));
        return new TraceViews.TraceList(page.traces().stream().map(t -> TraceViews.TraceView.of(t, exp)).toList(),
                page.nextCursor());
    }

    private IngestResult run(String exp, boolean atomic, String contentType, String contentLength, InputStream body,
                             TraceShape shape) {
        refuseDeclaredOversize(contentLength, body);
        IngestFormat format = IngestFormat.fromContentType(contentType);
        if (format == null || format == IngestFormat.CSV) {
            throw new ProblemException(415, "Unsupported Media Type", "Send application/json (one trace or an array) "
                    + "or application/x-ndjson (one trace per line).", List.of());
        }
        return ingest.ingest(exp, body, format, shape, shape.source(), atomic, IngestProgress.NONE);
    }

    /**
     * A body announced as too large is refused before it is parsed. Up to the limit of it is read and discarded
     * first, so an ordinary client that sends the whole body before reading the answer gets the problem document
     * rather than a reset connection.
     */
    private void refuseDeclaredOversize(String contentLength, InputStream body) {
        long limit = config.maxRequestBytes().asLongValue();
        long declared;
        try {
            declared = contentLength == null ? -1 : Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return;
        }
        if (declared <= limit) {
            return;
        }
        try {
            byte[] sink = new byte[64 * 1024];
            long drained = 0;
            int n;
            while (drained < limit && (n = body.read(sink)) > 0) {
                drained += n;
            }
        } catch (IOException ignored) {
            // the client went away; the answer below is all that is left to give
        }
        throw new ProblemException(413, "Too large", "The request body is " + declared + " bytes, over the limit of "
                + limit + " bytes (jury.traces.max-request-bytes). Split it into smaller batches.", List.of());
    }
}
