package dev.jury.judges.run;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

/**
 * "Run the judges that fit" from the judges page: starts the job and shows it (its log names, per judge, the run
 * started and the traces skipped for a missing field); a refusal returns to the judges page with the reason.
 */
@Path("/experiments/{exp}/fitting-judge-runs")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class FittingJudgesResource {

    @Inject
    FittingJudgesService fitting;

    @Inject
    CurrentUser user;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response start(@PathParam("exp") String exp, @RestForm String model) {
        try {
            long job = fitting.start(exp, model, null, user.username());
            return Flash.redirect("/jobs/" + job, "Checking which judges fit each trace; the judge runs start "
                    + "when the check is done.");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Flash.redirect("/experiments/" + exp + "/judges", "Not started: " + e.getMessage());
        }
    }
}
