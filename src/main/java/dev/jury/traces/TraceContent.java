package dev.jury.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * How a trace value is shown to a person: a string as text, chat messages ({@code [{role, content}]} or
 * {@code {messages: [...]}}) as turns, anything else as pretty-printed JSON; text beyond {@link #COLLAPSE_AT}
 * characters is collapsed behind "show all". All text is passed through {@link Inert}; the template escapes it.
 */
public record TraceContent(String kind, Text body, List<Turn> turns, Text rest) {

    public static final int COLLAPSE_AT = 2000;
    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** One message of a conversation. */
    public record Turn(String role, Text content) {
    }

    /** Text to show, with its first {@link #COLLAPSE_AT} characters when it is long. */
    public record Text(String full, String preview, boolean collapsed, int length) {
        public static Text of(String raw) {
            String full = Inert.text(raw == null ? "" : raw);
            boolean collapsed = full.length() > COLLAPSE_AT;
            return new Text(full, collapsed ? full.substring(0, COLLAPSE_AT) : full, collapsed, full.length());
        }
    }

    /** Stored trace JSON read back as text (the review loop reads it so, without an entity); null stays null. */
    public static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return PRETTY.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored trace JSON does not parse", e); // PostgreSQL's jsonb always does
        }
    }

    public static TraceContent of(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return new TraceContent("text", Text.of(node.asText()), List.of(), null);
        }
        if (isChat(node)) {
            return new TraceContent("chat", null, turns(node), null);
        }
        if (node.isObject() && isChat(node.get("messages"))) {
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            rest.remove("messages");
            return new TraceContent("chat", null, turns(node.get("messages")), rest.isEmpty() ? null : Text.of(pretty(rest)));
        }
        return new TraceContent("json", Text.of(pretty(node)), List.of(), null);
    }

    public boolean isChat() {
        return "chat".equals(kind);
    }

    /** A one-line excerpt for tables. */
    public static String excerpt(JsonNode node, int max) {
        if (node == null || node.isNull()) {
            return "";
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        text = text.replaceAll("\\s+", " ").trim();
        return Inert.text(text.length() > max ? text.substring(0, max) + "…" : text);
    }

    static boolean isChat(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode message : node) {
            if (!message.isObject() || !message.path("role").isTextual() || !message.has("content")) {
                return false;
            }
        }
        return true;
    }

    private static List<Turn> turns(JsonNode messages) {
        var turns = new ArrayList<Turn>();
        for (Iterator<JsonNode> it = messages.elements(); it.hasNext(); ) {
            JsonNode message = it.next();
            JsonNode content = message.get("content");
            String text = content.isTextual() ? content.asText() : content.isNull() ? "" : pretty(content);
            turns.add(new Turn(Inert.text(message.get("role").asText()), Text.of(text)));
        }
        return turns;
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
