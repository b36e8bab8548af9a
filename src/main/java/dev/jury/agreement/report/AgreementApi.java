package dev.jury.agreement.report;

import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The agreement report as JSON and CSV (api.md). Query: {@code name} (required unless {@code queue} implies it),
 * {@code queue} (id), {@code rubric_version}, {@code from}/{@code to} (date or instant; human labels given in that
 * window), {@code bootstrap} (resamples; 0 = no intervals, the fastest), {@code sort} (disagreement order),
 * {@code on} ({@code value}, the default, or {@code score}: the 1–5 score of a custom_score judge, ordinal).
 */
@Path("/api/v1/experiments/{exp}")
@RolesAllowed(Roles.ADMIN)
public class AgreementApi {

    @Inject
    AgreementService agreement;

    @GET
    @Path("agreement")
    @Produces(MediaType.APPLICATION_JSON)
    public AgreementDocument report(@PathParam("exp") String exp, @RestQuery String name, @RestQuery String queue,
                                    @RestQuery("rubric_version") String rubricVersion, @RestQuery String from,
                                    @RestQuery String to, @RestQuery String bootstrap, @RestQuery String sort,
                                    @RestQuery String on) {
        var query = AgreementQuery.parse(name, queue, rubricVersion, from, to, bootstrap, sort, on);
        return AgreementDocument.of(agreement.report(exp, query));
    }

    @GET
    @Path("agreement.csv")
    @Produces("text/csv")
    public Response csv(@PathParam("exp") String exp, @RestQuery String name, @RestQuery String queue,
                        @RestQuery("rubric_version") String rubricVersion, @RestQuery String from,
                        @RestQuery String to, @RestQuery String bootstrap, @RestQuery String on) {
        var query = AgreementQuery.parse(name, queue, rubricVersion, from, to, bootstrap, null, on);
        var doc = AgreementDocument.of(agreement.report(exp, query));
        return Response.ok(AgreementCsv.of(doc), "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName(doc, "csv") + "\"").build();
    }

    /** {@code agreement-demo-quality-v2.csv}: experiment and rubric names are [a-z0-9_-], safe in a header. */
    static String fileName(AgreementDocument doc, String extension) {
        return "agreement-" + doc.experiment() + "-" + doc.name() + "-v" + doc.rubricVersion()
                + ("score".equals(doc.on()) ? "-score" : "")
                + (doc.queue() == null ? "" : "-queue" + doc.queue().id()) + "." + extension;
    }
}
