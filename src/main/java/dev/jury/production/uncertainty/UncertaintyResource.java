package dev.jury.production.uncertainty;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.judges.Judge;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measuring a judge's uncertainty in the browser, before creating an {@code uncertain} review queue: the form shows
 * the cost — N samples × candidate traces = LLM calls — for what is typed (recomputed with htmx as it changes; the
 * page's first answer shows it for the defaults, or for the query parameters) and starts the job, redirecting to
 * its page.
 */
@Path("/experiments/{exp}/uncertainty")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class UncertaintyResource {

    @Inject
    ExperimentService experiments;

    @Inject
    UncertaintyService uncertainty;

    @Inject
    CurrentUser user;

    /** The form as typed. */
    public record Form(String judge, String samples, String temperature, String candidates, String tag) {
        public boolean isJudge(String name) {
            return name.equals(judge);
        }
    }

    /** What the page shows: the form, the plan for it (null when it is refused), errors by field. */
    public record View(Experiment experiment, List<String> judges, Form form, UncertaintyService.Plan plan,
                       Map<String, String> errors) {
        public String error(String field) {
            return errors.get(field);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(View view);

        static native TemplateInstance page$cost(View view);
    }

    @GET
    public Response page(@PathParam("exp") String exp, @QueryParam("judge") String judge,
                         @QueryParam("samples") String samples, @QueryParam("temperature") String temperature,
                         @QueryParam("candidates") String candidates, @QueryParam("tag") String tag,
                         @Context HttpHeaders headers) {
        Experiment experiment = experiments.get(exp);
        List<String> judges = Judge.listForExperiment(experiment.id).stream().map(j -> j.name).toList();
        var form = new Form(judge == null || judge.isBlank() ? (judges.isEmpty() ? "" : judges.get(0)) : judge,
                orDefault(samples, String.valueOf(UncertaintyService.DEFAULT_SAMPLES)),
                orDefault(temperature, String.valueOf(UncertaintyService.DEFAULT_TEMPERATURE)),
                orDefault(candidates, String.valueOf(UncertaintyService.DEFAULT_CANDIDATES)), tag == null ? "" : tag);
        View view = view(experiment, judges, form);
        return Htmx.page(headers, () -> Templates.page(view), () -> Templates.page$cost(view)).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response start(@PathParam("exp") String exp, MultivaluedMap<String, String> fields) {
        Experiment experiment = experiments.get(exp);
        List<String> judges = Judge.listForExperiment(experiment.id).stream().map(j -> j.name).toList();
        var form = new Form(field(fields, "judge"), field(fields, "samples"), field(fields, "temperature"),
                field(fields, "candidates"), field(fields, "tag"));
        var errors = new LinkedHashMap<String, String>();
        var measure = parse(form, errors);
        if (errors.isEmpty()) {
            try {
                var started = uncertainty.start(exp, form.judge(), measure, user.username());
                var plan = started.plan();
                return Flash.redirect("/jobs/" + started.job(), "Measuring the uncertainty of judge " + plan.judge()
                        + " v" + plan.version() + ": " + plan.samples() + " × " + plan.traces() + " traces = "
                        + plan.calls() + " calls. Then create a queue with the source 'uncertain'.");
            } catch (ProblemException e) {
                if (e.status() != 422 && e.status() != 409 && e.status() != 404) {
                    throw e;
                }
                problems(e, errors);
                return Response.status(e.status() == 404 ? 422 : e.status())
                        .entity(Templates.page(new View(experiment, judges, form, null, errors))).build();
            }
        }
        return Response.status(422).entity(Templates.page(new View(experiment, judges, form, null, errors))).build();
    }

    private View view(Experiment experiment, List<String> judges, Form form) {
        var errors = new LinkedHashMap<String, String>();
        var measure = parse(form, errors);
        UncertaintyService.Plan plan = null;
        if (errors.isEmpty() && !form.judge().isBlank()) {
            try {
                plan = uncertainty.plan(experiment.name, form.judge(), measure);
            } catch (ProblemException e) {
                if (e.status() != 422 && e.status() != 404) {
                    throw e;
                }
                problems(e, errors);
            }
        }
        return new View(experiment, judges, form, plan, errors);
    }

    private static void problems(ProblemException e, Map<String, String> errors) {
        for (Problem.FieldError fe : e.errors() == null ? List.<Problem.FieldError>of() : e.errors()) {
            errors.putIfAbsent(fe.field() == null ? "form" : fe.field(), fe.message());
        }
        if (errors.isEmpty()) {
            errors.put("form", e.getMessage());
        }
    }

    private static UncertaintyService.Measure parse(Form form, Map<String, String> errors) {
        Integer samples = integer(form.samples(), "samples", "Samples per trace is a whole number, e.g. 3", errors);
        Integer candidates = integer(form.candidates(), "candidates", "Candidates is a whole number of traces",
                errors);
        Double temperature = null;
        try {
            temperature = Double.parseDouble(form.temperature().strip().replace(',', '.'));
        } catch (NumberFormatException e) {
            errors.put("temperature", "The temperature is a number above 0, e.g. 1.0; got '" + form.temperature()
                    + "'.");
        }
        return new UncertaintyService.Measure(samples, temperature, candidates, form.tag());
    }

    private static Integer integer(String text, String field, String message, Map<String, String> errors) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            errors.put(field, message + "; got '" + text + "'.");
            return null;
        }
    }

    private static String field(MultivaluedMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
