package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.alignment.dataset.DataSet;
import dev.jury.alignment.dataset.DataSetSummary;
import dev.jury.jobs.JobLog;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.Htmx;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The alignment run page: progress (step k of S, batch score, best so far) refreshed by htmx while the run is live,
 * the log with a "show DEBUG" toggle, held-out metrics before and after side by side with their confusion matrices
 * and intervals, the new version and the compare link, and cancel.
 */
@Path("/alignments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class AlignmentRunResource {

    static final int LOG_LINES = 500;

    @Inject
    AlignmentRunService runs;

    @Inject
    CurrentUser user;

    @Inject
    ObjectMapper json;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance run(RunPage page);

        static native TemplateInstance run$progress(RunPage page);
    }

    /** The optimizer's last progress report. */
    public record Progress(String phase, Integer step, Integer steps, Double batchScore, Double bestScore) {
        static Progress of(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            return new Progress(node.path("phase").asText(null), node.path("step").isNumber()
                    ? node.path("step").asInt() : null, node.path("steps").isNumber() ? node.path("steps").asInt() : null,
                    node.path("batch_score").isNumber() ? node.path("batch_score").asDouble() : null,
                    node.path("best_score").isNumber() ? node.path("best_score").asDouble() : null);
        }
    }

    /** Before and after in one row of the metrics table. */
    public record MetricRow(String label, String before, String after) {
    }

    /** One side's confusion matrix. */
    public record Matrix(String side, HeldOutMetrics metrics) {
    }

    public record RunPage(AlignmentRunService.RunDetails details, DataSetSummary dataSet, RunMetrics metrics,
                          Progress progress, List<JobLog> log, boolean debug, String error) {

        public String url() {
            return "/alignments/" + details.run().id + (debug ? "?debug=true" : "");
        }

        public String statusClass() {
            return details.status().name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The held-out re-check of the new version against its base, shown before the admin registers it. */
        public dev.jury.judges.JudgeVersionView.HeldOutCheck heldOutCheck() {
            if (metrics == null || details.resultVersion() == null) {
                return null;
            }
            java.util.Map<String, Object> tags = new java.util.HashMap<>();
            tags.put("heldout_accuracy_before", metrics.before().accuracy());
            tags.put("heldout_accuracy_after", metrics.after().accuracy());
            tags.put("heldout_kappa_before", metrics.before().kappa());
            tags.put("heldout_kappa_after", metrics.after().kappa());
            return dev.jury.judges.JudgeVersionView.heldOutCheck(tags);
        }

        public List<Matrix> matrices() {
            return metrics == null ? List.of()
                    : List.of(new Matrix("before", metrics.before()), new Matrix("after", metrics.after()));
        }

        public List<MetricRow> rows() {
            if (metrics == null) {
                return List.of();
            }
            HeldOutMetrics b = metrics.before();
            HeldOutMetrics a = metrics.after();
            return List.of(
                    new MetricRow("Correct", b.correct() + " / " + b.traces(), a.correct() + " / " + a.traces()),
                    new MetricRow("Accuracy (95% CI)", accuracy(b), accuracy(a)),
                    new MetricRow("Cohen's κ (" + b.weighting() + ", 95% CI)", kappa(b), kappa(a)),
                    new MetricRow("Failed judge calls", String.valueOf(b.errors()), String.valueOf(a.errors())),
                    new MetricRow("Train score", score(metrics.trainScoreBefore()), score(metrics.trainScoreAfter())));
        }

        /** A train score, or a dash when the optimizer did not score on the train set (MemAlign's result). */
        private static String score(Double v) {
            return v == null ? "—" : fixed(v);
        }

        private static String accuracy(HeldOutMetrics m) {
            return fixed(m.accuracy()) + interval(m.accuracyLow(), m.accuracyHigh());
        }

        private static String kappa(HeldOutMetrics m) {
            return m.kappa() == null ? "undefined (" + m.kappaNote() + ")"
                    : fixed(m.kappa()) + interval(m.kappaLow(), m.kappaHigh());
        }

        private static String interval(Double low, Double high) {
            return low == null ? "" : " [" + fixed(low) + ", " + fixed(high) + "]";
        }

        private static String fixed(double v) {
            return String.format(java.util.Locale.ROOT, "%.3f", v);
        }
    }

    /** The page; for htmx only the progress region, which polls itself while the run is live. */
    @GET
    @Path("{id}")
    public Response run(@PathParam("id") long id, @QueryParam("debug") boolean debug, HttpHeaders headers) {
        RunPage page = page(id, debug);
        return Htmx.page(headers, () -> Templates.run(page), () -> Templates.run$progress(page)).build();
    }

    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        try {
            runs.cancel(id, user.username());
            return Flash.redirect("/alignments/" + id, "Cancel requested: the run stops at its next LLM call.");
        } catch (ProblemException e) {
            if (e.status() != 409) {
                throw e;
            }
            return Flash.redirect("/alignments/" + id, e.getMessage());
        }
    }

    private RunPage page(long id, boolean debug) {
        var details = runs.get(id);
        var run = details.run();
        DataSetSummary summary;
        RunMetrics metrics = null;
        try {
            summary = DataSetSummary.of(json.treeToValue(run.dataSet, DataSet.class));
            if (run.metrics != null && !run.metrics.isNull()) {
                metrics = json.treeToValue(run.metrics, RunMetrics.class);
            }
        } catch (Exception e) {
            throw new IllegalStateException("alignment_run " + id + " has unreadable JSON", e);
        }
        String error = run.error != null ? run.error
                : details.job() != null && details.job().status.isFinished() ? details.job().error : null;
        return new RunPage(details, summary, metrics, Progress.of(run.progress), runs.log(details, debug, LOG_LINES),
                debug, error);
    }
}
