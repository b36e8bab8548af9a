package dev.jury.alignment.run;

import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A judge's alignment in the browser: the data-set preview (counts per class, left-out traces and why, reviewers' α,
 * refusals), the start form (optimizer, its parameters from its schema, reflection model, seed, held-out fraction,
 * rebalance, rubric version when labels are mixed) and the judge's runs. {@code …/alignment/panel} is the same
 * without the layout, for the judge page to embed with htmx. One form, two buttons: "Update preview" re-renders with
 * the typed values, "Start alignment" starts the run (Post/Redirect/Get to the run page).
 */
@Path("/experiments/{exp}/judges/{name}/alignment")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class AlignmentResource {

    static final String PARAM_PREFIX = "p.";

    @Inject
    AlignmentRunService runs;

    @Inject
    Optimizers optimizers;

    @Inject
    JudgeService judges;

    @Inject
    CurrentUser user;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(Panel panel);

        static native TemplateInstance page$panel(Panel panel);

        static native TemplateInstance newLabels(NewLabels.Status loop);
    }

    @Inject
    NewLabels newLabels;

    /** What the admin typed (or the defaults), kept as text so a bad value is shown back as typed. */
    public record Form(String baseVersion, String optimizer, String reflectionModel, String seed,
                       String heldoutFraction, boolean rebalance, String rubricVersion, Map<String, String> params) {
    }

    public record OptimizerOption(String name, String description, boolean selected) {
    }

    public record ParamField(String name, String type, String value, String placeholder, String min, String max,
                             String step, String help, String error) {
        public String id() {
            return "param-" + name.replace('_', '-');
        }
    }

    public record RunRow(long id, String status, String optimizer, int baseVersion, Integer resultVersion,
                         String outcome, Instant createdAt, String createdBy) {
        public String statusClass() {
            return status.toLowerCase(Locale.ROOT);
        }
    }

    /** Everything the page and the panel render. */
    public record Panel(String experiment, String judge, List<Integer> versions, Form form,
                        List<OptimizerOption> optimizers, boolean usesReflectionModel, List<ParamField> params,
                        AlignmentRunService.Preview preview, String budget, Map<String, String> errors,
                        String error, List<RunRow> runs) {

        /** The message for a field, or null. */
        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasErrors() {
            return error != null || !errors.isEmpty();
        }

        public String action() {
            return "/experiments/" + experiment + "/judges/" + judge + "/alignment";
        }
    }

    @GET
    public Response page(@PathParam("exp") String exp, @PathParam("name") String name, @Context UriInfo uri,
                         @Context HttpHeaders headers) {
        Panel panel = panel(exp, name, form(uri.getQueryParameters()), Map.of(), null);
        return Htmx.page(headers, () -> Templates.page(panel), () -> Templates.page$panel(panel)).build();
    }

    /** The panel alone, for the judge page ({@code hx-get} into its alignment section). */
    @GET
    @Path("panel")
    public TemplateInstance panel(@PathParam("exp") String exp, @PathParam("name") String name,
                                  @Context UriInfo uri) {
        return Templates.page$panel(panel(exp, name, form(uri.getQueryParameters()), Map.of(), null));
    }

    /**
     * "Labels since the last alignment: N (M where the judge was wrong)" and the one action that folds them in, for
     * the judge page to embed with htmx ({@code hx-get} into its production-loop section).
     */
    @GET
    @Path("new-labels")
    public TemplateInstance newLabels(@PathParam("exp") String exp, @PathParam("name") String name) {
        return Templates.newLabels(newLabels.of(exp, name));
    }

    /** {@code action=preview} re-renders with the typed values; otherwise starts the run. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response submit(@PathParam("exp") String exp, @PathParam("name") String name,
                           MultivaluedMap<String, String> fields, @Context HttpHeaders headers) {
        Form form = form(fields);
        if ("preview".equals(fields.getFirst("action"))) {
            Panel panel = panel(exp, name, form, Map.of(), null);
            return Htmx.page(headers, () -> Templates.page(panel), () -> Templates.page$panel(panel)).build();
        }
        Map<String, String> errors = new LinkedHashMap<>();
        AlignmentRunService.StartRequest request = request(form, errors);
        if (errors.isEmpty()) {
            try {
                var started = runs.start(exp, name, request, user.username());
                return Htmx.redirect(headers, "/alignments/" + started.runId());
            } catch (ProblemException e) {
                if (e.status() != 422) {
                    throw e;
                }
                for (Problem.FieldError fe : e.errors()) {
                    errors.merge(fe.field() == null ? "" : fe.field(), fe.message(), (a, b) -> a + " " + b);
                }
                return refused(panel(exp, name, form, errors, "Not started: " + e.getMessage()), headers);
            }
        }
        return refused(panel(exp, name, form, errors, "Not started: check the marked fields."), headers);
    }

    /**
     * "Add new labels to memory" from the version page: starts the {@code memory-add} run and redirects to its page;
     * a refusal goes back to the version page with the reason as the flash message.
     */
    @POST
    @Path("memory-additions")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addToMemory(@PathParam("exp") String exp, @PathParam("name") String name,
                                @org.jboss.resteasy.reactive.RestForm("version") String version) {
        try {
            var started = runs.addToMemory(exp, name, version, user.username());
            return Response.seeOther(URI.create("/alignments/" + started.runId())).build();
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return dev.jury.web.Flash.redirect("/experiments/" + exp + "/judges/" + name + "/versions/" + version,
                    "Nothing was added to the memory: " + e.getMessage());
        }
    }

    /** 422 for a plain form post; 200 for htmx, which swaps only successful answers into the panel. */
    private static Response refused(Panel panel, HttpHeaders headers) {
        return Htmx.page(headers, () -> Templates.page(panel), () -> Templates.page$panel(panel)).refusedWith(422)
                .build();
    }

    // ---- building the panel -------------------------------------------------------------------------------------

    private static Form form(MultivaluedMap<String, String> values) {
        Map<String, String> params = new LinkedHashMap<>();
        values.forEach((key, list) -> {
            if (key.startsWith(PARAM_PREFIX) && !list.isEmpty()) {
                params.put(key.substring(PARAM_PREFIX.length()), list.get(0));
            }
        });
        String rebalance = values.getFirst("rebalance");
        return new Form(trim(values.getFirst("base_version")), trim(values.getFirst("optimizer")),
                trim(values.getFirst("reflection_model")), trim(values.getFirst("seed")),
                trim(values.getFirst("heldout_fraction")), rebalance != null
                && (rebalance.equals("true") || rebalance.equals("on")), trim(values.getFirst("rubric_version")),
                params);
    }

    /** The form as a start request; text that is not a number is reported here, ranges by the service. */
    private static AlignmentRunService.StartRequest request(Form form, Map<String, String> errors) {
        Long seed = null;
        if (!form.seed().isEmpty()) {
            try {
                seed = Long.parseLong(form.seed());
            } catch (NumberFormatException e) {
                errors.put("seed", "seed must be a whole number, got '" + abbreviate(form.seed()) + "'");
            }
        }
        Double fraction = null;
        if (!form.heldoutFraction().isEmpty()) {
            try {
                fraction = Double.parseDouble(form.heldoutFraction());
            } catch (NumberFormatException e) {
                errors.put("heldout_fraction", "heldout_fraction must be a number such as 0.2, got '"
                        + abbreviate(form.heldoutFraction()) + "'");
            }
        }
        Integer rubricVersion = null;
        if (!form.rubricVersion().isEmpty()) {
            try {
                rubricVersion = Integer.parseInt(form.rubricVersion());
            } catch (NumberFormatException e) {
                errors.put("rubric_version", "rubric_version must be a version number");
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        form.params().forEach((k, v) -> {
            if (!v.isBlank()) {
                params.put(k, v.strip());
            }
        });
        return new AlignmentRunService.StartRequest(form.baseVersion().isEmpty() ? null : form.baseVersion(),
                form.optimizer().isEmpty() ? null : form.optimizer(), params,
                form.reflectionModel().isEmpty() ? null : form.reflectionModel(), seed, fraction, form.rebalance(),
                rubricVersion);
    }

    private Panel panel(String exp, String name, Form form, Map<String, String> errors, String error) {
        List<JudgeVersion> versions = judges.versions(exp, name);
        Optimizer selected;
        Map<String, String> shownErrors = new LinkedHashMap<>(errors);
        try {
            selected = optimizers.get(form.optimizer(), baseOf(versions, form.baseVersion()));
        } catch (ProblemException e) {
            shownErrors.putIfAbsent("optimizer", e.getMessage());
            selected = optimizers.get(null, baseOf(versions, form.baseVersion()));
        }
        String selectedName = selected.name();
        List<OptimizerOption> options = optimizers.all().stream()
                .map(o -> new OptimizerOption(o.name(), o.description(), o.name().equals(selectedName))).toList();

        AlignmentRunService.Preview preview = null;
        Map<String, String> previewErrors = new LinkedHashMap<>();
        AlignmentRunService.StartRequest request = request(form, previewErrors);
        try {
            preview = runs.preview(exp, name, request.baseVersion(), request.seed(), request.heldoutFraction(),
                    request.rebalance(), request.rubricVersion());
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            e.errors().forEach(fe -> previewErrors.putIfAbsent(fe.field(), fe.message()));
        }
        previewErrors.forEach(shownErrors::putIfAbsent);

        // the seed is a run setting of its own (above the parameters); listing it twice would let the two disagree
        List<ParamField> params = selected.parameters().stream()
                .filter(p -> !p.name().equals(dev.jury.alignment.ParameterSpec.SEED.name()))
                .map(p -> field(p, form.params().get(p.name()), shownErrors.get("params." + p.name()))).toList();
        String budget = null;
        if (preview != null) {
            try {
                Map<String, Object> raw = new LinkedHashMap<>(request.params());
                budget = selected.budget(selected.resolve(raw), preview.dataSet().train()).orElse(null);
            } catch (IllegalArgumentException e) {
                budget = null; // the field error says why
            }
        }
        List<RunRow> rows = runs.list(exp, name, 20).stream().map(d -> new RunRow(d.run().id, d.status().name(),
                d.run().optimizer, d.baseVersion(), d.resultVersion(), d.run().outcome, d.run().createdAt,
                d.run().createdBy)).toList();
        String reflection = form.reflectionModel();
        Form shown = new Form(form.baseVersion().isEmpty() && !versions.isEmpty()
                ? String.valueOf(versions.get(0).version) : form.baseVersion(), selectedName, reflection,
                form.seed().isEmpty() ? String.valueOf(AlignmentRunService.DEFAULT_SEED) : form.seed(),
                form.heldoutFraction().isEmpty() ? "0.2" : form.heldoutFraction(), form.rebalance(),
                form.rubricVersion(), form.params());
        return new Panel(exp, name, versions.stream().map(v -> v.version).toList(), shown, options,
                selected.usesReflectionModel(), params, preview, budget, shownErrors, error, rows);
    }

    /** The version the form would align (the latest when none is chosen); null when there is none. */
    private static JudgeVersion baseOf(List<JudgeVersion> versions, String chosen) {
        return versions.stream().filter(v -> String.valueOf(v.version).equals(chosen)).findFirst()
                .orElse(versions.isEmpty() ? null : versions.get(0));
    }

    private static ParamField field(ParameterSpec p, String typed, String error) {
        boolean integer = p.type() == ParameterSpec.Type.INTEGER;
        String max = p.max() == null || p.max().longValue() == Long.MAX_VALUE ? null : p.max().toString();
        return new ParamField(p.name(), p.type().jsonName(), typed == null ? "" : typed, p.defaultValue().toString(),
                p.min() == null ? null : p.min().toString(), max, integer ? "1" : "any", p.help(), error);
    }

    private static String trim(String s) {
        return s == null ? "" : s.strip();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
