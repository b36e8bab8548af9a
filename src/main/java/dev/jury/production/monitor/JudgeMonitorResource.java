package dev.jury.production.monitor;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A judge's monitoring page: per day or week, its verdicts, errors, calls and agreement with the humans who
 * labelled the same traces, and the agreement alert's form. {@code …/monitor/banner} is the alert banner alone,
 * which the judge page loads with htmx (judges may not import production). docs/production.md, "Monitoring a judge
 * against humans".
 */
@Path("/experiments/{exp}/judges/{name}/monitor")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JudgeMonitorResource {

    @Inject
    JudgeMonitorService service;

    @Inject
    CurrentUser user;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(View view);

        static native TemplateInstance page$banner(Banner banner);
    }

    /** The alert form as stored, or as typed when it was refused. */
    public record Form(String window, String minKappa, String minN) {
    }

    /** What the banner needs: the alert (null: none) and where the monitor is. */
    public record Banner(JudgeMonitorService.Alert alert, String monitorUrl) {

        public boolean firing() {
            return alert != null && alert.firing();
        }

        public String kappa() {
            return alert == null || alert.kappa() == null ? "" : String.format(Locale.ROOT, "%.3f", alert.kappa());
        }

        public String threshold() {
            return alert == null ? "" : String.format(Locale.ROOT, "%.3f", alert.minKappa());
        }
    }

    public record View(JudgeMonitorService.Monitor monitor, Banner banner, KappaChart chart, Form form,
                       Map<String, String> errors, String error) {

        public String error(String field) {
            return errors.get(field);
        }

        public String base() {
            return "/experiments/" + monitor.experiment() + "/judges/" + monitor.judge();
        }

        public boolean byWeek() {
            return "week".equals(monitor.window());
        }
    }

    @GET
    public Response page(@PathParam("exp") String exp, @PathParam("name") String name, @RestQuery String window) {
        Window w;
        String error = null;
        try {
            w = Window.parse(window);
        } catch (IllegalArgumentException e) {
            w = Window.DAY;
            error = "Unknown window '" + window + "': " + e.getMessage() + ". Showing days.";
        }
        View view = view(service.monitor(exp, name, w), null, Map.of(), error);
        return Response.status(error == null ? 200 : 400).entity(Templates.page(view)).build();
    }

    /** The alert banner alone (empty unless the alert fires), for the judge page's {@code hx-get}. */
    @GET
    @Path("banner")
    public TemplateInstance banner(@PathParam("exp") String exp, @PathParam("name") String name) {
        return Templates.page$banner(new Banner(service.alert(exp, name),
                "/experiments/" + exp + "/judges/" + name + "/monitor"));
    }

    /** Saves the alert ({@code action=save}) or removes it ({@code action=remove}); redirects to the monitor. */
    @POST
    @Path("alert")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response saveAlert(@PathParam("exp") String exp, @PathParam("name") String name,
                              MultivaluedMap<String, String> fields) {
        String monitorUrl = "/experiments/" + exp + "/judges/" + name + "/monitor";
        if ("remove".equals(fields.getFirst("action"))) {
            service.setAlert(exp, name, null, user.username());
            return Flash.redirect(monitorUrl, "The agreement alert is off.");
        }
        var typed = new Form(text(fields, "window"), text(fields, "min_kappa"), text(fields, "min_n"));
        Map<String, String> errors = new LinkedHashMap<>();
        Window window = Window.DAY;
        try {
            window = Window.parse(typed.window());
        } catch (IllegalArgumentException e) {
            errors.put("window", "The alert's " + e.getMessage() + ".");
        }
        Double kappa = null;
        try {
            kappa = Double.parseDouble(typed.minKappa().replace(',', '.'));
        } catch (NumberFormatException e) {
            errors.put("min_kappa", "Give the κ threshold as a number from -1 to 1, e.g. 0.6.");
        }
        Integer minN = null;
        try {
            minN = Integer.parseInt(typed.minN());
        } catch (NumberFormatException e) {
            errors.put("min_n", "Give the minimum number of pairs as a whole number of at least 2, e.g. 30.");
        }
        if (errors.isEmpty()) {
            try {
                var alert = service.setAlert(exp, name, new JudgeMonitorService.AlertChange(window, kappa, minN),
                        user.username());
                return Flash.redirect(monitorUrl + "?window=" + window.unit(), String.format(Locale.ROOT,
                        "Agreement alert saved: it fires when κ drops below %.3f in a %s with at least %d pairs%s.",
                        alert.minKappa(), alert.window(), alert.minN(), alert.firing() ? " — it fires now" : ""));
            } catch (ProblemException e) {
                if (e.status() != 422) {
                    throw e;
                }
                for (Problem.FieldError fe : e.errors()) {
                    errors.putIfAbsent(fe.field(), fe.message());
                }
            }
        }
        View view = view(service.monitor(exp, name, window), typed, errors, null);
        return Response.status(422).entity(Templates.page(view)).build();
    }

    private static String text(MultivaluedMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static View view(JudgeMonitorService.Monitor monitor, Form typed, Map<String, String> errors,
                             String error) {
        var alert = monitor.alert();
        Form form = typed != null ? typed
                : alert != null ? new Form(alert.window(), String.valueOf(alert.minKappa()), String.valueOf(alert.minN()))
                : new Form("week", "0.6", "30");
        String url = "/experiments/" + monitor.experiment() + "/judges/" + monitor.judge() + "/monitor";
        KappaChart chart = KappaChart.of(monitor.agreement(),
                monitor.windows().stream().map(JudgeMonitorService.WindowFigures::window).toList(),
                alert != null && alert.window().equals(monitor.window()) ? alert.minKappa() : null);
        return new View(monitor, new Banner(alert, url), chart, form, errors, error);
    }
}
