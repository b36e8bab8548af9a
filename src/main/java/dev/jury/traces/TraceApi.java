package dev.jury.traces;

import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** One trace with every assessment on it (history included). */
@Path("/api/v1/traces")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class TraceApi {

    @Inject
    TraceService traces;

    @GET
    @Path("{id}")
    public TraceViews.TraceDetail get(@PathParam("id") long id) {
        Trace t = traces.get(id);
        var experiment = traces.experimentOf(t);
        return new TraceViews.TraceDetail(t.id, experiment == null ? null : experiment.name, t.clientRequestId,
                t.inputs, t.outputs, t.expectations, t.spans, t.tags == null ? Map.of() : t.tags, t.source,
                t.mlflowTraceId, t.createdAt,
                traces.assessments(t.id).stream().map(TraceViews.AssessmentView::of).toList());
    }
}
