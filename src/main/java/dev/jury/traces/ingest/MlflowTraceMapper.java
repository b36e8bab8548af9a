package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.labels.SourceType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps one MLflow trace as written by {@code Trace.to_json()} — {@code {"info": {...}, "data": {"spans": [...]}}} —
 * onto a Jury trace. MLflow 3 ({@code info.trace_id}, {@code info.assessments}) and MLflow 2
 * ({@code info.request_id}) info blocks are both read; spans in the MLflow 3 ({@code parent_span_id}) and
 * MLflow 2 ({@code parent_id}) layouts too.
 * <ul>
 *   <li>inputs/outputs: the root span's {@code mlflow.spanInputs}/{@code mlflow.spanOutputs} attributes (JSON-encoded
 *   strings), else {@code info.request_preview}/{@code response_preview}, else {@code data.request}/{@code response};</li>
 *   <li>the MLflow trace id is the client request id, so a re-import stores nothing twice;</li>
 *   <li>feedback becomes assessments (booleans as yes/no, other scalars as text, lists/objects as JSON), with
 *   source type, source id, rationale, validity, creation time and error; expectations become the trace's
 *   {@code expectations} object keyed by name.</li>
 * </ul>
 */
public final class MlflowTraceMapper {

    static final String INPUTS = "mlflow.spanInputs";
    static final String OUTPUTS = "mlflow.spanOutputs";
    /** MLflow's own default when an assessment source names nobody. */
    static final String DEFAULT_SOURCE_ID = "default";
    static final int MAX_NAME_LENGTH = 64;

    private final ObjectMapper mapper;

