package dev.jury.judges.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * JSON as it appears in prompts: 2-space indent, {@code "key": value}, one array element per line, {@code {}} and
 * {@code []} for empty containers, LF line endings whatever the platform — the layout of Python's
 * {@code json.dumps(indent=2)} that MLflow judges send. Fixed here because the prompt text is the LLM cache key.
 */
final class PromptJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ObjectWriter PRETTY;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        PRETTY = MAPPER.writer(printer);
    }

    private PromptJson() {
    }

    /** {@code null} (Java or JSON) and a missing node are rendered as {@code null}. */
    static String pretty(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "null";
        }
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** A JSON string literal, escaped. */
    static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(TextNode.valueOf(s == null ? "" : s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
