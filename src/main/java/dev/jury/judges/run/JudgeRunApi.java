package dev.jury.judges.run;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * Judge runs as JSON: start one over an experiment's traces, read what it produced. Apart from the judge API so
 * that runs build on judges and judges know nothing of runs (no package cycle, docs/architecture.md).
 */
@Path("/api/v1/experiments/{exp}/judges")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class JudgeRunApi {

    @Inject
    CurrentUser user;

    @Inject
    JudgeRunService runs;

    public record StartRun(String version, List<Long> traceIds, String tag) {
    }

    public record RunStarted(long jobId, String status) {
    }

    /** Runs a judge version (default latest) over traces: all, {@code tag} key=value, or {@code trace_ids}. */
    @POST
    @Path("{name}/runs")
    @RolesAllowed(Roles.ADMIN)
    public Response run(@PathParam("exp") String exp, @PathParam("name") String name, StartRun body) {
        var request = body == null ? new StartRun(null, null, null) : body;
        long job = runs.start(exp, name, request.version(), request.traceIds(), request.tag(), user.username());
        return Response.accepted(new RunStarted(job, "/api/v1/jobs/" + job))
                .location(java.net.URI.create("/api/v1/jobs/" + job)).build();
    }

    /** What a run produced: verdict counts by value and the first errors. */
    @GET
    @Path("{name}/runs/{job}")
    @RolesAllowed(Roles.ADMIN)
    public JudgeRunService.RunSummary runSummary(@PathParam("exp") String exp, @PathParam("name") String name,
                                                 @PathParam("job") long job) {
        var summary = runs.summary(job);
        if (!summary.experiment().equals(exp) || !summary.judge().equals(name)) {
            throw ProblemException.notFound("Run " + job + " is not a run of judge '" + name + "'.");
        }
        return summary;
    }
}
