package dev.jury.judges.run;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/**
 * "Run the judges that fit" as JSON: 202 with the job; its result ({@code GET /api/v1/jobs/{id}}) lists per judge
 * the traces applied and skipped (by missing field) and the judge run started.
 */
@Path("/api/v1/experiments/{exp}/fitting-judge-runs")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FittingJudgesApi {

    @Inject
    FittingJudgesService fitting;

    @Inject
    CurrentUser user;

    /**
     * @param model     the model for judges created from their template (not needed when all exist)
     * @param templates built-in template keys; absent means all of them
     */
    public record Start(String model, List<String> templates) {
    }

    @POST
    public Response start(@PathParam("exp") String exp, Start body) {
        Start request = body == null ? new Start(null, null) : body;
        long job = fitting.start(exp, request.model(), request.templates(), user.username());
        return Response.accepted(new JudgeRunApi.RunStarted(job, "/api/v1/jobs/" + job))
                .location(URI.create("/api/v1/jobs/" + job)).build();
    }
}
