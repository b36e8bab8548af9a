package dev.jury.traces.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.traces.ingest.InvalidTraceException;
import dev.jury.traces.ingest.TraceFields;

import java.util.Locale;
import java.util.Map;

/**
 * The shape in which Jury stores an OpenTelemetry span in {@code trace.spans}: MLflow 3's span layout (the one the
 * MLflow import keeps), with hex ids as OTLP/JSON spells them, attribute values as JSON values, and
 * {@code span_type} — MLflow's span type when the span says what it is:
 * <pre>{"trace_id", "span_id", "parent_span_id", "name", "kind", "span_type"?, "start_time_unix_nano",
 *  "end_time_unix_nano", "attributes": {…}, "events": [{"name", "time_unix_nano", "attributes"}],
 *  "status": {"code", "message"}, "trace_state"?, "scope"?}</pre>
 * Every string that goes in is checked here: PostgreSQL cannot store NUL, and half a surrogate pair is no character.
 */
final class SpanJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    static final String[] KINDS = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
    static final String[] STATUS_CODES = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};

    static final String MLFLOW_SPAN_TYPE = "mlflow.spanType";
    static final String OPENINFERENCE_KIND = "openinference.span.kind";
    static final String GEN_AI_OPERATION = "gen_ai.operation.name";

    /** GenAI {@code gen_ai.operation.name} values and the MLflow span type each stands for. */
    static final Map<String, String> OPERATION_TYPES = Map.of(
            "chat", "CHAT_MODEL", "text_completion", "LLM", "generate_content", "LLM", "embeddings", "EMBEDDING",
            "execute_tool", "TOOL", "invoke_agent", "AGENT", "create_agent", "AGENT", "retrieval", "RETRIEVER");

    private SpanJson() {
    }

    static final int HEX_TRACE_ID = 32;
    static final int HEX_SPAN_ID = 16;

    /** Lower-case hex of an id, or a reason it is no id: empty, wrong length, all zero (OTLP calls that invalid). */
    static String traceId(String hex) throws InvalidTraceException {
        return id("trace id", hex, HEX_TRACE_ID, false);
    }

    static String spanId(String hex) throws InvalidTraceException {
        return id("span id", hex, HEX_SPAN_ID, false);
    }

    /** The parent span id; empty for a root span. */
    static String parentSpanId(String hex) throws InvalidTraceException {
        return id("parent span id", hex, HEX_SPAN_ID, true);
    }

    private static String id(String what, String hex, int length, boolean emptyAllowed) throws InvalidTraceException {
        if (hex == null || hex.isEmpty()) {
            if (emptyAllowed) {
                return "";
            }
            throw new InvalidTraceException("A span has no " + what + ".");
        }
        if (hex.length() != length) {
            throw new InvalidTraceException("A span's " + what + " '" + printable(hex) + "' is not " + length
                    + " hex digits (" + length / 2 + " bytes).");
        }
        boolean zero = true;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (Character.digit(c, 16) < 0) {
                throw new InvalidTraceException("A span's " + what + " '" + printable(hex) + "' is not hexadecimal.");
            }
            zero &= c == '0';
        }
        if (zero) {
            if (emptyAllowed) {
                return ""; // some senders write an all-zero parent for a root span
            }
            throw new InvalidTraceException("A span's " + what + " is all zeros, which OTLP defines as invalid.");
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    static String hex(byte[] bytes) {
        var hex = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            hex[2 * i] = Character.forDigit((bytes[i] >> 4) & 0xF, 16);
            hex[2 * i + 1] = Character.forDigit(bytes[i] & 0xF, 16);
        }
        return new String(hex);
    }

    /** A string from the request, refused when it holds NUL or an unpaired surrogate; {@code where} names it. */
    static String text(String where, String value) throws InvalidTraceException {
        if (!clean(value)) {
            throw unclean(where, value);
        }
        return value;
    }

    /** No NUL and no unpaired surrogate (null is clean): checked before any message is built, on the hot path. */
    static boolean clean(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isSurrogate(c)) {
                return value.indexOf('\0', i) < 0 && !TraceFields.hasUnpairedSurrogate(value);
            }
        }
        return true;
    }

    static InvalidTraceException unclean(String where, String value) {
        if (value.indexOf('\0') >= 0) {
            return new InvalidTraceException(printable(where) + " contains a NUL character (\\u0000), which cannot be stored.");
        }
        return new InvalidTraceException(printable(where) + " contains an unpaired UTF-16 surrogate (such as \\ud800), "
                + "which is not a character and cannot be stored.");
    }

    /** A value for a message: NUL and lone surrogates made visible, long values cut. */
    static String printable(String s) {
        String clean = s.replace("\0", "\\u0000").replaceAll("[\\uD800-\\uDFFF]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }

    static String kind(int number) {
        return number >= 0 && number < KINDS.length ? KINDS[number] : "SPAN_KIND_UNSPECIFIED";
    }

    static String statusCode(int number) {
        return number >= 0 && number < STATUS_CODES.length ? STATUS_CODES[number] : "STATUS_CODE_UNSET";
    }

    /** A non-finite double is no JSON number (and jsonb refuses it): kept as its name. */
    static JsonNode number(double value) {
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Double.toString(value));
    }

    static ObjectNode span(String traceId, String spanId, String parentSpanId, String name, String kind,
                           long start, long end, ObjectNode attributes, ArrayNode events, String statusCode,
                           String statusMessage, String traceState, String scope) {
        ObjectNode span = NODES.objectNode();
        span.put("trace_id", traceId);
        span.put("span_id", spanId);
        span.put("parent_span_id", parentSpanId);
        span.put("name", name);
        span.put("kind", kind);
        String type = spanType(attributes);
        if (type != null) {
            span.put("span_type", type);
        }
        span.put("start_time_unix_nano", start);
        span.put("end_time_unix_nano", end);
        span.set("attributes", attributes);
        span.set("events", events);
        ObjectNode status = span.putObject("status");
        status.put("code", statusCode);
        status.put("message", statusMessage == null ? "" : statusMessage);
        if (traceState != null && !traceState.isEmpty()) {
            span.put("trace_state", traceState);
        }
        if (scope != null && !scope.isEmpty()) {
            span.put("scope", scope);
        }
        return span;
    }

    static ObjectNode event(String name, long time, ObjectNode attributes) {
        ObjectNode event = NODES.objectNode();
        event.put("name", name);
        event.put("time_unix_nano", time);
        event.set("attributes", attributes);
        return event;
    }

    /**
     * What the span is, in MLflow's words (LLM, CHAT_MODEL, RETRIEVER, TOOL, AGENT, EMBEDDING, CHAIN, …):
     * {@code mlflow.spanType} (a JSON-encoded string, as MLflow writes it), else {@code openinference.span.kind},
     * else the MLflow type for the GenAI {@code gen_ai.operation.name}; null when none says.
     */
    static String spanType(ObjectNode attributes) {
        JsonNode mlflow = attributes.get(MLFLOW_SPAN_TYPE);
        if (mlflow != null && mlflow.isTextual() && !mlflow.asText().isBlank()) {
            String raw = mlflow.asText().trim();
            if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
                try {
                    raw = MAPPER.readValue(raw, String.class);
                } catch (JsonProcessingException notJson) {
                    // a bare value: keep it as it is
                }
            }
            return upper(raw);
        }
        JsonNode openInference = attributes.get(OPENINFERENCE_KIND);
        if (openInference != null && openInference.isTextual() && !openInference.asText().isBlank()) {
            return upper(openInference.asText());
        }
        JsonNode operation = attributes.get(GEN_AI_OPERATION);
        if (operation != null && operation.isTextual()) {
            return OPERATION_TYPES.get(operation.asText());
        }
        return null;
    }

    private static String upper(String s) {
        String trimmed = s.trim();
        return (trimmed.length() > 64 ? trimmed.substring(0, 64) : trimmed).toUpperCase(Locale.ROOT);
    }
}
