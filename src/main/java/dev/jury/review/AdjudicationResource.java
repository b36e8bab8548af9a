package dev.jury.review;

import dev.jury.experiments.Experiment;
import dev.jury.rubrics.RubricSpec;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.traces.TraceContent;
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
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/**
 * An admin settles a trace the reviewers disagree on: every current human label side by side (admins may see who
 * gave it), the judge's verdict, and a final label from the rubric. The final label is a HUMAN assessment from
 * {@code adjudication:<admin>}; it decides the consensus of every queue of this judge that holds the trace.
 */
@Path("/experiments/{exp}/traces/{traceId}/adjudicate")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class AdjudicationResource {

    @Inject
    QueueService queues;

    @Inject
    QueueStats stats;

    @Inject
    CurrentUser user;

    public record AdjudicationView(Experiment experiment, long traceId, String name, Long queueId, String queueName,
                                   int rubricVersion, TraceContent inputs, TraceContent outputs,
                                   TraceContent expectations, List<QueueStats.HumanLabel> labels, String judgeValue,
                                   String judgeRationale, String judgeSource,
                                   List<LevelOption> levels, String guidelines,
                                   boolean rationaleRequired, String rationale, String valueError,
                                   String rationaleError, String action) {
        public boolean hasErrors() {
            return valueError != null || rationaleError != null;
        }

        public String backUrl() {
            return queueId == null ? "/traces/" + traceId : "/queues/" + queueId;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance adjudicate(AdjudicationView view);
    }

    @GET
    public TemplateInstance page(@PathParam("exp") String exp, @PathParam("traceId") long traceId,
                                 @RestQuery String name, @RestQuery String queue) {
        var target = queues.adjudicationTarget(exp, traceId, name, queueId(queue));
        var mine = stats.currentLabels(traceId, target.name()).stream()
                .filter(l -> l.sourceId().equals("adjudication:" + user.username())).findFirst();
        return Templates.adjudicate(view(target, mine.map(QueueStats.HumanLabel::value).orElse(null),
                mine.map(QueueStats.HumanLabel::rationale).orElse(""), null, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response save(@PathParam("exp") String exp, @PathParam("traceId") long traceId,
                         @RestQuery String name, @RestQuery String queue, @RestForm String value,
                         @RestForm String rationale) {
        var target = queues.adjudicationTarget(exp, traceId, name, queueId(queue));
        try {
            var label = queues.adjudicate(target, value, rationale, user.username());
            String message = "Trace #" + traceId + " adjudicated as '" + label.value + "'; consensus recomputed.";
            return Flash.redirect(target.queue() == null ? "/traces/" + traceId : "/queues/" + target.queue().id,
                    message);
        } catch (ProblemException e) {
            if (e.status() != 422) {
                throw e;
            }
            return Response.status(422).entity(Templates.adjudicate(view(target, value, rationale,
                    e.messageFor("value"), e.messageFor("rationale")))).build();
        }
    }

    private AdjudicationView view(QueueService.AdjudicationTarget target, String chosen, String rationale,
                                  String valueError, String rationaleError) {
        var trace = target.trace();
        RubricSpec spec = target.rubric().spec();
        var judge = stats.judgeVerdict(trace.id, target.name()).orElse(null);
        String action = "/experiments/" + target.experiment().name + "/traces/" + trace.id + "/adjudicate?name="
                + target.name() + (target.queue() == null ? "" : "&queue=" + target.queue().id);
        return new AdjudicationView(target.experiment(), trace.id, target.name(),
                target.queue() == null ? null : target.queue().id, target.queue() == null ? null : target.queue().name,
                target.rubric().version, TraceContent.of(trace.inputs), TraceContent.of(trace.outputs),
                TraceContent.of(trace.expectations), stats.currentLabels(trace.id, target.name()),
                judge == null ? null : judge.value, judge == null ? null : judge.rationale,
                judge == null ? null : judge.sourceId, LevelOption.listFor(spec, chosen), spec.guidelines(),
                spec.rationaleRequired(), rationale == null ? "" : rationale, valueError, rationaleError, action);
    }

    private static Long queueId(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.notFound("No review queue '" + raw + "'.");
        }
    }
}
