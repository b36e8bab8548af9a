package dev.jury.rubrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rubrics as JSON: save (a new version only when the content changed), read the current or any version. */
@Path("/api/v1/experiments/{exp}/rubrics")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RubricApi {

    @Inject
    RubricService rubrics;

    @Inject
    CurrentUser user;

    /** One level as sent: {@code value} may be a JSON string or, for numeric rubrics, a number. */
    public record LevelBody(JsonNode value, String label, String definition, Boolean negative) {
    }

    /** The body of {@code PUT …/rubrics/{name}}; {@code rationale_required} defaults to true (design rule). */
    public record RubricBody(String kind, List<LevelBody> levels, String guidelines, Boolean rationaleRequired,
                             Integer minRationaleLength, JsonNode passThreshold) {
    }

    public record LevelView(String value, String label, String definition, boolean negative) {
    }

    /** A rubric version as the API returns it; also embedded in a judge version. */
    public record RubricView(String name, int version, String kind, List<LevelView> levels, List<String> allowedValues,
                             String guidelines, boolean rationaleRequired, int minRationaleLength,
                             BigDecimal passThreshold, String fingerprint, String createdBy, Instant createdAt) {

        public static RubricView of(RubricVersion v) {
            RubricSpec spec = v.spec();
            List<LevelView> levels = spec.levels().stream()
                    .map(l -> new LevelView(l.value(), l.label(), l.definition(), l.negative())).toList();
            return new RubricView(v.rubric.name, v.version, v.kindName(), levels, RubricValues.allowedValues(spec),
                    spec.guidelines(), spec.rationaleRequired(), spec.minRationaleLength(),
                    spec.passThreshold() == null ? null : new BigDecimal(v.passThresholdText()), // 10, not 1E+1
                    v.fingerprint, v.createdBy, v.createdAt);
        }
    }

    /** One line of the version history. */
    public record VersionSummary(int version, String kind, int levels, String fingerprint, String createdBy,
                                 Instant createdAt) {
    }

    @PUT
    @Path("{name}")
    public Response save(@PathParam("exp") String exp, @PathParam("name") String name, RubricBody body) {
        var saved = rubrics.save(exp, name, toSpec(body), user.username());
        var view = RubricView.of(saved.version());
        if (!saved.created()) {
            return Response.ok(view).build();
        }
        return Response.created(URI.create("/api/v1/experiments/" + exp + "/rubrics/" + name + "?version="
                + saved.version().version)).entity(view).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    public List<RubricView> list(@PathParam("exp") String exp) {
        return rubrics.listCurrent(exp).stream().map(RubricView::of).toList();
    }

    /** The current version, or {@code ?version=N}. */
    @GET
    @Path("{name}")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    public RubricView get(@PathParam("exp") String exp, @PathParam("name") String name,
                          @QueryParam("version") String version) {
        if (version == null || version.isBlank()) {
            return RubricView.of(rubrics.current(exp, name));
        }
        return RubricView.of(rubrics.version(exp, name, versionNumber(version)));
    }

    @GET
    @Path("{name}/versions")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    public List<VersionSummary> versions(@PathParam("exp") String exp, @PathParam("name") String name) {
        return rubrics.versions(exp, name).stream()
                .map(v -> new VersionSummary(v.version, v.kindName(), v.levels.size(), v.fingerprint, v.createdBy,
                        v.createdAt))
                .toList();
    }

    static int versionNumber(String text) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid("version", "'" + text + "' is not a version number; versions are 1, 2, 3, …");
    }

    private static RubricSpec toSpec(RubricBody body) {
        if (body == null) {
            throw ProblemException.invalid("kind", "Send the rubric as a JSON object: {kind, levels, guidelines, "
                    + "rationale_required, min_rationale_length?, pass_threshold?}.");
        }
        List<RubricLevel> levels = new ArrayList<>();
        if (body.levels() != null) {
            for (LevelBody level : body.levels()) {
                if (level == null) {
                    levels.add(new RubricLevel("", "", "", false));
                    continue;
                }
                String value = level.value() == null || level.value().isNull() ? "" : level.value().asText();
                levels.add(new RubricLevel(value, level.label(), level.definition(),
                        Boolean.TRUE.equals(level.negative())));
            }
        }
        return new RubricSpec(parseKind(body.kind()), levels, body.guidelines(),
                body.rationaleRequired() == null || body.rationaleRequired(),
                body.minRationaleLength() == null ? 0 : body.minRationaleLength(),
                parseThreshold(body.passThreshold()));
    }

    /** {@code null} for a missing kind, which the validator reports; an unknown spelling is refused here. */
    static RubricKind parseKind(String kind) {
        if (kind == null || kind.isBlank()) {
            return null;
        }
        try {
            return RubricKind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("kind", "'" + kind + "' is not a value type; choose categorical, boolean "
                    + "or numeric.");
        }
    }

    private static BigDecimal parseThreshold(JsonNode threshold) {
        if (threshold == null || threshold.isNull() || (threshold.isTextual() && threshold.asText().isBlank())) {
            return null;
        }
        BigDecimal value;
        try {
            // 1e400 parses to a double Infinity that no BigDecimal holds; as text it is a BigDecimal whose plain
            // form would have 400 digits (1e999999999: a gigabyte) — both refused below instead of a 500
            value = threshold.isNumber() && Double.isFinite(threshold.doubleValue()) ? threshold.decimalValue()
                    : new BigDecimal(threshold.asText().strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("pass_threshold", "The pass threshold must be a number, e.g. 3; got '"
                    + threshold.asText() + "'.");
        }
        if (value.precision() - value.scale() > 15 || value.scale() > 15) {
            throw ProblemException.invalid("pass_threshold", "The pass threshold must be a number between "
                    + "-10^15 and 10^15 with at most 15 decimals.");
        }
        return value;
    }
}
