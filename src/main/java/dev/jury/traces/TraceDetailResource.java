package dev.jury.traces;

import dev.jury.labels.Assessment;
import dev.jury.labels.SourceType;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricValues;
import dev.jury.experiments.Experiment;
import dev.jury.security.Roles;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** One trace, readably: inputs, outputs and expectations as text, chat turns or pretty JSON; every assessment. */
@Path("/traces")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class TraceDetailResource {

    @Inject
    TraceService traces;

    @Inject
    RubricService rubrics;

    public record DetailView(Trace trace, Experiment experiment, TraceContent inputs, TraceContent outputs,
                             TraceContent expectations, Map<String, String> tags, TraceContent spans, int spanCount,
                             List<Assessment> assessments, List<ExampleTarget> exampleTargets) {
    }

    /**
     * A rubric (= judge name) this trace can be an example for: its values, prefilled with the trace's current human
     * label of that name when there is one. The form posts to the judge's examples route (judges.run), which refuses
     * a name that has no judge.
     */
    public record ExampleTarget(String name, List<String> values, String value, String rationale) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance detail(DetailView view);
    }

    @GET
    @Path("{id}")
    public TemplateInstance detail(@PathParam("id") long id) {
        Trace trace = traces.get(id);
        Experiment experiment = traces.experimentOf(trace);
        List<Assessment> assessments = traces.assessments(trace.id);
        List<ExampleTarget> targets = rubrics.listCurrent(experiment.name).stream().map(rv -> {
            Assessment human = assessments.stream().filter(a -> a.sourceType == SourceType.HUMAN && a.valid
                    && !a.isSuperseded() && a.name.equals(rv.rubric.name)).reduce((a, b) -> b).orElse(null);
            return new ExampleTarget(rv.rubric.name, RubricValues.allowedValues(rv.spec()),
                    human == null ? "" : human.value, human == null || human.rationale == null ? "" : human.rationale);
        }).toList();
        return Templates.detail(new DetailView(trace, experiment, TraceContent.of(trace.inputs),
                TraceContent.of(trace.outputs), TraceContent.of(trace.expectations),
                trace.tags == null ? Map.of() : trace.tags,
                trace.spans == null ? null : new TraceContent("json", TraceContent.Text.of(TraceContent.pretty(trace.spans)), List.of(), null),
                trace.spans != null && trace.spans.isArray() ? trace.spans.size() : 0,
                assessments, targets));
    }
}
