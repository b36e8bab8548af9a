package dev.jury.alignment.run;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * "Add new labels to memory" as JSON: starts a {@code memory-add} alignment run from version {@code n}
 * ({@link AlignmentRunService#addToMemory}); {@code ?distill=true[&reflection_model=…]} also distils guidelines from the
 * new labels (one reflection call per 500 of them). The run is then read, cancelled and shown like any alignment run.
 * Admins only.
 */
@Path("/api/v1/experiments/{exp}/judges/{name}/versions/{version}/memory/additions")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class MemoryAdditionApi {

    @Inject
    AlignmentRunService runs;

    @Inject
    CurrentUser user;

    /** 202 with the run and job ids; 404 for an unknown version; 422 problem+json when there is nothing to add. */
    @POST
    public Response add(@PathParam("exp") String exp, @PathParam("name") String name,
                        @PathParam("version") String version, @QueryParam("distill") Boolean distill,
                        @QueryParam("reflection_model") String reflectionModel) {
        var started = runs.addToMemory(exp, name, version, distill != null && distill, reflectionModel,
                user.username());
        return Response.accepted(new AlignmentApi.Started(started.runId(), started.jobId(), "QUEUED"))
                .location(URI.create("/api/v1/alignments/" + started.runId())).build();
    }
}
