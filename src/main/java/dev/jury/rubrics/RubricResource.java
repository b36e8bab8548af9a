package dev.jury.rubrics;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.labels.LabelNames;
import dev.jury.security.AuditLog;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.Htmx;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admin pages: the rubrics of an experiment, the editor (every save of changed content is a new version), and
 * read-only views of old versions. Level rows are added, removed and reordered by submit buttons of the editor form,
 * so it works as a plain form post; with htmx only the level table is swapped.
 */
@Path("/experiments/{exp}/rubrics")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class RubricResource {

    private static final Pattern LEVEL_FIELD = Pattern.compile("levels\\[(\\d{1,3})]\\.(value|label|definition|negative)");
    private static final Pattern ROW_OP = Pattern.compile("(remove|up|down)-(\\d{1,3})");
    static final int MAX_ROWS = 50;

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    @Inject
    AuditLog audit;

    @Inject
    CurrentUser user;

    /** One level row of the editor, with the typed text and its inline errors. */
    public record LevelRow(int index, String value, String label, String definition, boolean negative,
                           String valueError, String labelError, String definitionError, String negativeError) {
        public boolean first() {
            return index == 0;
        }
    }

    /**
     * Everything the editor shows: what was typed (numbers kept as text, so a bad one is shown as typed) and the
     * errors by field, keyed as in the API ({@code kind}, {@code levels}, {@code pass_threshold}, …).
     */
    public record EditorForm(String action, boolean isNew, String name, String kind, List<LevelRow> levels,
                             String guidelines, boolean rationaleRequired, String minRationaleLength,
                             String passThreshold, Map<String, String> errors) {

        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        public int errorCount() {
            return errors.size();
        }

        public int rowCount() {
            return levels.size();
        }

        public boolean isKind(String k) {
            return k.equals(kind);
        }
    }

    /** The "new rubric" form of the list page. */
    public record NewRubricForm(String name, String kind, String nameError) {
        static NewRubricForm empty() {
            return new NewRubricForm("", "categorical", null);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Experiment experiment, List<RubricVersion> rubrics, NewRubricForm form);

        static native TemplateInstance editor(Experiment experiment, EditorForm form, RubricVersion current,
                                              List<RubricVersion> versions, AuditLog.Trail audit);

        static native TemplateInstance editor$levels(EditorForm form);

        static native TemplateInstance version(Experiment experiment, RubricVersion version, RubricVersion current);
    }

    @GET
    public TemplateInstance list(@PathParam("exp") String exp) {
        return Templates.list(experiments.get(exp), rubrics.listCurrent(exp), NewRubricForm.empty());
    }

    /** The editor for a rubric that does not exist yet, with rows suited to the kind chosen on the list page. */
    @GET
    @Path("new")
    public Response newRubric(@PathParam("exp") String exp, @QueryParam("name") String name,
                              @QueryParam("kind") String kind) {
        Experiment experiment = experiments.get(exp);
        String typed = name == null ? "" : name.strip();
        var nameError = LabelNames.validate(typed);
        if (nameError.isPresent()) {
            var form = new NewRubricForm(typed, kind, nameError.get());
            return Response.status(422).entity(Templates.list(experiment, rubrics.listCurrent(exp), form)).build();
        }
        if (Rubric.findByName(experiment.id, typed).isPresent()) {
            return Flash.redirect(editorPath(exp, typed), "Rubric '" + typed + "' already exists; edit it here.");
        }
        var form = starter(exp, typed, kind);
        return Response.ok(Templates.editor(experiment, form, null, List.of(), AuditLog.Trail.none())).build();
    }

    /** Saves the editor of a new rubric (the name is a form field). */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@PathParam("exp") String exp, MultivaluedMap<String, String> fields,
                           @Context HttpHeaders headers) {
        String name = first(fields, "name").strip();
        return submit(exp, name, true, fields, headers);
    }

    @GET
    @Path("{name}")
    public TemplateInstance edit(@PathParam("exp") String exp, @PathParam("name") String name) {
        Experiment experiment = experiments.get(exp);
        RubricVersion current = rubrics.current(exp, name);
        return page(experiment, formOf(exp, current), current);
    }

    /** Saves the editor of an existing rubric, or applies a row operation (add, remove, up, down) without saving. */
    @POST
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response save(@PathParam("exp") String exp, @PathParam("name") String name,
                         MultivaluedMap<String, String> fields, @Context HttpHeaders headers) {
        rubrics.rubric(exp, name); // 404 before anything else
        return submit(exp, name, false, fields, headers);
    }

    @GET
    @Path("{name}/versions/{version}")
    public TemplateInstance version(@PathParam("exp") String exp, @PathParam("name") String name,
                                    @PathParam("version") String version) {
        Experiment experiment = experiments.get(exp);
        RubricVersion v = rubrics.version(exp, name, versionNumber(exp, name, version));
        return Templates.version(experiment, v, rubrics.current(exp, name));
    }

    private Response submit(String exp, String name, boolean isNew, MultivaluedMap<String, String> fields,
                            HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        String op = first(fields, "op");
        List<LevelRow> rows = rows(fields);
        String action = isNew ? listPath(exp) : editorPath(exp, name);
        if (!op.isEmpty() && !op.equals("save")) {
            var form = typed(action, isNew, name, fields, applyRowOp(op, rows), Map.of());
            return Htmx.page(headers, () -> pageFor(experiment, form, isNew, exp, name),
                    () -> Templates.editor$levels(form)).build();
        }
        // rows left completely empty (an added row never filled in) are not part of the rubric
        rows = renumber(rows.stream().filter(r -> !(r.value().isBlank() && r.label().isBlank()
                && r.definition().isBlank())).toList());
        Map<String, String> errors = new HashMap<>();
        Integer minLength = parseMinLength(first(fields, "min_rationale_length"), errors);
        BigDecimal threshold = parseThreshold(first(fields, "pass_threshold"), errors);
        RubricKind kind = parseKind(first(fields, "kind"), errors);
        RubricSpec spec = new RubricSpec(kind, rows.stream().map(r -> new RubricLevel(r.value(), r.label(),
                r.definition(), r.negative())).toList(), first(fields, "guidelines"),
                isChecked(fields, "rationale_required"), minLength == null ? 0 : minLength, threshold);
        if (!errors.isEmpty()) {
            // the typed numbers cannot be saved; show every other problem at the same time
            LabelNames.validate(name).ifPresent(m -> errors.putIfAbsent("name", m));
            for (RubricError e : RubricValidator.validate(RubricNormaliser.normalise(spec))) {
                errors.putIfAbsent(RubricService.apiField(e.field()), e.message());
            }
            return invalid(experiment, typed(action, isNew, name, fields, rows, errors), isNew, exp, name);
        }
        try {
            var saved = rubrics.save(exp, name, spec, user.username());
            String message = saved.created()
                    ? "Saved rubric '" + name + "' as version " + saved.version().version + "."
                    : "Nothing changed: version " + saved.version().version + " is still current.";
            return Flash.redirect(editorPath(exp, name), message);
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            Map<String, String> byField = new HashMap<>();
            for (Problem.FieldError error : e.errors()) {
                byField.putIfAbsent(error.field(), error.message());
            }
            return invalid(experiment, typed(action, isNew, name, fields, rows, byField), isNew, exp, name);
        }
    }

    private Response invalid(Experiment experiment, EditorForm form, boolean isNew, String exp, String name) {
        return Response.status(422).entity(pageFor(experiment, form, isNew, exp, name)).build();
    }

    private TemplateInstance pageFor(Experiment experiment, EditorForm form, boolean isNew, String exp, String name) {
        if (isNew) {
            return Templates.editor(experiment, form, null, List.of(), AuditLog.Trail.none());
        }
        return page(experiment, form, rubrics.current(exp, name));
    }

    private TemplateInstance page(Experiment experiment, EditorForm form, RubricVersion current) {
        String name = current.rubric.name;
        return Templates.editor(experiment, form, current, rubrics.versions(experiment.name, name),
                audit.page(RubricService.AUDIT_TARGET, RubricService.auditId(experiment.name, name), null,
                        AuditLog.PAGE));
    }

    /** The editor prefilled with a stored version. */
    static EditorForm formOf(String exp, RubricVersion v) {
        RubricSpec spec = v.spec();
        List<LevelRow> rows = new ArrayList<>();
        for (int i = 0; i < spec.levels().size(); i++) {
            RubricLevel l = spec.levels().get(i);
            rows.add(new LevelRow(i, l.value(), l.label(), l.definition(), l.negative(), null, null, null, null));
        }
        return new EditorForm(editorPath(exp, v.rubric.name), false, v.rubric.name, v.kindName(), rows,
                spec.guidelines(), spec.rationaleRequired(), String.valueOf(spec.minRationaleLength()),
                spec.passThreshold() == null ? "" : spec.passThreshold().stripTrailingZeros().toPlainString(),
                Map.of());
    }

    /** A new rubric's editor: the boolean and numeric kinds start from their usual values, categorical from two rows. */
    static EditorForm starter(String exp, String name, String kind) {
        String k = kind == null ? "categorical" : kind;
        List<LevelRow> rows = new ArrayList<>();
        String threshold = "";
        switch (k) {
            case "boolean" -> {
                rows.add(new LevelRow(0, "yes", "Yes", "", false, null, null, null, null));
                rows.add(new LevelRow(1, "no", "No", "", true, null, null, null, null));
            }
            case "numeric" -> {
                for (int i = 0; i < 5; i++) {
                    rows.add(new LevelRow(i, String.valueOf(i + 1), "", "", i < 2, null, null, null, null));
                }
                threshold = "3";
            }
            default -> {
                k = "categorical";
                rows.add(new LevelRow(0, "", "", "", false, null, null, null, null));
                rows.add(new LevelRow(1, "", "", "", true, null, null, null, null));
            }
        }
        return new EditorForm(listPath(exp), true, name, k, rows, "", true, "0", threshold, Map.of());
    }

    /** The form exactly as typed, with errors attached to their rows. */
    private static EditorForm typed(String action, boolean isNew, String name, MultivaluedMap<String, String> fields,
                                    List<LevelRow> rows, Map<String, String> errors) {
        List<LevelRow> withErrors = rows.stream().map(r -> {
            String p = "levels[" + r.index() + "].";
            return new LevelRow(r.index(), r.value(), r.label(), r.definition(), r.negative(), errors.get(p + "value"),
                    errors.get(p + "label"), errors.get(p + "definition"), errors.get(p + "negative"));
        }).toList();
        return new EditorForm(action, isNew, name, first(fields, "kind"), withErrors, first(fields, "guidelines"),
                isChecked(fields, "rationale_required"), first(fields, "min_rationale_length"),
                first(fields, "pass_threshold"), errors);
    }

    /** The level rows of a posted editor, in index order (the indexes need not be contiguous). */
    static List<LevelRow> rows(MultivaluedMap<String, String> fields) {
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        for (var entry : fields.entrySet()) {
            Matcher m = LEVEL_FIELD.matcher(entry.getKey());
            if (m.matches() && !entry.getValue().isEmpty()) {
                byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new HashMap<>())
                        .put(m.group(2), entry.getValue().get(0));
            }
        }
        List<LevelRow> rows = new ArrayList<>();
        for (Map<String, String> f : byIndex.values()) {
            if (rows.size() == MAX_ROWS) {
                break;
            }
            rows.add(new LevelRow(rows.size(), f.getOrDefault("value", ""), f.getOrDefault("label", ""),
                    f.getOrDefault("definition", ""), f.containsKey("negative"), null, null, null, null));
        }
        return rows;
    }

    static List<LevelRow> applyRowOp(String op, List<LevelRow> rows) {
        List<LevelRow> result = new ArrayList<>(rows);
        if (op.equals("add")) {
            if (result.size() < MAX_ROWS) {
                result.add(new LevelRow(result.size(), "", "", "", false, null, null, null, null));
            }
            return renumber(result);
        }
        Matcher m = ROW_OP.matcher(op);
        if (!m.matches()) {
            return renumber(result);
        }
        int i = Integer.parseInt(m.group(2));
        if (i >= result.size()) {
            return renumber(result);
        }
        switch (m.group(1)) {
            case "remove" -> result.remove(i);
            case "up" -> {
                if (i > 0) {
                    result.add(i - 1, result.remove(i));
                }
            }
            default -> {
                if (i < result.size() - 1) {
                    result.add(i + 1, result.remove(i));
                }
            }
        }
        return renumber(result);
    }

    private static List<LevelRow> renumber(List<LevelRow> rows) {
        List<LevelRow> out = new ArrayList<>(rows.size());
        for (LevelRow r : rows) {
            out.add(new LevelRow(out.size(), r.value(), r.label(), r.definition(), r.negative(), null, null, null,
                    null));
        }
        return out;
    }

    private static Integer parseMinLength(String text, Map<String, String> errors) {
        if (text.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            errors.put("min_rationale_length", "The minimum rationale length must be a whole number of characters, "
                    + "e.g. 20; got '" + text + "'.");
            return null;
        }
    }

    private static BigDecimal parseThreshold(String text, Map<String, String> errors) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            errors.put("pass_threshold", "The pass threshold must be a number, e.g. 3; got '" + text + "'.");
            return null;
        }
    }

    private static RubricKind parseKind(String text, Map<String, String> errors) {
        try {
            return RubricApi.parseKind(text);
        } catch (ProblemException e) {
            errors.put("kind", e.getMessage());
            return null;
        }
    }

    private static int versionNumber(String exp, String name, String text) {
        try {
            return RubricApi.versionNumber(text);
        } catch (ProblemException e) {
            throw ProblemException.notFound("Rubric '" + name + "' in experiment '" + exp + "' has no version '"
                    + text + "'.");
        }
    }

    private static boolean isChecked(MultivaluedMap<String, String> fields, String name) {
        return fields.containsKey(name);
    }

    private static String first(MultivaluedMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value;
    }

    static String listPath(String exp) {
        return "/experiments/" + exp + "/rubrics";
    }

    static String editorPath(String exp, String name) {
        return listPath(exp) + "/" + name;
    }
}
