package dev.jury.production.uncertainty;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * Measuring a judge's uncertainty as JSON (admins): {@code GET} answers the plan and its cost without calling
 * anything, {@code POST} starts the job (202; its result at {@code /api/v1/jobs/{id}}).
 */
@Path("/api/v1/experiments/{exp}/judges/{name}/uncertainty")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class UncertaintyApi {

    @Inject
    UncertaintyService uncertainty;

    @Inject
    CurrentUser user;

    /** The plan without the trace ids. */
    public record Cost(String experiment, String judge, int version, String model, String method, int samples,
                       Double temperature, int traces, long calls) {
        static Cost of(UncertaintyService.Plan p) {
            return new Cost(p.experiment(), p.judge(), p.version(), p.model(), p.method(), p.samples(),
                    p.temperature(), p.traces(), p.calls());
        }
    }

    public record Started(long jobId, String job, Cost cost) {
    }

    @GET
    public Cost plan(@PathParam("exp") String exp, @PathParam("name") String name,
                     @QueryParam("samples") Integer samples, @QueryParam("temperature") Double temperature,
                     @QueryParam("candidates") Integer candidates, @QueryParam("tag") String tag) {
        return Cost.of(uncertainty.plan(exp, name, new UncertaintyService.Measure(samples, temperature, candidates,
                tag)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("exp") String exp, @PathParam("name") String name,
                          UncertaintyService.Measure body) {
        var request = body == null ? UncertaintyService.Measure.DEFAULTS : body;
        var started = uncertainty.start(exp, name, request, user.username());
        long job = started.job();
        return Response.accepted(new Started(job, "/api/v1/jobs/" + job, Cost.of(started.plan())))
                .location(URI.create("/api/v1/jobs/" + job)).build();
    }
}
