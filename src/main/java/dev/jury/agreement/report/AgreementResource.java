package dev.jury.agreement.report;

import dev.jury.agreement.Interpretation;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.review.ReviewQueue;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricVersion;
import dev.jury.security.Roles;
import dev.jury.web.Htmx;
import dev.jury.web.ListPage;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The agreement page of an experiment: pick a name (and optionally a queue, rubric version, time window), read the
 * headline α, the reviewers' pairwise κ heat map, per-reviewer figures, every judge version against the consensus
 * and the traces in disagreement. Readable without JavaScript (a GET form); the numbers download as JSON and CSV.
 */
@Path("/experiments/{exp}")
@RolesAllowed(Roles.ADMIN)
public class AgreementResource {

    @Inject
    ExperimentService experiments;

    @Inject
    AgreementService agreement;

    @Inject
    AgreementConfig config;

    /** The form as typed, kept when it is refused. */
    public record Form(String name, String queue, String rubricVersion, String from, String to, String sort,
                       String on) {
    }

    /** One option of a select. */
    public record Choice(String value, String label, boolean selected) {
    }

    /** A confusion matrix as a table: rows the consensus, columns the judge. */
    public record MatrixView(List<String> columns, List<MatrixRow> rows) {
    }

    public record MatrixRow(String label, List<MatrixCell> cells) {
    }

    public record MatrixCell(long count, boolean diagonal) {
    }

    /** A judge version with its confusion table and the Landis–Koch band of its κ. */
    public record JudgeView(AgreementDocument.Judge judge, MatrixView matrix, String kappaBand) {
    }

    /** A disagreement row with its labels as text, e.g. "good ×2, poor ×2". */
    public record DisagreementView(AgreementResult.Disagreement row, String labels, String adjudicateHref) {
    }

