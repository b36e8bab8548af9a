package dev.jury.security;

import dev.jury.web.Htmx;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/**
 * The rest of an audit trail: the judge, rubric and queue pages show its newest fifty events, and their "Load more"
 * asks here for the fifty after the last one shown (htmx appends them; without JavaScript this is a page).
 */
@Path("/audit")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class AuditResource {

    @Inject
    AuditLog audit;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance trail(String targetType, String targetId, AuditLog.Trail trail);

        /** One page of events and the "Load more" item after them. */
        static native TemplateInstance trail$events(String targetType, String targetId, AuditLog.Trail trail);
    }

    @GET
    public Response trail(@RestQuery("target_type") String targetType, @RestQuery("target_id") String targetId,
                          @RestQuery String before, @Context HttpHeaders headers) {
        String type = required("target_type", targetType);
        String id = required("target_id", targetId);
        var trail = audit.page(type, id, cursor(before), AuditLog.PAGE);
        return Htmx.page(headers, () -> Templates.trail(type, id, trail),
                () -> Templates.trail$events(type, id, trail)).build();
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw badRequest(field, "'" + field + "' names the thing whose audit trail to show.");
        }
        return value.strip();
    }

    private static Long cursor(String before) {
        if (before == null || before.isBlank()) {
            return null;
        }
        String text = before.strip();
        if (text.matches("[0-9]{1,18}") && Long.parseLong(text) > 0) {
            return Long.parseLong(text);
        }
        throw badRequest("before", "'before' must be the id of an audit event from a \"Load more\" link.");
    }

    private static ProblemException badRequest(String field, String message) {
        return new ProblemException(400, "Bad request", message, List.of(Problem.FieldError.field(field, message)));
    }
}
