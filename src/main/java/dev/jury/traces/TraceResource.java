package dev.jury.traces;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.security.Roles;
import dev.jury.traces.ingest.IngestConfig;
import dev.jury.traces.ingest.IngestFormat;
import dev.jury.traces.ingest.IngestResult;
import dev.jury.traces.ingest.TraceIngestService;
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

    @Inject
    TraceUploads uploads;

    @Inject
    dev.jury.security.CurrentUser user;

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
                             List<IngestResult.LineError> errors, TraceUpload upload, dev.jury.jobs.Job job) {
        UploadView(Experiment experiment, IngestResult result, String fileName, String error,
                   List<IngestResult.LineError> errors) {
            this(experiment, result, fileName, error, errors, null, null);
        }

        /** Still importing: the page polls its progress region. */
        public boolean running() {
            return job != null && !job.isFinished();
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(ListView view);

        static native TemplateInstance list$table(ListView view);

        static native TemplateInstance upload(UploadView view);

        static native TemplateInstance upload$result(UploadView view);
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
        ListView shown = view;
        return Htmx.page(headers, () -> Templates.list(shown), () -> Templates.list$table(shown)).status(status)
                .pushUrl(pushUrl(base, tag, judged, labelled, labelName, labelValue, limit, cursor)).build();
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
        // Imports run as a background job (they can be large); the file is kept in the database until done.
        try {
            long upload = uploads.store(experiment, file.fileName(), chosen, atomic,
                    Files.readAllBytes(file.uploadedFile()), user.username());
            return Response.seeOther(java.net.URI.create("/experiments/" + experiment.name + "/traces/uploads/" + upload))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An upload's import: progress while it runs (the region polls itself), then the result with every bad line. */
    @GET
    @Path("uploads/{id}")
    public Response uploadStatus(@PathParam("exp") String exp, @PathParam("id") long id,
                                 HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        TraceUpload upload = TraceUpload.findById(id);
        if (upload == null || !upload.experimentId.equals(experiment.id)) {
            throw ProblemException.notFound("No upload " + id + " in experiment '" + exp + "'.");
        }
        var job = upload.jobId == null ? null : dev.jury.jobs.Job.<dev.jury.jobs.Job>findById(upload.jobId);
        if (job != null && job.isFinished() && upload.result == null) {
            // The upload row was read before the job finished: the import stores its result (with the errors by
            // line) before the job is marked done, so read it again now that the job is seen finished.
            TraceUpload.getEntityManager().detach(upload);
            upload = TraceUpload.findById(id);
        }
        IngestResult result = null;
        String error = null;
        List<IngestResult.LineError> errors = List.of();
        if (upload.result != null) {
            var lineErrors = new java.util.ArrayList<IngestResult.LineError>();
            upload.result.path("errors").forEach(e -> lineErrors.add(
                    new IngestResult.LineError(e.path("line").asInt(), e.path("message").asText())));
            errors = lineErrors;
            if (upload.result.hasNonNull("error")) {
                error = upload.result.get("error").asText();
            } else {
                result = new IngestResult(upload.result.path("created").asInt(), upload.result.path("duplicates").asInt(),
                        lineErrors, upload.result.path("error_count").asInt(), List.of());
            }
        } else if (job != null && job.isFinished() && job.error != null) {
            error = job.error;
        }
        var view = new UploadView(experiment, result, upload.fileName, error, errors, upload, job);
        return Htmx.page(headers, () -> Templates.upload(view), () -> Templates.upload$result(view))
                .status(error != null ? 422 : 200).build();
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
