package dev.jury.production;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.Set;

/**
 * A judge's online scoring as JSON (docs/production.md#online-scoring): {@code GET} the settings with what was
 * scored and what it cost, {@code PUT} {@code {enabled?, sample_rate?, filter?}} to change them (a missing field
 * keeps its value). Bad input is a 422 problem naming each field.
 */
@Path("/api/v1/experiments/{exp}/judges/{name}/online-scoring")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class OnlineScoringApi {

    private static final Set<String> FIELDS = Set.of("enabled", "sample_rate", "filter");

    @Inject
    OnlineScoringService service;

    @Inject
    CurrentUser user;

    @GET
    public OnlineScoringService.Settings get(@PathParam("exp") String exp, @PathParam("name") String name) {
        return service.get(exp, name);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public OnlineScoringService.Settings put(@PathParam("exp") String exp, @PathParam("name") String name,
                                             JsonNode body) {
        return service.update(exp, name, change(body), user.username());
    }

    /** Read by hand so that a wrong type is a 422 naming the field, not a generic 400. */
    static OnlineScoringService.Change change(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("enabled", "Send a JSON object: {enabled?, sample_rate?, filter?}.");
        }
        var errors = new ArrayList<Problem.FieldError>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                errors.add(Problem.FieldError.field(field, "Unknown field '" + field
                        + "'; the fields are enabled, sample_rate and filter."));
            }
        }
        Boolean enabled = null;
        JsonNode e = body.get("enabled");
        if (e != null && !e.isNull()) {
            if (e.isBoolean()) {
                enabled = e.booleanValue();
            } else {
                errors.add(Problem.FieldError.field("enabled", "enabled is true or false."));
            }
        }
        Double rate = null;
        JsonNode r = body.get("sample_rate");
        if (r != null && !r.isNull()) {
            if (r.isNumber()) {
                rate = r.doubleValue();
            } else {
                errors.add(Problem.FieldError.field("sample_rate", "sample_rate is a number from 0 to 1."));
            }
        }
        String filter = null;
        JsonNode f = body.get("filter");
        if (f != null && !f.isNull()) {
            if (f.isTextual()) {
                filter = f.textValue();
            } else {
                errors.add(Problem.FieldError.field("filter", "filter is a string, e.g. \"tags.env = 'prod'\"."));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
        return new OnlineScoringService.Change(enabled, rate, filter);
    }
}