    public record PageView(Experiment experiment, Form form, List<Choice> names, List<Choice> queues,
                           List<Choice> versions, AgreementDocument doc, SvgCharts.HeatMap heatMap,
                           List<JudgeView> judges, List<DisagreementView> disagreements, ListPage disagreementPage,
                           String fleissBand, String error, String query, String hint, List<Choice> on) {

        public String kappaSource() {
            return Interpretation.LANDIS_KOCH_SOURCE;
        }

        public String alphaSource() {
            return Interpretation.KRIPPENDORFF_SOURCE;
        }

        /** This page's address with another disagreement order. */
        public String sortHref(String sort) {
            return "/experiments/" + experiment.name + "/agreement?" + query
                    + (query.isEmpty() ? "" : "&") + "sort=" + sort;
        }

        /** The next page of disagreements in the same order ("Load more"). */
        public String nextDisagreementsHref() {
            return sortHref(form.sort() == null || form.sort().isBlank() ? "trace" : form.sort().strip())
                    + "&page=" + disagreementPage.next();
        }

        /** The first page of disagreements, for a page opened further down without JavaScript. */
        public String firstDisagreementsHref() {
            return sortHref(form.sort() == null || form.sort().isBlank() ? "trace" : form.sort().strip());
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance report(PageView view);

        /** One page of disagreement rows and the "Load more" row after them, which htmx appends in place. */
        static native TemplateInstance report$disagreementRows(PageView view);
    }

    @GET
    @Path("agreement")
    @Produces(MediaType.TEXT_HTML)
    public Response page(@PathParam("exp") String exp, @RestQuery String name, @RestQuery String queue,
                         @RestQuery("rubric_version") String rubricVersion, @RestQuery String from,
                         @RestQuery String to, @RestQuery String sort, @RestQuery String page,
                         @RestQuery String on, HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        List<Rubric> rubrics = Rubric.listForExperiment(experiment.id);
        String chosen = name;
        if ((chosen == null || chosen.isBlank()) && (queue == null || queue.isBlank()) && rubrics.size() == 1) {
            chosen = rubrics.get(0).name; // the only possible answer; no need to ask
        }
        Form form = new Form(chosen, queue, rubricVersion, from, to, sort, on);
        String query = query(form);
        if ((chosen == null || chosen.isBlank()) && (queue == null || queue.isBlank())) {
            String hint = rubrics.isEmpty() ? "This experiment has no rubric yet, so there are no labels to compare."
                    : "Choose the name whose labels to compare.";
            return Response.ok(Templates.report(view(experiment, rubrics, form, null, null, null, query, hint)))
                    .build();
        }
        try {
            int number = ListPage.number(page);
            var result = agreement.report(experiment.name,
                    AgreementQuery.parse(chosen, queue, rubricVersion, from, to, null, sort, on),
                    (number - 1) * ListPage.SIZE, ListPage.SIZE);
            var doc = AgreementDocument.of(result);
            var shown = ListPage.numbered(number, ListPage.SIZE, doc.disagreementsTotal());
            PageView view = view(experiment, rubrics, form, doc, shown, null, query, null);
            return Htmx.page(headers, () -> Templates.report(view), () -> Templates.report$disagreementRows(view))
                    .build();
        } catch (ProblemException e) {
            return Response.status(e.status())
                    .entity(Templates.report(view(experiment, rubrics, form, null, null, e.getMessage(), query, null)))
                    .build();
        }
    }

    @GET
    @Path("agreement.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response json(@PathParam("exp") String exp, @RestQuery String name, @RestQuery String queue,
                         @RestQuery("rubric_version") String rubricVersion, @RestQuery String from,
                         @RestQuery String to, @RestQuery String on) {
        var doc = AgreementDocument.of(agreement.report(exp,
                AgreementQuery.parse(name, queue, rubricVersion, from, to, null, null, on)));
        return Response.ok(doc, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + AgreementApi.fileName(doc, "json") + "\"")
                .build();
    }

    @GET
    @Path("agreement.csv")
    @Produces("text/csv")
    public Response csv(@PathParam("exp") String exp, @RestQuery String name, @RestQuery String queue,
                        @RestQuery("rubric_version") String rubricVersion, @RestQuery String from,
                        @RestQuery String to, @RestQuery String on) {
        var doc = AgreementDocument.of(agreement.report(exp,
                AgreementQuery.parse(name, queue, rubricVersion, from, to, null, null, on)));
        return Response.ok(AgreementCsv.of(doc), "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + AgreementApi.fileName(doc, "csv") + "\"")
                .build();
    }

    private PageView view(Experiment experiment, List<Rubric> rubrics, Form form, AgreementDocument doc,
                          ListPage disagreementPage, String error, String query, String hint) {
        String selectedName = doc != null ? doc.name() : form.name() == null ? "" : form.name().strip();
        List<Choice> names = new ArrayList<>();
        names.add(new Choice("", "— choose —", selectedName.isEmpty()));
        for (Rubric rubric : rubrics) {
            names.add(new Choice(rubric.name, rubric.name, rubric.name.equalsIgnoreCase(selectedName)));
        }
        String selectedQueue = form.queue() == null ? "" : form.queue().strip();
        List<Choice> queues = new ArrayList<>();
        queues.add(new Choice("", "all labels", selectedQueue.isEmpty()));
        for (ReviewQueue queue : ReviewQueue.listForExperiment(experiment.id)) {
            queues.add(new Choice(String.valueOf(queue.id), queue.name + " (" + queue.judgeName + ")",
                    String.valueOf(queue.id).equals(selectedQueue)));
        }
        return new PageView(experiment, form, names, queues, versions(experiment, selectedName, form, doc), doc,
                doc == null ? null : SvgCharts.kappaHeatMap(doc.reviewers(), doc.cohenKappaPairs(),
                        doc.kappaWeighting(), config.heatMapReviewers()),
                doc == null ? List.of() : judges(doc), doc == null ? List.of() : disagreements(experiment, doc),
                disagreementPage, doc == null ? null : kappaBand(doc.fleissKappa()), error, query, hint,
                onChoices(experiment, selectedName, form));
    }

    /**
     * "Compare: labels / 1–5 scores" when the chosen name's judge has a score (a custom_score judge); else
     * nothing, and the form has no such field.
     */
    private static List<Choice> onChoices(Experiment experiment, String name, Form form) {
        if (name.isEmpty() || VersionChoice.scoreThresholdOf(experiment,
                name.toLowerCase(java.util.Locale.ROOT)) == null) {
            return List.of();
        }
        boolean score = form.on() != null && "score".equalsIgnoreCase(form.on().strip());
        return List.of(new Choice("value", "the labels (yes/no)", !score),
                new Choice("score", "the 1–5 scores (ordinal)", score));
    }

    /** The report's versions with their label counts; before a report, the rubric's versions. */
    private static List<Choice> versions(Experiment experiment, String name, Form form, AgreementDocument doc) {
        List<Choice> versions = new ArrayList<>();
        String typed = form.rubricVersion() == null ? "" : form.rubricVersion().strip();
        versions.add(new Choice("", "newest labelled (or the queue's)", doc == null && typed.isEmpty()));
        if (doc != null) {
            for (AgreementResult.VersionCount v : doc.rubricVersions()) {
                versions.add(new Choice(String.valueOf(v.version()), "version " + v.version() + " — " + v.labels()
                        + " label" + (v.labels() == 1 ? "" : "s") + (v.current() ? " (current)" : ""), v.selected()));
            }
            return versions;
        }
        Rubric.findByName(experiment.id, name.toLowerCase(java.util.Locale.ROOT)).ifPresent(rubric -> {
            for (RubricVersion v : RubricVersion.listVersions(rubric.id)) {
                versions.add(new Choice(String.valueOf(v.version), "version " + v.version,
                        String.valueOf(v.version).equals(typed)));
            }
        });
        return versions;
    }

    private static List<JudgeView> judges(AgreementDocument doc) {
        List<JudgeView> judges = new ArrayList<>();
        for (AgreementDocument.Judge judge : doc.judgeVsConsensus()) {
            List<String> labels = judge.confusion().labels();
            List<MatrixRow> rows = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                List<MatrixCell> cells = new ArrayList<>();
                for (int j = 0; j < labels.size(); j++) {
                    cells.add(new MatrixCell(judge.confusion().matrix().get(i).get(j), i == j));
                }
                rows.add(new MatrixRow(labels.get(i), cells));
            }
            judges.add(new JudgeView(judge, new MatrixView(labels, rows), kappaBand(judge.kappa())));
        }
        return judges;
    }

    private static List<DisagreementView> disagreements(Experiment experiment, AgreementDocument doc) {
        return doc.disagreements().stream().map(d -> new DisagreementView(d,
                d.labels().entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                        .collect(Collectors.joining(", ")),
                "/experiments/" + experiment.name + "/traces/" + d.traceId() + "/adjudicate?name="
                        + encode(doc.name()))).toList();
    }

    private static String kappaBand(EstimateView kappa) {
        return kappa.defined() ? Interpretation.kappa(kappa.value()).label() : null;
    }

    /** The form as a query string, for download and sort links (the sort itself is left out). */
    private static String query(Form form) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("name", form.name());
        params.put("queue", form.queue());
        params.put("rubric_version", form.rubricVersion());
        params.put("from", form.from());
        params.put("to", form.to());
        params.put("on", form.on());
        return params.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> e.getKey() + "=" + encode(e.getValue().strip())).collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