    public MlflowTraceMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public TraceDraft map(JsonNode trace) throws InvalidTraceException {
        if (trace == null || !trace.isObject() || !trace.path("info").isObject()) {
            throw new InvalidTraceException("An MLflow trace is an object with 'info' and 'data' (Trace.to_json()), got "
                    + TraceFields.describe(trace) + (trace != null && trace.isObject() ? " without 'info'" : "") + ".");
        }
        JsonNode info = trace.get("info");
        JsonNode data = trace.path("data");
        String traceId = text(info, "trace_id");
        if (traceId == null) {
            traceId = text(info, "request_id");
        }
        if (traceId == null || traceId.isBlank()) {
            throw new InvalidTraceException("'info.trace_id' is missing: every MLflow trace has one.");
        }
        TraceFields.checkedId("info.trace_id", traceId);

        JsonNode spans = data.get("spans");
        if (spans != null && !spans.isArray()) {
            throw new InvalidTraceException("'data.spans' must be an array.");
        }
        JsonNode root = rootSpan(spans);
        JsonNode inputs = firstPresent(
                root == null ? null : decoded(root.path("attributes").get(INPUTS)),
                decoded(info.get("request_preview")),
                decoded(data.get("request")));
        JsonNode outputs = firstPresent(
                root == null ? null : decoded(root.path("attributes").get(OUTPUTS)),
                decoded(info.get("response_preview")),
                decoded(data.get("response")));
        if (inputs == null) {
            throw new InvalidTraceException("Trace " + abbreviate(traceId) + " has no inputs: its root span has no '"
                    + INPUTS + "' attribute and 'info.request_preview' is empty.");
        }
        if (outputs == null) {
            throw new InvalidTraceException("Trace " + abbreviate(traceId) + " has no outputs: its root span has no '"
                    + OUTPUTS + "' attribute and 'info.response_preview' is empty.");
        }

        var assessments = new ArrayList<AssessmentDraft>();
        ObjectNode expectations = mapper.createObjectNode();
        JsonNode list = info.get("assessments");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new InvalidTraceException("'info.assessments' must be an array.");
            }
            for (JsonNode assessment : list) {
                readAssessment(assessment, assessments, expectations);
            }
        }
        return new TraceDraft(traceId, inputs, outputs, expectations.isEmpty() ? null : expectations,
                spans == null || spans.isNull() ? null : spans, tags(info.get("tags")), traceId,
                storable(assessments));
    }

    private void readAssessment(JsonNode a, List<AssessmentDraft> feedback, ObjectNode expectations)
            throws InvalidTraceException {
        if (!a.isObject()) {
            throw new InvalidTraceException("Each entry of 'info.assessments' must be an object.");
        }
        String name = text(a, "assessment_name");
        if (name == null) {
            name = text(a, "name");
        }
        if (name == null || name.isBlank()) {
            throw new InvalidTraceException("An assessment has no 'assessment_name'.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidTraceException("Assessment name '" + abbreviate(name) + "' is longer than "
                    + MAX_NAME_LENGTH + " characters.");
        }
        if (a.hasNonNull("expectation")) {
            expectations.set(name, expectationValue(name, a.get("expectation")));
            return;
        }
        JsonNode fb = a.get("feedback");
        if (fb == null || !fb.isObject()) {
            throw new InvalidTraceException("Assessment '" + abbreviate(name) + "' has neither 'feedback' nor 'expectation'.");
        }
        JsonNode source = a.path("source");
        SourceType type = sourceType(name, text(source, "source_type"));
        String sourceId = text(source, "source_id");
        if (sourceId == null || sourceId.isBlank()) {
            sourceId = DEFAULT_SOURCE_ID;
        }
        TraceFields.checkedId("source.source_id", sourceId);
        String value = feedbackValue(fb.get("value"));
        String error = null;
        boolean valid = !a.has("valid") || a.get("valid").asBoolean(true);
        if (value == null) {
            JsonNode err = fb.get("error");
            if (err == null || err.isNull()) {
                throw new InvalidTraceException("Feedback '" + abbreviate(name) + "' has neither a value nor an error.");
            }
            String code = text(err, "error_code");
            String message = text(err, "error_message");
            error = (code == null ? "" : code + ": ") + (message == null ? "" : message);
            if (error.isBlank()) {
                error = "error without a message";
            }
            valid = false;
        }
        feedback.add(new AssessmentDraft(name, value, text(a, "rationale"), type, sourceId, error, valid,
                time(a), text(a, "assessment_id"), text(a, "overrides")));
    }

    /**
     * Makes the imported set storable under the shared schema: an assessment another one overrides is not valid
     * (MLflow's own rule), and only one valid LLM_JUDGE row per trace may carry a source id — a second judge name
     * from the same source gets {@code source_id#name}, a second verdict of the same name is kept as invalid.
     */
    static List<AssessmentDraft> storable(List<AssessmentDraft> drafts) {
        var overridden = new HashSet<String>();
        for (var d : drafts) {
            if (d.overrides() != null) {
                overridden.add(d.overrides());
            }
        }
        var judgeSources = new HashMap<String, String>(); // source id -> name holding it
        var result = new ArrayList<AssessmentDraft>(drafts.size());
        for (var d : drafts) {
            boolean valid = d.valid() && !(d.externalId() != null && overridden.contains(d.externalId()));
            String sourceId = d.sourceId();
            if (valid && d.sourceType() == SourceType.LLM_JUDGE) {
                String holder = judgeSources.get(sourceId);
                if (holder != null && !holder.equals(d.name())) {
                    sourceId = abbreviateId(sourceId + "#" + d.name());
                    holder = judgeSources.get(sourceId);
                }
                if (holder != null) {
                    valid = false;
                } else {
                    judgeSources.put(sourceId, d.name());
                }
            }
            result.add(new AssessmentDraft(d.name(), d.value(), d.rationale(), d.sourceType(), sourceId, d.error(),
                    valid, d.createdAt(), d.externalId(), d.overrides()));
        }
        return result;
    }

    static SourceType sourceType(String name, String type) throws InvalidTraceException {
        if (type == null || type.isBlank() || type.equals("SOURCE_TYPE_UNSPECIFIED")) {
            return SourceType.CODE; // MLflow's default source for feedback
        }
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "HUMAN" -> SourceType.HUMAN;
            case "LLM_JUDGE", "AI_JUDGE" -> SourceType.LLM_JUDGE; // AI_JUDGE is MLflow's deprecated name
            case "CODE" -> SourceType.CODE;
            default -> throw new InvalidTraceException("Assessment '" + abbreviate(name) + "' has an unknown source type '"
                    + abbreviate(type) + "' (HUMAN, LLM_JUDGE or CODE).");
        };
    }

    /** Feedback values as labels: {@code true/false} → {@code yes/no}, numbers without a spurious {@code .0}. */
    public static String feedbackValue(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isNumber()) {
            BigDecimal number = value.decimalValue().stripTrailingZeros();
            return number.scale() <= 0 ? number.toBigInteger().toString() : number.toPlainString();
        }
        return value.toString();
    }

    private JsonNode expectationValue(String name, JsonNode expectation) throws InvalidTraceException {
        if (expectation.has("value")) {
            return expectation.get("value");
        }
        JsonNode serialized = expectation.get("serialized_value");
        if (serialized != null && serialized.hasNonNull("value")) {
            String format = text(serialized, "serialization_format");
            if (format != null && !format.equals("JSON_FORMAT")) {
                throw new InvalidTraceException("Expectation '" + abbreviate(name) + "' uses serialization format '"
                        + abbreviate(format) + "'; only JSON_FORMAT is known.");
            }
            try {
                return mapper.readTree(serialized.get("value").asText());
            } catch (JsonProcessingException e) {
                throw new InvalidTraceException("Expectation '" + abbreviate(name) + "': " + JsonErrors.describe(e));
            }
        }
        throw new InvalidTraceException("Expectation '" + abbreviate(name) + "' has no value.");
    }

    /** The span without a parent (MLflow 3: empty {@code parent_span_id}; MLflow 2: null {@code parent_id}). */
    static JsonNode rootSpan(JsonNode spans) {
        if (spans == null || !spans.isArray()) {
            return null;
        }
        for (JsonNode span : spans) {
            if (blank(span.get("parent_span_id")) && blank(span.get("parent_id"))) {
                return span;
            }
        }
        return null;
    }

    /** Span attributes and previews are JSON-encoded strings; see {@link EncodedJson}. */
    private JsonNode decoded(JsonNode attribute) {
        return EncodedJson.decode(attribute, mapper);
    }

    private static Map<String, String> tags(JsonNode tags) {
        var result = new LinkedHashMap<String, String>();
        if (tags != null && tags.isObject()) {
            tags.fields().forEachRemaining(e -> {
                if (!e.getKey().isEmpty() && !e.getValue().isNull()) {
                    result.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
                }
            });
        }
        return result;
    }

    private static Instant time(JsonNode a) throws InvalidTraceException {
        JsonNode created = a.get("create_time");
        if (created != null && created.isTextual()) {
            try {
                return Instant.parse(created.asText());
            } catch (DateTimeParseException e) {
                throw new InvalidTraceException("Assessment 'create_time' is not an RFC 3339 time: '"
                        + abbreviate(created.asText()) + "'.");
            }
        }
        JsonNode millis = a.has("create_time_ms") ? a.get("create_time_ms") : created;
        if (millis != null && millis.isNumber()) {
            return Instant.ofEpochMilli(millis.asLong());
        }
        return null;
    }

    private static JsonNode firstPresent(JsonNode... candidates) {
        for (JsonNode c : candidates) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static boolean blank(JsonNode node) {
        return node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String abbreviate(String s) {
        return TraceFields.abbreviate(s);
    }

    private static String abbreviateId(String s) {
        return s.length() > TraceFields.MAX_ID_LENGTH ? s.substring(0, TraceFields.MAX_ID_LENGTH) : s;
    }
}
