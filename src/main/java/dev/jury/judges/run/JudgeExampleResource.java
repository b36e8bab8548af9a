package dev.jury.judges.run;

import dev.jury.experiments.Experiment;
import dev.jury.judges.JudgeService;
import dev.jury.judges.prompt.Demo;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.traces.Trace;
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
 * "Use as example for judge X", posted from the trace page and from adjudication: the trace with the expert's value
 * and rationale becomes a demo of the judge's next version ({@link JudgeService#addExample}). Here, beside the judge
 * runs, because it reads the trace: the judges package does not depend on traces, and neither traces nor review
 * may depend on judges (docs/architecture.md), so their pages only post to this route.
 */
@Path("/experiments/{exp}/judges/{name}/examples")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JudgeExampleResource {

    @Inject
    JudgeService judges;

    @Inject
    CurrentUser user;

    /** @param back the page to return to (a path of this site); the trace page when absent */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response add(@PathParam("exp") String exp, @PathParam("name") String name,
                        @RestForm("trace_id") String traceId, @RestForm String value, @RestForm String rationale,
                        @RestForm String back) {
        Trace trace = traceId == null || !traceId.strip().matches("[0-9]{1,18}") ? null
                : Trace.findById(Long.parseLong(traceId.strip()));
        Experiment experiment = Experiment.findByName(exp).orElseThrow(() -> ProblemException.notFound(
                "No experiment named '" + exp + "'."));
        if (trace == null || trace.experimentId != experiment.id.longValue()) {
            throw ProblemException.notFound("Experiment '" + exp + "' has no trace " + traceId + ".");
        }
        String page = back != null && back.startsWith("/") && !back.startsWith("//") ? back : "/traces/" + trace.id;
        try {
            var added = judges.addExample(exp, name, new Demo(trace.inputs, trace.outputs, trace.expectations,
                    value, rationale), trace.id, user.username());
            return Flash.redirect(page, "Trace " + trace.id + " is an example (" + added.version().demos().get(
                    added.version().demos().size() - 1).value() + ") of judge '" + name + "' from version "
                    + added.version().version + " on." + (added.warning() == null ? "" : " " + added.warning()));
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Flash.redirect(page, "Not added as an example: " + e.getMessage());
        }
    }
}
