package dev.jury.judges.run;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

/** Judge runs in the browser: start one from the judge page, watch its progress, counts, errors and values. */
@Path("/experiments/{exp}/judges/{name}/runs")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JudgeRunResource {

    @Inject
    JudgeRunService runs;

    @Inject
    CurrentUser user;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance run(JudgeRunService.RunSummary run);

        static native TemplateInstance run$progress(JudgeRunService.RunSummary run);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response start(@PathParam("exp") String exp, @PathParam("name") String name, @RestForm String version,
                          @RestForm String tag) {
        try {
            long job = runs.start(exp, name, version, null, tag == null || tag.isBlank() ? null : tag, user.username());
            return Flash.redirect("/experiments/" + exp + "/judges/" + name + "/runs/" + job, "Judge run started.");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Flash.redirect("/experiments/" + exp + "/judges/" + name, "Not started: " + e.getMessage());
        }
    }

    /**
     * The run page; for htmx only the progress region, which polls itself while the run is live.
     * {@code ?only=no} lists only the traces judged {@code no}.
     */
    @GET
    @Path("{job}")
    public Response run(@PathParam("exp") String exp, @PathParam("name") String name, @PathParam("job") long job,
                        @QueryParam("only") String only, HttpHeaders headers) {
        var summary = runs.summary(job, "no".equals(only));
        if (!summary.experiment().equals(exp) || !summary.judge().equals(name)) {
            throw ProblemException.notFound("Run " + job + " is not a run of judge '" + name + "' in '" + exp + "'.");
        }
        return Htmx.page(headers, () -> Templates.run(summary), () -> Templates.run$progress(summary)).build();
    }
}
