package dev.jury.registry;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of one judge as JSON (api.md): register a version, roll back, the history; {@code assess} with the
 * registered version; evaluate a version against the human consensus. Beside {@code judges.JudgeApi}, which owns
 * creating and reading versions under the same prefix.
 */
@Path("/api/v1/experiments/{exp}/judges/{name}")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class RegistryApi {

    @Inject
    RegistryService registry;

    @Inject
    AssessService assessor;

    @Inject
    EvaluationService evaluations;

    @Inject
    CurrentUser user;

    /** The body of {@code …/evaluate}: explicit trace ids, or one tag {@code key=value}; neither = labelled traces. */
    public record StartEvaluation(List<Long> traceIds, String tag) {
    }

    public record EvaluationStarted(long jobId, String status, String evaluation) {
    }

    @POST
    @Path("versions/{n}/register")
    public RegistryService.Result register(@PathParam("exp") String exp, @PathParam("name") String name,
                                           @PathParam("n") String n) {
        return registry.register(exp, name, version(exp, name, n), user.username());
    }

    /** Undoes the newest registration not yet rolled back; 409 when there is nothing to roll back to. */
    @POST
    @Path("registered/rollback")
    public RegistryService.Result rollback(@PathParam("exp") String exp, @PathParam("name") String name) {
        return registry.rollback(exp, name, user.username());
    }

    /** Every move of the {@code registered} alias, newest first. */
    @GET
    @Path("registry")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    public List<RegistryService.Entry> history(@PathParam("exp") String exp, @PathParam("name") String name) {
        return registry.history(exp, name);
    }

    @POST
    @Path("assess")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    public AssessService.Answer assess(@PathParam("exp") String exp, @PathParam("name") String name, JsonNode body) {
        return assessor.assess(exp, name, body, user.username());
    }

    @POST
    @Path("versions/{n}/evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response evaluate(@PathParam("exp") String exp, @PathParam("name") String name, @PathParam("n") String n,
                             JsonNode body) {
        StartEvaluation request = startEvaluation(body);
        int version = version(exp, name, n);
        long job = evaluations.start(exp, name, version, request.traceIds(), request.tag(), user.username());
        String evaluation = "/api/v1/experiments/" + exp + "/judges/" + name + "/versions/" + version + "/evaluation";
        return Response.accepted(new EvaluationStarted(job, "/api/v1/jobs/" + job, evaluation))
                .location(URI.create("/api/v1/jobs/" + job)).build();
    }

    @GET
    @Path("versions/{n}/evaluation")
    public EvaluationService.Evaluation evaluation(@PathParam("exp") String exp, @PathParam("name") String name,
                                                  @PathParam("n") String n) {
        return evaluations.evaluation(exp, name, version(exp, name, n));
    }

    /** A version number from the path; anything else is a 404 naming it, like an unknown number. */
    static int version(String exp, String name, String n) {
        if (n == null || !n.strip().matches("[0-9]{1,9}")) {
            throw ProblemException.notFound("Judge '" + name + "' in experiment '" + exp + "' has no version '"
                    + RegistryService.abbreviate(n) + "'; versions are numbered 1, 2, …");
        }
        return Integer.parseInt(n.strip());
    }

    /** Read by hand so that a wrong type is a 422 naming the field, not a generic 400. */
    private static StartEvaluation startEvaluation(JsonNode body) {
        if (body == null || body.isNull()) {
            return new StartEvaluation(null, null);
        }
        if (!body.isObject()) {
            throw ProblemException.invalid("trace_ids", "Send a JSON object: {trace_ids?} or {tag?}.");
        }
        List<Long> ids = null;
        JsonNode traceIds = body.get("trace_ids");
        if (traceIds != null && !traceIds.isNull()) {
            if (!traceIds.isArray()) {
                throw ProblemException.invalid("trace_ids", "trace_ids must be an array of trace ids.");
            }
            ids = new ArrayList<>();
            for (int i = 0; i < traceIds.size(); i++) {
                JsonNode id = traceIds.get(i);
                if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                    throw ProblemException.invalid("trace_ids[" + i + "]", "trace_ids[" + i + "] must be a trace "
                            + "id (a whole number); got " + RegistryService.abbreviate(id.toString()) + ".");
                }
                ids.add(id.longValue());
            }
        }
        JsonNode tag = body.get("tag");
        if (tag != null && !tag.isNull() && !tag.isTextual()) {
            throw ProblemException.invalid("tag", "tag must be text key=value, e.g. \"split=heldout\".");
        }
        String tagText = tag == null || tag.isNull() ? null : tag.asText();
        if (ids != null && tagText != null && !tagText.isBlank()) {
            throw ProblemException.invalid("trace_ids", "Give either trace_ids or tag, not both.");
        }
        return new StartEvaluation(ids, tagText);
    }
}
