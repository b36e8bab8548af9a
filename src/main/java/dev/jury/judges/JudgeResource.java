package dev.jury.judges;

import dev.jury.llm.LlmProviders;
import dev.jury.agreement.report.AgreementDocument;
import dev.jury.agreement.report.AgreementQuery;
import dev.jury.agreement.report.AgreementService;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.RubricService;
import dev.jury.security.AuditLog;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.judges.templates.JudgeNameAdvice;
import dev.jury.judges.templates.JudgeTemplate;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.ScoreScale;
import dev.jury.judges.templates.TemplateParams;
import dev.jury.web.Flash;
import dev.jury.web.Htmx;
import dev.jury.web.ListPage;
import dev.jury.web.Problem;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Admin pages: the judges of an experiment, one judge's versions with a form for the next, and one version. */
@Path("/experiments/{exp}/judges")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JudgeResource {

    static final int EXCERPT = 140;

    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    RubricService rubrics;

    @Inject
    LlmProviders providers;

    @Inject
    AuditLog audit;

    @Inject
    CurrentUser user;

    @Inject
    AgreementService agreement;

    /** The judge form as typed (parameters kept as text), with errors keyed as in the API. */
    public record JudgeForm(String name, String instructions, String model, String temperature, String maxTokens,
                            String topP, Map<String, String> errors, String threshold) {

        /** A form without a threshold (a judge that is not a 1–5 judge). */
        public JudgeForm(String name, String instructions, String model, String temperature, String maxTokens,
                         String topP, Map<String, String> errors) {
            this(name, instructions, model, temperature, maxTokens, topP, errors, null);
        }

        static JudgeForm empty() {
            return new JudgeForm("", "", "", "", "", "", Map.of());
        }

        static JudgeForm of(JudgeVersion v) {
            Map<String, Object> p = v.inferenceParams == null ? Map.of() : v.inferenceParams;
            return new JudgeForm(v.judge.name, v.instructions, v.model, text(p.get(InferenceParams.TEMPERATURE)),
                    text(p.get(InferenceParams.MAX_TOKENS)), text(p.get(InferenceParams.TOP_P)), Map.of(),
                    v.scoreThreshold == null ? null : v.scoreThreshold.toString());
        }

        /** Whether the form shows the threshold: the judge is a 1–5 judge (template custom_score). */
        public boolean hasThreshold() {
            return threshold != null;
        }

        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        /** An unknown parameter name is reported on the group, not on a field; show it there. */
        public String paramsError() {
            return errors.get(InferenceParams.FIELD);
        }

        Map<String, Object> params() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put(InferenceParams.TEMPERATURE, temperature);
            p.put(InferenceParams.MAX_TOKENS, maxTokens);
            p.put(InferenceParams.TOP_P, topP);
            return p;
        }

        JudgeForm withErrors(Map<String, String> e) {
            return new JudgeForm(name, instructions, model, temperature, maxTokens, topP, e, threshold);
        }

        private static String text(Object o) {
            return o == null ? "" : o.toString();
        }
    }

    /**
     * The "new judge from a template" form as typed, with the picked template's description and errors keyed as in
     * the API.
     *
     * @param picked      the chosen template, null when none is chosen yet
     * @param nameWarning the "yes means good" advice on the typed name (or the template's key), null when it reads right
     */
    public record TemplateForm(String template, String name, String instructions, String model, String guidelines,
                               String criterion, String threshold, JudgeTemplate picked, String nameWarning,
                               Map<String, String> errors) {

        static TemplateForm empty() {
            return new TemplateForm("", "", "", "", "", "", "", null, null, Map.of());
        }

        public String error(String field) {
            return errors.get(field);
        }

        /** An error on one guideline ({@code guidelines[2]}) shows with the list. */
        public String guidelinesError() {
            return errors.entrySet().stream().filter(e -> e.getKey().startsWith("guidelines"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }

        public boolean takes(String parameter) {
            return picked != null && picked.parameters().contains(parameter);
        }

        public List<JudgeTemplate> templates() {
            return JudgeTemplates.all();
        }

        public List<JudgeTemplate> builtIn() {
            return JudgeTemplates.builtIn();
        }

        TemplateForm withErrors(Map<String, String> e) {
            return new TemplateForm(template, name, instructions, model, guidelines, criterion, threshold, picked,
                    nameWarning, e);
        }

        /** The guidelines, one per non-blank line. */
        List<String> guidelineList() {
            return guidelines.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
    }

    /** One judge on the list page. */
    public record JudgeRow(String name, int latest, String model, int rubricVersion, List<String> aliases,
                           String createdBy, Instant createdAt) {
    }

    /**
     * One version on the judge page.
     *
     * @param heldOut     held-out accuracy and κ before → after, from an alignment's tags; empty when absent
     * @param vsConsensus the version's verdicts against the human consensus; null when it has none on labelled traces
     */
    public record VersionRow(int version, String model, String excerpt, int rubricVersion, String tags,
                             Integer parentVersion, int demos, List<String> aliases, String createdBy,
                             Instant createdAt, String heldOut, AgreementDocument.Judge vsConsensus,
                             String memory) {

        /** Whether this version runs on the offline embedded judge. */
        public boolean offline() {
            return LlmProviders.isEmbedded(model);
        }

        public boolean registered() {
            return aliases.contains(JudgeAlias.REGISTERED);
        }
    }

    /**
     * The reviewers' agreement on this judge's name, as the agreement page leads with it.
     *
     * @param error why there is no report (shown instead of the numbers)
     */
    public record AgreementSummary(String alpha, String level, String band, int units, int raters, String error) {
    }

    /**
     * The banner of a judge whose latest version runs on the offline embedded model: what it is, and how to switch.
     *
     * @param model             the offline model's URI
     * @param configuredLlms    the LLM providers configured here (empty on a fresh install with no key)
     */
    public record OfflineNotice(String model, List<String> configuredLlms) {
    }

    /**
     * A version's labelled memory as the version page shows it: the summary and the first examples.
     *
     * @param more examples not listed
     */
    public record MemoryView(String summary, int k, List<MemoryRow> examples, int more,
                             List<dev.jury.judges.memory.Guideline> guidelines) {

        static final int LISTED = 100;

        static MemoryView of(dev.jury.judges.memory.JudgeMemory memory) {
            if (memory == null || memory.isEmpty()) {
                return null;
            }
            List<MemoryRow> rows = memory.examples().stream().limit(LISTED).map(e -> new MemoryRow(e.traceId(),
                    e.value(), e.rationale(), excerpt(e.text()))).toList();
            return new MemoryView(memory.describe(), memory.k(), rows, memory.size() - rows.size(),
                    memory.guidelines());
        }
    }

    /** One memory example: its trace, label, rationale and the start of its text (escaped like all trace text). */
    public record MemoryRow(String traceId, String value, String rationale, String text) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Experiment experiment, List<JudgeRow> judges, List<String> rubricNames,
                                            List<String> configuredProviders, JudgeForm form,
                                            TemplateForm templateForm);

        static native TemplateInstance list$templateForm(Experiment experiment, List<JudgeRow> judges,
                                                         List<String> rubricNames, List<String> configuredProviders,
                                                         JudgeForm form, TemplateForm templateForm);

        static native TemplateInstance judge(Experiment experiment, Judge judge, List<VersionRow> versions,
                                             List<String> configuredProviders, JudgeForm form,
                                             AuditLog.Trail audit, AgreementSummary agreement,
                                             Integer registered, RegistryHistory registry,
                                             OfflineNotice offline);

        /** The registry history after one move, as a page of its own (the "Load more" link without JavaScript). */
        static native TemplateInstance registryHistory(Experiment experiment, Judge judge, RegistryHistory registry);

        /** One page of registry moves and the "Load more" item after them, which htmx appends in place. */
        static native TemplateInstance registryHistory$entries(Experiment experiment, Judge judge,
                                                               RegistryHistory registry);

        static native TemplateInstance version(Experiment experiment, JudgeVersion version, List<String> aliases,
                                               String params, String tags, List<JudgeVersionView.DemoView> demos,
                                               MemoryView memory);
    }

    /**
     * The list with both "new judge" forms. The template parameters re-render the template form with that template
     * picked (its instructions filled in, its fields and the name advice shown): the picker's htmx call gets only
     * that form, a browser without JavaScript the whole page ("Show template").
     *
     * @param shown the template whose instructions the form showed; when the pick changes, its instructions are
     *              replaced by the new template's
     */
    @GET
    public Response list(@PathParam("exp") String exp, @Context HttpHeaders headers,
                         @QueryParam("template") String template, @QueryParam("template_name") String name,
                         @QueryParam("template_instructions") String instructions, @QueryParam("model") String model,
                         @QueryParam("guidelines") String guidelines, @QueryParam("criterion") String criterion,
                         @QueryParam("threshold") String threshold, @QueryParam("shown") String shown) {
        TemplateForm form = TemplateForm.empty();
        if (template != null && !template.isBlank()) {
            String text = orEmpty(instructions);
            if (!template.equals(shown) || text.isBlank()) {
                text = JudgeTemplates.find(template).map(t -> JudgeTemplates.preview(t).instructions()).orElse("");
            }
            form = templateForm(template, orEmpty(name), text, orEmpty(model), orEmpty(guidelines),
                    orEmpty(criterion), orEmpty(threshold), Map.of());
        }
        TemplateForm picked = form;
        return Htmx.page(headers, () -> listPage(exp, JudgeForm.empty(), picked, false),
                () -> listPage(exp, JudgeForm.empty(), picked, true)).build();
    }

    /**
     * Creates a judge from a template (its rubric too). The instructions typed are used when they differ from the
     * template's own text as shown; otherwise the template writes them with the guidelines or criterion given.
     */
    @POST
    @Path("from-template")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createFromTemplate(@PathParam("exp") String exp, @RestForm String template,
                                       @RestForm("template_name") String name,
                                       @RestForm("template_instructions") String instructions,
                                       @RestForm String model, @RestForm String guidelines,
                                       @RestForm String criterion, @RestForm String threshold) {
        TemplateForm form = templateForm(orEmpty(template), orEmpty(name), orEmpty(instructions).replace("\r\n", "\n"),
                orEmpty(model), orEmpty(guidelines), orEmpty(criterion), orEmpty(threshold), Map.of());
        try {
            Integer limit = null;
            if (!form.threshold().isBlank()) {
                if (!form.threshold().strip().matches("[0-9]{1,2}")) {
                    throw ProblemException.invalid("threshold", "The threshold is a whole number from 1 to 4 (a score "
                            + "above it is yes).");
                }
                limit = Integer.parseInt(form.threshold().strip());
            }
            String preview = form.picked() == null ? "" : JudgeTemplates.preview(form.picked()).instructions();
            String typed = form.instructions().strip().equals(preview.strip()) ? null : form.instructions();
            var created = judges.createFromTemplate(exp, form.template(), form.name(), typed, form.model(), Map.of(),
                    new TemplateParams(form.guidelineList(), form.criterion(), limit), user.username());
            String warning = JudgeNameAdvice.warning(created.judge.name).map(w -> " " + w).orElse("");
            return Flash.redirect(judgePath(exp, created.judge.name), "Judge '" + created.judge.name
                    + "' saved as version " + created.version + " from template " + created.template + "." + warning);
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Response.status(422).entity(listPage(exp, JudgeForm.empty(), form.withErrors(byField(e)), false))
                    .build();
        }
    }

    private static TemplateForm templateForm(String template, String name, String instructions, String model,
                                             String guidelines, String criterion, String threshold,
                                             Map<String, String> errors) {
        JudgeTemplate picked = JudgeTemplates.find(template).orElse(null);
        String effectiveName = name.isBlank() ? template : name;
        String warning = JudgeNameAdvice.warning(effectiveName).orElse(null);
        String limit = threshold.isBlank() && picked != null && picked.parameters().contains("threshold")
                ? String.valueOf(ScoreScale.DEFAULT_THRESHOLD) : threshold;
        return new TemplateForm(template, name, instructions, model, guidelines, criterion, limit, picked, warning,
                errors);
    }

    /** Creates a judge (version 1; the next version when the name exists). */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@PathParam("exp") String exp, @RestForm String name, @RestForm String instructions,
                           @RestForm String model, @RestForm String temperature, @RestForm("max_tokens") String maxTokens,
                           @RestForm("top_p") String topP) {
        var form = new JudgeForm(orEmpty(name), orEmpty(instructions), orEmpty(model), orEmpty(temperature),
                orEmpty(maxTokens), orEmpty(topP), Map.of());
        try {
            var created = judges.create(exp, form.name(), form.instructions(), form.model(), form.params(),
                    user.username());
            return Flash.redirect(judgePath(exp, created.judge.name), "Judge '" + created.judge.name
                    + "' saved as version " + created.version + ".");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Response.status(422).entity(listPage(exp, form.withErrors(byField(e)), TemplateForm.empty(), false))
                    .build();
        }
    }

    /**
     * One page of the registered alias's history, newest first.
     *
     * @param nextHref the next page's address ({@code null} on the last)
     */
    public record RegistryHistory(List<JudgeAliasHistory> entries, ListPage page, String nextHref) {
    }

    /** The registry history after move {@code before}: the rows htmx appends on the judge page, or a page. */
    @GET
    @Path("{name}/registry-history")
    public Response registryHistory(@PathParam("exp") String exp, @PathParam("name") String name,
                                    @RestQuery String before, @Context HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        Judge judge = judges.judge(exp, name);
        Long cursor = null;
        if (before != null && !before.isBlank()) {
            String text = before.strip();
            if (!text.matches("[0-9]{1,18}") || Long.parseLong(text) == 0) {
                String message = "'before' must be the id of a registry move from a \"Load more\" link.";
                throw new ProblemException(400, "Bad request", message,
                        List.of(Problem.FieldError.field("before", message)));
            }
            cursor = Long.parseLong(text);
        }
        RegistryHistory history = registryHistory(exp, judge, cursor);
        return Htmx.page(headers, () -> Templates.registryHistory(experiment, judge, history),
                () -> Templates.registryHistory$entries(experiment, judge, history)).build();
    }

    private static RegistryHistory registryHistory(String exp, Judge judge, Long before) {
        List<JudgeAliasHistory> entries = JudgeAliasHistory.listBefore(judge.id, JudgeAlias.REGISTERED, before,
                ListPage.SIZE);
        var page = new ListPage(before == null ? 0 : JudgeAliasHistory.countFrom(judge.id, JudgeAlias.REGISTERED,
                before), ListPage.SIZE, JudgeAliasHistory.countFrom(judge.id, JudgeAlias.REGISTERED, 0));
        String next = page.hasMore() && !entries.isEmpty() ? "/experiments/" + exp + "/judges/" + judge.name
                + "/registry-history?before=" + entries.get(entries.size() - 1).id : null;
        return new RegistryHistory(entries, page, next);
    }

    @GET
    @Path("{name}")
    public TemplateInstance judge(@PathParam("exp") String exp, @PathParam("name") String name) {
        JudgeVersion latest = judges.resolve(exp, name, JudgeAlias.LATEST);
        return judgePage(exp, name, JudgeForm.of(latest));
    }

    /** Creates the next version from the form on the judge page. */
    @POST
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response nextVersion(@PathParam("exp") String exp, @PathParam("name") String name,
                                @RestForm String instructions, @RestForm String model, @RestForm String temperature,
                                @RestForm("max_tokens") String maxTokens, @RestForm("top_p") String topP,
                                @RestForm String threshold) {
        JudgeVersion latest = judges.resolve(exp, name, JudgeAlias.LATEST); // 404 before anything else
        boolean scored = latest.scoreThreshold != null;
        var form = new JudgeForm(name, orEmpty(instructions), orEmpty(model), orEmpty(temperature),
                orEmpty(maxTokens), orEmpty(topP), Map.of(), scored ? orEmpty(threshold) : null);
        try {
            // Blank keeps the latest version's threshold; a threshold posted for a judge without one is refused.
            Integer limit = threshold == null || threshold.isBlank() ? null : formThreshold(threshold);
            var created = judges.create(exp, name, form.instructions(), form.model(), form.params(), limit,
                    user.username(), true);
            return Flash.redirect(judgePath(exp, name), "Saved version " + created.version + " of judge '" + name
                    + "'.");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Response.status(422).entity(judgePage(exp, name, form.withErrors(byField(e)))).build();
        }
    }

    @GET
    @Path("{name}/versions/{version}")
    public TemplateInstance version(@PathParam("exp") String exp, @PathParam("name") String name,
                                    @PathParam("version") String version) {
        Experiment experiment = experiments.get(exp);
        if (!version.matches("[0-9]{1,9}")) {
            throw ProblemException.notFound("Judge '" + name + "' in experiment '" + exp + "' has no version '"
                    + version + "'.");
        }
        JudgeVersion v = judges.resolve(exp, name, version);
        List<String> aliases = judges.aliases(v.judge.id).getOrDefault(v.version, List.of());
        return Templates.version(experiment, v, aliases, JudgeVersionView.describe(v.inferenceParams),
                JudgeVersionView.describe(v.tags), JudgeVersionView.demos(v), MemoryView.of(v.memory()));
    }

    /**
     * "Forget" from the version page: the checked memory examples and guidelines are left out of a new version
     * (Post/Redirect/Get to it); a refusal goes back to this version with the reason as the flash message.
     */
    @POST
    @Path("{name}/versions/{version}/forget")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response forget(@PathParam("exp") String exp, @PathParam("name") String name,
                           @PathParam("version") String version, @RestForm("trace_id") List<String> traceIds,
                           @RestForm("guideline") List<String> guidelines) {
        String page = "/experiments/" + exp + "/judges/" + name + "/versions/";
        if (!version.matches("[0-9]{1,9}")) {
            throw ProblemException.notFound("Judge '" + name + "' in experiment '" + exp + "' has no version '"
                    + version + "'.");
        }
        try {
            JudgeVersion created = judges.forget(exp, name, version, traceIds, guidelines, user.username());
            int examples = traceIds == null ? 0 : (int) traceIds.stream().filter(t -> t != null && !t.isBlank())
                    .distinct().count();
            int rules = guidelines == null ? 0 : (int) guidelines.stream().filter(t -> t != null && !t.isBlank())
                    .distinct().count();
            return Flash.redirect(page + created.version, "Version " + created.version + " created from version "
                    + version + " without " + examples + (examples == 1 ? " memory example" : " memory examples")
                    + " and " + rules + (rules == 1 ? " guideline" : " guidelines") + "; it is not registered.");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Flash.redirect(page + version, "Nothing was forgotten: " + e.getMessage());
        }
    }

    private TemplateInstance listPage(String exp, JudgeForm form, TemplateForm templateForm, boolean fragment) {
        Experiment experiment = experiments.get(exp);
        List<JudgeRow> rows = judges.listLatest(exp).stream().map(v -> new JudgeRow(v.judge.name, v.version, v.model,
                v.rubricVersion.version, aliasLabels(judges.aliases(v.judge.id)), v.createdBy, v.createdAt)).toList();
        Set<String> withJudge = rows.stream().map(JudgeRow::name).collect(Collectors.toSet());
        List<String> free = new ArrayList<>(rubrics.names(experiment.id).stream()
                .filter(n -> !withJudge.contains(n)).toList());
        if (!form.name().isBlank() && !free.contains(form.name())) {
            free.add(form.name()); // keep what was chosen, even if it is refused, so the error reads next to it
        }
        return fragment ? Templates.list$templateForm(experiment, rows, free, providers.configuredProviders(), form,
                templateForm) : Templates.list(experiment, rows, free, providers.configuredProviders(), form,
                templateForm);
    }

    private TemplateInstance judgePage(String exp, String name, JudgeForm form) {
        Experiment experiment = experiments.get(exp);
        Judge judge = judges.judge(exp, name);
        Map<Integer, List<String>> aliases = judges.aliases(judge.id);
        AgreementDocument doc = null;
        String error = null;
        try {
            // The page shows the headline and each version against the consensus, no disagreement rows: build none.
            doc = AgreementDocument.of(agreement.report(exp, new AgreementQuery(name, null, null, null, null, null,
                    null), 0, 0));
        } catch (ProblemException e) {
            error = e.getMessage(); // the page still shows everything else
        }
        Map<Integer, AgreementDocument.Judge> vsConsensus = new HashMap<>();
        if (doc != null) {
            for (AgreementDocument.Judge j : doc.judgeVsConsensus()) {
                if (j.version() != null && j.judge().equals(JudgeVersion.sourceId(name, j.version())) && j.n() > 0) {
                    vsConsensus.put(j.version(), j);
                }
            }
        }
        List<VersionRow> rows = judges.versions(exp, name).stream().map(v -> new VersionRow(v.version, v.model,
                excerpt(v.instructions), v.rubricVersion.version, JudgeVersionView.describe(v.tags),
                v.parentVersion(), v.demos == null ? 0 : v.demos.size(), aliases.getOrDefault(v.version, List.of()),
                v.createdBy, v.createdAt, JudgeVersionView.heldOut(v.tags), vsConsensus.get(v.version),
                v.memory() == null ? null : v.memory().describe())).toList();
        AgreementSummary summary = doc == null ? new AgreementSummary(null, null, null, 0, 0, error)
                : new AgreementSummary(doc.headline().estimate().text(), doc.headline().level(), doc.headline().band(),
                doc.units(), doc.raters(), null);
        Integer registered = JudgeAlias.findFor(judge.id, JudgeAlias.REGISTERED).map(a -> a.version).orElse(null);
        OfflineNotice offline = rows.isEmpty() || !rows.get(0).offline() ? null
                : new OfflineNotice(ModelUri.EMBEDDED, providers.configuredLlmProviders());
        return Templates.judge(experiment, judge, rows, providers.configuredProviders(), form,
                audit.page(JudgeService.AUDIT_TARGET, JudgeService.auditId(exp, name), null, AuditLog.PAGE), summary,
                registered, registryHistory(exp, judge, null), offline);
    }

    /** {@code registered → v2}, {@code latest → v3}. */
    private static List<String> aliasLabels(Map<Integer, List<String>> aliases) {
        return aliases.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(alias -> alias + " → v" + e.getKey()))
                .sorted(Comparator.reverseOrder()).toList();
    }

    private static Map<String, String> byField(ProblemException e) {
        Map<String, String> errors = new HashMap<>();
        for (Problem.FieldError error : e.errors()) {
            errors.putIfAbsent(error.field(), error.message());
        }
        return errors;
    }

    static String excerpt(String instructions) {
        String flat = instructions.strip().replaceAll("\\s+", " ");
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT - 1) + "…";
    }

    /** The form's threshold as a number, or a 422 on {@code threshold} (the range is the service's check). */
    private static Integer formThreshold(String typed) {
        if (!typed.strip().matches("[0-9]{1,2}")) {
            throw ProblemException.invalid("threshold", "The threshold is a whole number from 1 to 4 (a score above "
                    + "it is yes); got '" + (typed.strip().length() > 20 ? typed.strip().substring(0, 20) + "…"
                    : typed.strip()) + "'.");
        }
        return Integer.parseInt(typed.strip());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static String judgePath(String exp, String name) {
        return "/experiments/" + exp + "/judges/" + name;
    }
}
