package dev.jury.registry;

import dev.jury.agreement.report.AgreementDocument;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.JudgeVersionView;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;
import java.util.Map;

/**
 * The registry's pages beside the judge page: confirm and register a version, confirm and roll back, start an
 * evaluation and read its results, compare two versions. Forms post and redirect with a flash message (no
 * JavaScript needed); a refusal is shown on the same page, next to what was asked.
 */
@Path("/experiments/{exp}/judges/{name}")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class RegistryResource {


    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    RegistryService registry;

    @Inject
    EvaluationService evaluations;

    @Inject
    CurrentUser user;

    /** A version as the registry pages show it. */
    public record VersionView(int version, String model, String params, String tags, String heldOut,
                              String instructions, List<String> aliases, List<JudgeVersionView.DemoView> demos,
                              String createdBy, java.time.Instant createdAt, AgreementDocument.Judge vsConsensus,
                              Long alignmentRun, String memory, List<dev.jury.judges.memory.Guideline> guidelines,
                              JudgeVersionView.HeldOutCheck heldOutCheck) {

        public boolean registered() {
            return aliases.contains("registered");
        }
    }


    @CheckedTemplate
    static class Templates {
        static native TemplateInstance confirmRegister(Experiment experiment, String judge, VersionView target,
                                                       VersionView current, String error);

        static native TemplateInstance confirmRollback(Experiment experiment, String judge, VersionView current,
                                                       VersionView target, String error);

        static native TemplateInstance evaluation(Experiment experiment, String judge,
                                                  EvaluationService.Evaluation evaluation, String error);

        static native TemplateInstance compare(Experiment experiment, String judge, VersionView a, VersionView b,
                                               List<LineDiff.Line> diff, boolean changed);
    }

    // ---- register --------------------------------------------------------------------------------------------

    @GET
    @Path("versions/{n}/register")
    public TemplateInstance confirmRegister(@PathParam("exp") String exp, @PathParam("name") String name,
                                            @PathParam("n") String n) {
        return registerPage(exp, name, RegistryApi.version(exp, name, n), null);
    }

    @POST
    @Path("versions/{n}/register")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@PathParam("exp") String exp, @PathParam("name") String name, @PathParam("n") String n) {
        int version = RegistryApi.version(exp, name, n);
        try {
            var result = registry.register(exp, name, version, user.username());
            return Flash.redirect(judgePath(exp, name), !result.moved()
                    ? "Version " + version + " was already the registered version."
                    : "Registered version " + version + " of judge '" + name + "'"
                    + (result.fromVersion() == null ? "." : " (was version " + result.fromVersion() + ")."));
        } catch (ProblemException e) {
            if (e.status() == 404 && !hasVersion(exp, name, version)) {
                throw e;
            }
            return Response.status(e.status()).entity(registerPage(exp, name, version, e.getMessage())).build();
        }
    }

    // ---- roll back -------------------------------------------------------------------------------------------

    @GET
    @Path("registered/rollback")
    public Response confirmRollback(@PathParam("exp") String exp, @PathParam("name") String name) {
        String refusal = registry.rollbackRefusal(exp, name);
        return Response.status(refusal == null ? 200 : 409).entity(rollbackPage(exp, name, refusal)).build();
    }

    @POST
    @Path("registered/rollback")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rollback(@PathParam("exp") String exp, @PathParam("name") String name) {
        try {
            var result = registry.rollback(exp, name, user.username());
            return Flash.redirect(judgePath(exp, name), "Rolled back judge '" + name + "' from version "
                    + result.fromVersion() + " to version " + result.registeredVersion() + ".");
        } catch (ProblemException e) {
            if (e.status() != 409) {
                throw e;
            }
            return Response.status(409).entity(rollbackPage(exp, name, e.getMessage())).build();
        }
    }

    // ---- evaluate --------------------------------------------------------------------------------------------

    /** Evaluates a version on every trace with a human label of the judge's name (the form has no other choice). */
    @POST
    @Path("versions/{n}/evaluate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response evaluate(@PathParam("exp") String exp, @PathParam("name") String name, @PathParam("n") String n) {
        int version = RegistryApi.version(exp, name, n);
        try {
            long job = evaluations.start(exp, name, version, null, null, user.username());
            return Flash.redirect(evaluationPath(exp, name, version), "Evaluation of version " + version
                    + " started (job " + job + ").");
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Response.status(422).entity(Templates.evaluation(experiments.get(exp), name,
                    evaluations.evaluation(exp, name, version), e.getMessage())).build();
        }
    }

    @GET
    @Path("versions/{n}/evaluation")
    public TemplateInstance evaluation(@PathParam("exp") String exp, @PathParam("name") String name,
                                       @PathParam("n") String n) {
        int version = RegistryApi.version(exp, name, n);
        return Templates.evaluation(experiments.get(exp), name, evaluations.evaluation(exp, name, version), null);
    }

    // ---- compare ---------------------------------------------------------------------------------------------

    @GET
    @Path("compare")
    public TemplateInstance compare(@PathParam("exp") String exp, @PathParam("name") String name,
                                    @RestQuery String a, @RestQuery String b) {
        Experiment experiment = experiments.get(exp);
        Map<Integer, AgreementDocument.Judge> numbers = evaluations.byVersion(exp, name);
        VersionView left = view(judges.resolve(exp, name, blank(a) ? "registered" : a.strip()), numbers);
        VersionView right = view(judges.resolve(exp, name, blank(b) ? "latest" : b.strip()), numbers);
        List<LineDiff.Line> diff = LineDiff.diff(left.instructions(), right.instructions());
        return Templates.compare(experiment, name, left, right, diff, LineDiff.changed(diff));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private TemplateInstance registerPage(String exp, String name, int version, String error) {
        Experiment experiment = experiments.get(exp);
        Map<Integer, AgreementDocument.Judge> numbers = evaluations.byVersion(exp, name);
        VersionView target = view(judges.resolve(exp, name, String.valueOf(version)), numbers);
        Integer current = registry.registeredVersion(exp, name);
        VersionView now = current == null ? null : view(judges.resolve(exp, name, String.valueOf(current)), numbers);
        return Templates.confirmRegister(experiment, name, target, now, error);
    }

    private TemplateInstance rollbackPage(String exp, String name, String refusal) {
        Experiment experiment = experiments.get(exp);
        Map<Integer, AgreementDocument.Judge> numbers = evaluations.byVersion(exp, name);
        Integer current = registry.registeredVersion(exp, name);
        VersionView now = current == null ? null : view(judges.resolve(exp, name, String.valueOf(current)), numbers);
        VersionView target = registry.rollbackPlan(exp, name)
                .map(p -> view(judges.resolve(exp, name, String.valueOf(p.to())), numbers)).orElse(null);
        return Templates.confirmRollback(experiment, name, now, target, refusal);
    }

    private boolean hasVersion(String exp, String name, int version) {
        try {
            judges.resolve(exp, name, String.valueOf(version));
            return true;
        } catch (ProblemException e) {
            return false;
        }
    }

    private VersionView view(JudgeVersion v, Map<Integer, AgreementDocument.Judge> numbers) {
        List<String> aliases = judges.aliases(v.judge.id).getOrDefault(v.version, List.of());
        var memory = v.memory();
        return new VersionView(v.version, v.model, JudgeVersionView.describe(v.inferenceParams),
                JudgeVersionView.describe(v.tags), JudgeVersionView.heldOut(v.tags), v.instructions, aliases,
                JudgeVersionView.demos(v), v.createdBy, v.createdAt,
                numbers.get(v.version), alignmentRun(v.tags), memory == null ? null : memory.describe(),
                memory == null ? List.of() : memory.guidelines(), JudgeVersionView.heldOutCheck(v.tags));
    }

    /** The alignment run that made the version ({@code alignment_run_id} tag), whose page has its held-out detail. */
    static Long alignmentRun(Map<String, Object> tags) {
        Object id = tags == null ? null : tags.get("alignment_run_id");
        if (id instanceof Number n) {
            return n.longValue();
        }
        try {
            return id == null ? null : Long.valueOf(id.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String judgePath(String exp, String name) {
        return "/experiments/" + exp + "/judges/" + name;
    }

    static String evaluationPath(String exp, String name, int version) {
        return judgePath(exp, name) + "/versions/" + version + "/evaluation";
    }
}
