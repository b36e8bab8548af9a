package dev.jury.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The cache key of a deterministic request: SHA-256 (hex) of a canonical JSON form — endpoint, model, messages,
 * parameters and schema, object keys sorted at every level so that equal schemas written in a different key order
 * hit the same entry. The endpoint (base URL, never the key) is included so that re-pointing a provider at another
 * server does not serve the old server's answers.
 */
final class CacheKey {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bumped when the canonical form changes, so old entries are simply never hit again. */
    private static final int FORMAT = 1;

    private CacheKey() {
    }

    static String of(String endpoint, ProviderModel model, ChatRequest request) {
        ObjectNode canonical = JsonNodeFactory.instance.objectNode();
        canonical.put("endpoint", endpoint);
        canonical.put("format", FORMAT);
        canonical.put("max_tokens", request.maxTokens());
        ArrayNode messages = canonical.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.addObject().put("role", message.role().name()).put("text", message.text());
        }
        canonical.put("model", model.toString());
        canonical.set("schema", request.responseSchema() == null ? null : sorted(request.responseSchema()));
        canonical.put("temperature", request.temperature());
        canonical.put("top_p", request.topP());
        try {
            byte[] bytes = JSON.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot compute an LLM cache key", e);
        }
    }

    /** The same JSON with every object's fields in alphabetical order. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(String::compareTo);
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                copy.set(name, sorted(node.get(name)));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }
}
