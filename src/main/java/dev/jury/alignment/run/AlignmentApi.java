package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.dataset.DataSetSummary;
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
import java.util.List;

/**
 * A judge's alignment runs as JSON: preview the data set, start a run, list the runs. Admins only. One run is
 * {@link AlignmentRunApi}.
 */
@Path("/api/v1/experiments/{exp}/judges/{name}/alignments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AlignmentApi {

    @Inject
    AlignmentRunService runs;

    @Inject
    Optimizers optimizers;

    @Inject
    CurrentUser user;

    @Inject
    NewLabels newLabels;

    @Inject
    ObjectMapper json;

    public record Started(long runId, long jobId, String status) {
    }

    public record OptimizerView(String name, String description, boolean usesReflectionModel,
                                List<ParameterView> parameters) {
        static OptimizerView of(Optimizer o) {
            return new OptimizerView(o.name(), o.description(), o.usesReflectionModel(),
                    o.parameters().stream().map(ParameterView::of).toList());
        }
    }

    public record ParameterView(String name, String type, Number defaultValue, Number min, Number max, String help) {
        static ParameterView of(ParameterSpec p) {
            return new ParameterView(p.name(), p.type().jsonName(), p.defaultValue(), p.min(), p.max(), p.help());
        }
    }

    public record PreviewView(String experiment, String judge, int baseVersion, String baseModel,
                              DataSetSummary dataSet, List<Integer> rubricVersions, String defaultReflectionModel,
                              String defaultOptimizer, List<OptimizerView> optimizers) {
    }



    /** Starts a run: 202 with the run and job ids, or 422 with the reason and numbers. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("exp") String exp, @PathParam("name") String name,
                          AlignmentRunService.StartRequest body) {
        var started = runs.start(exp, name, body, user.username());
        return Response.accepted(new Started(started.runId(), started.jobId(), "QUEUED"))
                .location(URI.create("/api/v1/alignments/" + started.runId())).build();
    }

    @GET
    public List<AlignmentRunApi.RunView> list(@PathParam("exp") String exp, @PathParam("name") String name,
                              @QueryParam("limit") Integer limit) {
        return runs.list(exp, name, limit == null ? 50 : limit).stream().map(d -> AlignmentRunApi.view(d, List.of(), json)).toList();
    }

    /** The data set a run would use with these settings, refusals included (never a 422 for them). */
    @GET
    @Path("preview")
    public PreviewView preview(@PathParam("exp") String exp, @PathParam("name") String name,
                               @QueryParam("base_version") String baseVersion, @QueryParam("seed") Long seed,
                               @QueryParam("heldout_fraction") Double heldoutFraction,
                               @QueryParam("rebalance") Boolean rebalance,
                               @QueryParam("rubric_version") Integer rubricVersion) {
        var p = runs.preview(exp, name, baseVersion, seed, heldoutFraction, rebalance, rubricVersion);
        return new PreviewView(p.experiment(), p.judge(), p.baseVersion(), p.baseModel(), p.dataSet(),
                p.rubricVersions(), p.defaultReflectionModel(), Optimizers.DEFAULT,
                optimizers.all().stream().map(OptimizerView::of).toList());
    }

    /**
     * The production loop's figure: human labels since the last succeeded alignment run and how many of them the
     * registered (else latest) version got wrong; {@code has_memory} says whether "add to memory"
     * ({@code POST …/versions/{n}/memory/additions}) applies, else start a run here with any optimizer.
     */
    @GET
    @Path("new-labels")
    public NewLabels.Status newLabels(@PathParam("exp") String exp, @PathParam("name") String name) {
        return newLabels.of(exp, name);
    }
}
