package dev.jury.experiments;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.List;

@Path("/api/v1/experiments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ExperimentApi {

    @Inject
    ExperimentService experiments;

    @Inject
    CurrentUser user;

    public record CreateExperiment(String name, String description) {
    }

    public record ExperimentView(long id, String name, String description, String createdBy, Instant createdAt) {
        static ExperimentView of(Experiment e) {
            return new ExperimentView(e.id, e.name, e.description, e.createdBy, e.createdAt);
        }
    }

    @POST
    public Response create(CreateExperiment request) {
        var body = request == null ? new CreateExperiment(null, null) : request;
        var created = experiments.create(body.name(), body.description(), user.username());
        return Response.created(URI.create("/api/v1/experiments/" + created.name))
                .entity(ExperimentView.of(created)).build();
    }

    @GET
    public List<ExperimentView> list() {
        return experiments.list().stream().map(ExperimentView::of).toList();
    }

    @GET
    @Path("{name}")
    public ExperimentView get(@PathParam("name") String name) {
        return ExperimentView.of(experiments.get(name));
    }
}
