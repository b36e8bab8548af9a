package dev.jury.traces;

import dev.jury.labels.Assessment;
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

    public record DetailView(Trace trace, Experiment experiment, TraceContent inputs, TraceContent outputs,
                             TraceContent expectations, Map<String, String> tags, TraceContent spans, int spanCount,
                             List<Assessment> assessments) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance detail(DetailView view);
    }

    @GET
    @Path("{id}")
    public TemplateInstance detail(@PathParam("id") long id) {
        Trace trace = traces.get(id);
        return Templates.detail(new DetailView(trace, traces.experimentOf(trace), TraceContent.of(trace.inputs),
                TraceContent.of(trace.outputs), TraceContent.of(trace.expectations),
                trace.tags == null ? Map.of() : trace.tags,
                trace.spans == null ? null : new TraceContent("json", TraceContent.Text.of(TraceContent.pretty(trace.spans)), List.of(), null),
                trace.spans != null && trace.spans.isArray() ? trace.spans.size() : 0,
                traces.assessments(trace.id)));
    }
}
