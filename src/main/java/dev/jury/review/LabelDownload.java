package dev.jury.review;

import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The queue page's download links: the same files as {@link LabelExport}, under the page's own path. The browser
 * session reaches pages only; {@code /api/**} takes bearer tokens (docs/security.md).
 */
@Path("/queues/{id}/labels.{format}")
@RolesAllowed(Roles.ADMIN)
public class LabelDownload {

    @Inject
    LabelExport export;

    @GET
    @Produces({"application/x-ndjson", "text/csv", MediaType.APPLICATION_JSON})
    public Response download(@PathParam("id") long id, @PathParam("format") String format) {
        return export.export(id, format);
    }
}
