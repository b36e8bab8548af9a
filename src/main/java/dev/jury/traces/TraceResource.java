package dev.jury.traces;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.security.Roles;
import dev.jury.traces.ingest.IngestConfig;
import dev.jury.traces.ingest.IngestFormat;
import dev.jury.traces.ingest.IngestProgress;
import dev.jury.traces.ingest.IngestResult;
import dev.jury.traces.ingest.TraceIngestService;
import dev.jury.traces.ingest.TraceShape;
import dev.jury.web.Htmx;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** Admin pages of an experiment's traces: the filtered list and the CSV/JSONL upload. */
@Path("/experiments/{exp}/traces")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class TraceResource {

    @Inject
    ExperimentService experiments;

    @Inject
    TraceService traces;

    @Inject
    TraceIngestService ingest;

    @Inject
    IngestConfig config;

    /** The filter form as typed (kept on errors). */
    public record FilterForm(String tag, String judged, String labelled, String labelName, String labelValue,
                             String limit) {
    }

    /** One table row: excerpts only; the detail page shows everything. */
    public record Row(long id, java.time.Instant createdAt, String source, String inputs, String outputs,
                      Map<String, String> tags) {
        static Row of(Trace t) {
            return new Row(t.id, t.createdAt, t.source, TraceContent.excerpt(t.inputs, 160),
                    TraceContent.excerpt(t.outputs, 160), t.tags == null ? Map.of() : t.tags);
        }
    }

    public record ListView(Experiment experiment, FilterForm form, List<Row> rows, String nextHref, String error,
                           boolean firstPage, String firstHref) {
    }

    public record UploadView(Experiment experiment, IngestResult result, String fileName, String error,
                             List<IngestResult.LineError> errors) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(ListView view);

        static native TemplateInstance list$table(ListView view);

        static native TemplateInstance upload(UploadView view);
    }

    @GET
    public Response list(@PathParam("exp") String exp, @RestQuery String tag, @RestQuery String judged,
                         @RestQuery String labelled, @RestQuery("label_name") String labelName,
                         @RestQuery("label_value") String labelValue, @RestQuery String limit,
                         @RestQuery String cursor, HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        var form = new FilterForm(tag, judged, labelled, labelName, labelValue, limit);
        String base = "/experiments/" + experiment.name + "/traces";
        ListView view;
        int status = 200;
        try {
            var filter = TraceFilter.parse(tag, judged, labelled, labelName, labelValue);
            int pageSize = TraceService.parseLimit(limit);
            Long from = TraceService.parseCursor(cursor);
            var page = traces.list(experiment, filter, from, pageSize);
            String query = filter.query();
            if (limit != null && !limit.isBlank()) {
                query += (query.isEmpty() ? "" : "&") + "limit=" + pageSize;
            }
            String next = page.nextCursor() == null ? null
                    : base + "?" + (query.isEmpty() ? "" : query + "&") + "cursor=" + page.nextCursor();
            view = new ListView(experiment, form, page.traces().stream().map(Row::of).toList(), next, null,
                    from == null, base + (query.isEmpty() ? "" : "?" + query));
        } catch (ProblemException e) {
            status = e.status();
            view = new ListView(experiment, form, List.of(), null, e.getMessage(), true, base);
        }
        boolean htmx = Htmx.isHtmx(headers);
        var response = Response.status(status)
                .entity(htmx ? Templates.list$table(view) : Templates.list(view))
                .header(HttpHeaders.VARY, Htmx.REQUEST);
        if (htmx) {
            response.header(Htmx.PUSH_URL, pushUrl(base, tag, judged, labelled, labelName, labelValue, limit, cursor));
        }
        return response.build();
    }

    @GET
    @Path("upload")
    public TemplateInstance uploadForm(@PathParam("exp") String exp) {
        return Templates.upload(new UploadView(experiments.get(exp), null, null, null, List.of()));
    }

    @POST
    @Path("upload")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@PathParam("exp") String exp, @RestForm("file") FileUpload file,
                           @RestForm String format, @RestForm boolean atomic) {
        Experiment experiment = experiments.get(exp);
        if (file == null || file.uploadedFile() == null || file.fileName() == null || file.fileName().isBlank()) {
            return uploadError(experiment, null, 422, "Choose a CSV or JSONL file to upload.");
        }
        long limit = config.maxRequestBytes().asLongValue();
        if (file.size() > limit) {
            return uploadError(experiment, file.fileName(), 413, "The file is " + file.size()
                    + " bytes, over the limit of " + limit + " bytes (jury.traces.max-request-bytes).");
        }
        IngestFormat chosen = switch (format == null ? "" : format) {
            case "csv" -> IngestFormat.CSV;
            case "jsonl" -> IngestFormat.NDJSON;
            case "json" -> IngestFormat.JSON;
            default -> IngestFormat.fromFileName(file.fileName());
        };
        try (InputStream in = Files.newInputStream(file.uploadedFile())) {
            IngestResult result = ingest.ingest(experiment.name, in, chosen, TraceShape.API, "upload", atomic,
                    IngestProgress.NONE);
            return Response.ok(Templates.upload(new UploadView(experiment, result, file.fileName(), null,
                    result.errors()))).build();
        } catch (ProblemException e) {
            var errors = e.errors().stream().filter(x -> x.line() != null)
                    .map(x -> new IngestResult.LineError(x.line(), x.message())).toList();
            return Response.status(e.status()).entity(Templates.upload(new UploadView(experiment, null,
                    file.fileName(), e.getMessage(), errors))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response uploadError(Experiment experiment, String fileName, int status, String message) {
        return Response.status(status)
                .entity(Templates.upload(new UploadView(experiment, null, fileName, message, List.of()))).build();
    }

    private static String pushUrl(String base, String... values) {
        String[] names = {"tag", "judged", "labelled", "label_name", "label_value", "limit", "cursor"};
        var query = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null && !values[i].isBlank()) {
                query.append(query.isEmpty() ? "?" : "&").append(names[i]).append('=')
                        .append(java.net.URLEncoder.encode(values[i], java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return base + query;
    }
}
