package dev.jury.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.experiments.Experiment;
import dev.jury.judges.JudgeApi;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
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

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The public judge API (design: "Registry and the public judge API"): judges by name without the experiment in the
 * path, for services that only know the judge's name. A name that exists in several experiments needs
 * {@code ?experiment=} (409 listing them otherwise). Same JSON as the experiment-scoped paths.
 */
@Path("/api/v1/judges")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
@Produces(MediaType.APPLICATION_JSON)
public class PublicJudgeApi {

    @Inject
    RegistryService registry;

    @Inject
    JudgeService judges;

    @Inject
    AssessService assessor;

    @Inject
    CurrentUser user;

    /** The latest version of every judge of every experiment; each names its {@code experiment}. */
    @GET
    public List<JudgeApi.JudgeVersionView> list() {
        List<JudgeVersion> latest = registry.latestOfAll();
        Map<Long, String> experiments = Experiment.<Experiment>listAll().stream()
                .collect(Collectors.toMap(e -> e.id, e -> e.name));
        return latest.stream().map(v -> JudgeApi.JudgeVersionView.of(experiments.get(v.judge.experimentId), v,
                judges.aliases(v.judge.id).getOrDefault(v.version, List.of()))).toList();
    }

    /** {@code ?version=registered|latest|N} (default: registered, else latest), {@code ?experiment=} when needed. */
    @GET
    @Path("{name}")
    public JudgeApi.JudgeVersionView get(@PathParam("name") String name, @QueryParam("version") String version,
                                         @QueryParam("experiment") String experiment) {
        String exp = registry.experimentOf(name, experiment);
        JudgeVersion v = judges.resolve(exp, name, version);
        return JudgeApi.JudgeVersionView.of(exp, v, judges.aliases(v.judge.id).getOrDefault(v.version, List.of()));
    }

    @GET
    @Path("{name}/versions")
    public List<JudgeApi.VersionSummary> versions(@PathParam("name") String name,
                                                  @QueryParam("experiment") String experiment) {
        String exp = registry.experimentOf(name, experiment);
        List<JudgeVersion> versions = judges.versions(exp, name);
        return JudgeApi.VersionSummary.of(versions, judges.aliases(judges.judge(exp, name).id));
    }

    @POST
    @Path("{name}/assess")
    @Consumes(MediaType.APPLICATION_JSON)
    public AssessService.Answer assess(@PathParam("name") String name, @QueryParam("experiment") String experiment,
                                       JsonNode body) {
        return assessor.assess(registry.experimentOf(name, experiment), name, body, user.username());
    }
}
