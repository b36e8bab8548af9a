package dev.jury.traces.otlp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jury.traces.ingest.EncodedJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * A span's inputs and outputs as Jury reads them, from the first of these conventions the span uses
 * (docs/production.md has the table):
 * <ol>
 *   <li>MLflow: {@code mlflow.spanInputs} / {@code mlflow.spanOutputs} (JSON-encoded strings);</li>
 *   <li>OpenTelemetry GenAI (semantic conventions 1.37+): {@code gen_ai.input.messages} /
 *   {@code gen_ai.output.messages}, structured or as a JSON string;</li>
 *   <li>OpenInference (Phoenix): {@code input.value} / {@code output.value};</li>
 *   <li>GenAI before 1.37: {@code gen_ai.prompt} / {@code gen_ai.completion} attributes (JSON or text), their
 *   indexed form {@code gen_ai.prompt.<i>.role|content} (OpenLLMetry), and the span events
 *   {@code gen_ai.system.message}, {@code gen_ai.user.message}, {@code gen_ai.assistant.message},
 *   {@code gen_ai.tool.message} / {@code gen_ai.choice}, and {@code gen_ai.content.prompt} /
 *   {@code gen_ai.content.completion}.</li>
 * </ol>
 * JSON-looking strings are decoded; text that is not JSON stays text.
 */
final class GenAiContent {

    static final String MLFLOW_INPUTS = "mlflow.spanInputs";
    static final String MLFLOW_OUTPUTS = "mlflow.spanOutputs";
    static final String INPUT_MESSAGES = "gen_ai.input.messages";
    static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
    static final String INPUT_VALUE = "input.value";
    static final String OUTPUT_VALUE = "output.value";
    static final String PROMPT = "gen_ai.prompt";
    static final String COMPLETION = "gen_ai.completion";
    static final String CONTENT_PROMPT_EVENT = "gen_ai.content.prompt";
    static final String CONTENT_COMPLETION_EVENT = "gen_ai.content.completion";
    static final String CHOICE_EVENT = "gen_ai.choice";
    /** The message events of GenAI semantic conventions up to 1.36 and the role each one carries. */
    static final Map<String, String> MESSAGE_EVENTS = Map.of("gen_ai.system.message", "system",
            "gen_ai.user.message", "user", "gen_ai.assistant.message", "assistant", "gen_ai.tool.message", "tool");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(SpanJson.NODES)
            .build();

    private GenAiContent() {
    }

    static JsonNode inputs(JsonNode span) {
        JsonNode attributes = span.path("attributes");
        JsonNode found = firstAttribute(attributes, MLFLOW_INPUTS, INPUT_MESSAGES, INPUT_VALUE, PROMPT);
        if (found == null) {
            found = indexed(attributes, PROMPT);
        }
        if (found != null) {
            return found;
        }
        ArrayNode messages = SpanJson.NODES.arrayNode();
        JsonNode contentEvent = null;
        for (JsonNode event : span.path("events")) {
            String name = event.path("name").asText();
            String role = MESSAGE_EVENTS.get(name);
            if (role != null) {
                messages.add(message(role, event.path("attributes")));
            } else if (name.equals(CONTENT_PROMPT_EVENT) && contentEvent == null) {
                contentEvent = decoded(event.path("attributes").get(PROMPT));
            }
        }
        return !messages.isEmpty() ? messages : contentEvent;
    }

    static JsonNode outputs(JsonNode span) {
        JsonNode attributes = span.path("attributes");
        JsonNode found = firstAttribute(attributes, MLFLOW_OUTPUTS, OUTPUT_MESSAGES, OUTPUT_VALUE, COMPLETION);
        if (found == null) {
            found = indexed(attributes, COMPLETION);
        }
        if (found != null) {
            return found;
        }
        ArrayNode choices = SpanJson.NODES.arrayNode();
        JsonNode contentEvent = null;
        for (JsonNode event : span.path("events")) {
            String name = event.path("name").asText();
            if (name.equals(CHOICE_EVENT)) {
                choices.add(choice(event.path("attributes")));
            } else if (name.equals(CONTENT_COMPLETION_EVENT) && contentEvent == null) {
                contentEvent = decoded(event.path("attributes").get(COMPLETION));
            }
        }
        return !choices.isEmpty() ? choices : contentEvent;
    }

    /**
     * A message event's body as the event attributes carry it: {@code content} (text or JSON), and {@code role}
     * when it differs from the event's own ({@code tool_calls}, {@code id} kept when present).
     */
    private static ObjectNode message(String role, JsonNode attributes) {
        ObjectNode message = SpanJson.NODES.objectNode();
        JsonNode explicitRole = attributes.get("role");
        message.put("role", explicitRole != null && explicitRole.isTextual() ? explicitRole.asText() : role);
        JsonNode content = firstPresent(decoded(attributes.get("content")), decoded(attributes.get(PROMPT)));
        if (content != null) {
            message.set("content", content);
        }
        copy(attributes, message, "tool_calls", "id", "name");
        return message;
    }

    /** A {@code gen_ai.choice} event: {@code message} (an object or JSON), or {@code content}; index, finish reason. */
    private static ObjectNode choice(JsonNode attributes) {
        ObjectNode choice = SpanJson.NODES.objectNode();
        copy(attributes, choice, "index", "finish_reason");
        JsonNode message = decoded(attributes.get("message"));
        if (message != null) {
            choice.set("message", message);
        } else {
            ObjectNode built = choice.putObject("message");
            built.put("role", attributes.path("role").asText("assistant"));
            JsonNode content = firstPresent(decoded(attributes.get("content")), decoded(attributes.get(COMPLETION)));
            if (content != null) {
                built.set("content", content);
            }
        }
        return choice;
    }

    /**
     * OpenLLMetry's flattened messages: {@code gen_ai.prompt.0.role}, {@code gen_ai.prompt.0.content}, … become
     * {@code [{"role": …, "content": …}, …]} in index order; null when there are none.
     */
    static ArrayNode indexed(JsonNode attributes, String prefix) {
        var byIndex = new TreeMap<Integer, ObjectNode>();
        String start = prefix + ".";
        for (var fields = attributes.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String name = field.getKey();
            if (!name.startsWith(start)) {
                continue;
            }
            int dot = name.indexOf('.', start.length());
            if (dot < 0) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(name.substring(start.length(), dot));
            } catch (NumberFormatException notIndexed) {
                continue;
            }
            if (index < 0) {
                continue;
            }
            String property = name.substring(dot + 1);
            byIndex.computeIfAbsent(index, i -> SpanJson.NODES.objectNode())
                    .set(property, property.equals("content") ? decoded(field.getValue()) : field.getValue());
        }
        if (byIndex.isEmpty()) {
            return null;
        }
        ArrayNode messages = SpanJson.NODES.arrayNode();
        byIndex.values().forEach(messages::add);
        return messages;
    }

    private static void copy(JsonNode from, ObjectNode to, String... names) {
        for (String name : names) {
            JsonNode value = from.get(name);
            if (value != null && !value.isNull()) {
                to.set(name, value);
            }
        }
    }

    /** Attribute strings that hold JSON become that JSON; see {@link EncodedJson}. */
    static JsonNode decoded(JsonNode attribute) {
        return EncodedJson.decode(attribute, MAPPER);
    }

    /** The decoded value of the first of {@code names} the attributes carry (decoding only that one). */
    private static JsonNode firstAttribute(JsonNode attributes, String... names) {
        for (String name : names) {
            JsonNode value = decoded(attributes.get(name));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static JsonNode firstPresent(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
