package dev.jury.production;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A judge's online scoring in the browser: the panel the judge page loads with htmx ({@code …/online-scoring/panel})
 * and the same panel as a page of its own, whose form turns scoring on or off and sets the sample rate and the
 * filter. The form posts and redirects back to the judge page with a flash message (no JavaScript needed); a bad
 * value is shown in the form as typed, with its message.
 */
@Path("/experiments/{exp}/judges/{name}/online-scoring")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class OnlineScoringResource {

    @Inject
    OnlineScoringService service;

    @Inject
    CurrentUser user;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(Panel panel);

        static native TemplateInstance page$panel(Panel panel);
    }

    /** What the form shows: the stored values, or what was typed when it was refused. */
    public record Form(boolean enabled, String sampleRate, String filter) {
    }

    public record Panel(OnlineScoringService.Settings settings, Form form, Map<String, String> errors, String error) {

        public String error(String field) {
            return errors.get(field);
        }

        public String action() {
            return "/experiments/" + settings.experiment() + "/judges/" + settings.judge() + "/online-scoring";
        }

        /** The sample rate as a percentage for the summary line. */
        public String ratePercent() {
            double pct = settings.sampleRate() * 100;
            return (pct == Math.rint(pct) ? String.valueOf((long) pct) : String.valueOf(pct)) + " %";
        }
    }

    @GET
    public Response page(@PathParam("exp") String exp, @PathParam("name") String name, @Context HttpHeaders headers) {
        Panel panel = panel(service.get(exp, name), null, Map.of(), null);
        return Htmx.page(headers, () -> Templates.page(panel), () -> Templates.page$panel(panel)).build();
    }

    /** The panel alone, for the judge page ({@code hx-get} into its online-scoring section). */
    @GET
    @Path("panel")
    public TemplateInstance panel(@PathParam("exp") String exp, @PathParam("name") String name) {
        return Templates.page$panel(panel(service.get(exp, name), null, Map.of(), null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response save(@PathParam("exp") String exp, @PathParam("name") String name,
                         MultivaluedMap<String, String> fields) {
        boolean enabled = fields.containsKey("enabled") && !"off".equals(fields.getFirst("enabled"));
        String rateText = fields.getFirst("sample_rate") == null ? "" : fields.getFirst("sample_rate").strip();
        String filter = fields.getFirst("filter") == null ? "" : fields.getFirst("filter");
        var typed = new Form(enabled, rateText, filter);
        Map<String, String> errors = new LinkedHashMap<>();
        Double rate = null;
        if (rateText.isEmpty()) {
            errors.put("sample_rate", "Give a sample rate from 0 to 1.");
        } else {
            try {
                rate = Double.parseDouble(rateText.replace(',', '.'));
            } catch (NumberFormatException e) {
                errors.put("sample_rate", "The sample rate is a number from 0 to 1 (0.25 = a quarter of the new "
                        + "traces).");
            }
        }
        if (errors.isEmpty()) {
            try {
                var saved = service.update(exp, name, new OnlineScoringService.Change(enabled, rate, filter),
                        user.username());
                String where = "/experiments/" + exp + "/judges/" + name;
                return Flash.redirect(where, saved.enabled()
                        ? "Online scoring is on: " + Math.round(saved.sampleRate() * 1000) / 10.0
                        + " % of new traces" + (saved.filter().isEmpty() ? "" : " matching " + saved.filter())
                        + " are scored by the registered version."
                        : "Online scoring is off.");
            } catch (ProblemException e) {
                if (e.status() != 422 && e.status() != 409) {
                    throw e;
                }
                for (Problem.FieldError fe : e.errors() == null ? java.util.List.<Problem.FieldError>of() : e.errors()) {
                    errors.putIfAbsent(fe.field(), fe.message());
                }
                Panel panel = panel(service.get(exp, name), typed, errors, errors.isEmpty() ? e.getMessage() : null);
                return Response.status(e.status()).entity(Templates.page(panel)).build();
            }
        }
        Panel panel = panel(service.get(exp, name), typed, errors, null);
        return Response.status(422).entity(Templates.page(panel)).build();
    }

    private static Panel panel(OnlineScoringService.Settings settings, Form typed, Map<String, String> errors,
                               String error) {
        Form form = typed != null ? typed : new Form(settings.enabled(), String.valueOf(settings.sampleRate()),
                settings.filter());
        return new Panel(settings, form, errors, error);
    }
}
