package dev.jury.judges.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.labels.SourceType;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Log feedback (MLflow {@code log_feedback}): one label as a JSON object, or many as a JSON array. A bulk request
 * stores every valid item and reports the others by index, like the ingest API; it is refused as a whole (422) only
 * when no item could be stored.
 */
@Path("/api/v1/experiments/{exp}/assessments")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FeedbackApi {

    /** More items than this in one request are refused (413): split the upload. */
    static final int MAX_ITEMS = 10_000;
    static final int MAX_SOURCE_ID = 255;

    @Inject
    FeedbackService feedback;

    @Inject
    CurrentUser user;

    public record Created(long assessmentId, Long supersedes, String name, String value, int rubricVersion) {
    }

    public record BulkItem(int index, long assessmentId, Long supersedes) {
    }

    public record BulkCreated(int created, long superseded, List<FeedbackService.ItemError> errors,
                              List<BulkItem> assessments) {
    }

    @POST
    public Response log(@PathParam("exp") String exp, JsonNode body) {
        if (body != null && body.isArray()) {
            return logAll(exp, body);
        }
        List<FeedbackService.ItemError> problems = new ArrayList<>();
        FeedbackService.Label label = parse(0, body, problems);
        if (label == null) {
            var errors = problems.stream().map(p -> Problem.FieldError.field(p.field(), p.message())).toList();
            throw ProblemException.invalid(errors.size() == 1 ? errors.get(0).message()
                    : "The assessment has " + errors.size() + " problems, first: " + errors.get(0).message(), errors);
        }
        var stored = feedback.log(exp, label, user.username());
        return Response.status(201).entity(new Created(stored.assessmentId(), stored.supersedes(), stored.name(),
                stored.value(), stored.rubricVersion())).build();
    }

    private Response logAll(String exp, JsonNode array) {
        if (array.isEmpty()) {
            throw ProblemException.invalid("items", "The array is empty; send at least one assessment.");
        }
        if (array.size() > MAX_ITEMS) {
            throw new ProblemException(413, "Too many items", "A request may log at most " + MAX_ITEMS
                    + " assessments; this one has " + array.size() + ". Split it.", List.of());
        }
        List<FeedbackService.Label> labels = new ArrayList<>();
        List<FeedbackService.ItemError> refused = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            List<FeedbackService.ItemError> problems = new ArrayList<>();
            FeedbackService.Label label = parse(i, array.get(i), problems);
            if (label == null) {
                refused.add(problems.get(0));
            } else {
                labels.add(label);
            }
        }
        var result = feedback.logAll(exp, labels, refused, user.username());
        if (result.stored().isEmpty()) {
            var errors = result.errors().stream()
                    .map(e -> Problem.FieldError.field("[" + e.index() + "]." + e.field(), e.message())).toList();
            throw ProblemException.invalid("None of the " + array.size() + " assessments was stored; the first "
                    + "problem (item " + result.errors().get(0).index() + "): " + result.errors().get(0).message(),
                    errors);
        }
        var items = result.stored().stream().map(s -> new BulkItem(s.index(), s.assessmentId(), s.supersedes()))
                .toList();
        return Response.status(201).entity(new BulkCreated(items.size(), result.superseded(), result.errors(), items))
                .build();
    }

    /** One item, or {@code null} with its shape problems added to {@code problems}. */
    static FeedbackService.Label parse(int index, JsonNode item, List<FeedbackService.ItemError> problems) {
        if (item == null || !item.isObject()) {
            problems.add(new FeedbackService.ItemError(index, "item", "An assessment is a JSON object {trace_id, name, "
                    + "value, rationale?, source_type, source_id, metadata?}."));
            return null;
        }
        int before = problems.size();
        Long traceId = traceId(index, item.get("trace_id"), problems);
        String name = text(item.get("name"));
        if (name == null || name.isBlank()) {
            problems.add(new FeedbackService.ItemError(index, "name", "name is required: the judge (and rubric) "
                    + "name the label is for, e.g. product_quality."));
        }
        JsonNode value = item.get("value");
        if (value == null || value.isNull() || value.isContainerNode()
                || (value.isTextual() && value.asText().isBlank())) {
            problems.add(new FeedbackService.ItemError(index, "value", "value is required: one of the rubric's "
                    + "values, as a string (or a number for a numeric rubric)."));
        }
        SourceType sourceType = sourceType(index, item.get("source_type"), problems);
        String sourceId = text(item.get("source_id"));
        if (sourceId == null || sourceId.isBlank()) {
            problems.add(new FeedbackService.ItemError(index, "source_id", "source_id is required: who or what gave "
                    + "the label, e.g. ground_truth_dataset or a reviewer's id."));
        } else if (sourceId.length() > MAX_SOURCE_ID) {
            problems.add(new FeedbackService.ItemError(index, "source_id", "source_id is " + sourceId.length()
                    + " characters long; at most " + MAX_SOURCE_ID + " are allowed."));
        }
        JsonNode rationale = item.get("rationale");
        if (rationale != null && !rationale.isNull() && !rationale.isTextual()) {
            problems.add(new FeedbackService.ItemError(index, "rationale", "rationale must be a string."));
        }
        JsonNode metadata = item.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            problems.add(new FeedbackService.ItemError(index, "metadata", "metadata must be a JSON object."));
        }
        if (problems.size() > before) {
            return null;
        }
        return new FeedbackService.Label(index, traceId, name.strip(), value,
                rationale == null || rationale.isNull() ? null : rationale.asText(), sourceType, sourceId.strip(),
                metadata == null || metadata.isNull() ? null : metadata);
    }

    private static Long traceId(int index, JsonNode node, List<FeedbackService.ItemError> problems) {
        if (node != null && node.canConvertToExactIntegral() && node.asLong() > 0) {
            return node.asLong();
        }
        if (node != null && node.isTextual() && node.asText().strip().matches("[0-9]{1,18}")) {
            return Long.parseLong(node.asText().strip());
        }
        problems.add(new FeedbackService.ItemError(index, "trace_id", "trace_id is required: the id of a trace of "
                + "this experiment (a positive whole number)" + (node == null ? "" : "; got " + node) + "."));
        return null;
    }

    private static SourceType sourceType(int index, JsonNode node, List<FeedbackService.ItemError> problems) {
        String text = text(node);
        String upper = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("HUMAN") || upper.equals("CODE")) {
            return SourceType.valueOf(upper);
        }
        String message = upper.equals("LLM_JUDGE")
                ? "source_type LLM_JUDGE is reserved for judge runs; logged feedback is HUMAN or CODE."
                : "source_type must be HUMAN or CODE" + (text == null ? "" : "; got '" + text + "'") + ".";
        problems.add(new FeedbackService.ItemError(index, "source_type", message));
        return null;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }
}
