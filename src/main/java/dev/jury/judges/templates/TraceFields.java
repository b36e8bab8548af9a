package dev.jury.judges.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@link TraceField}s a trace has, and its retrieved chunks. Read from the trace's columns as stored
 * ({@code inputs}, {@code outputs}, {@code expectations}, {@code spans}); any of them may be null. Never throws on
 * odd content: a field that is not in the expected shape is simply absent.
 *
 * <p>Retrieved chunks come from spans whose {@code span_type} (or MLflow's {@code mlflow.spanType} attribute) is
 * {@code RETRIEVER}: the documents in the span's {@code outputs} or its {@code mlflow.spanOutputs} attribute (MLflow
 * stores it as JSON text). A document is a text, or an object with {@code page_content} / {@code content} /
 * {@code text} and optionally {@code doc_uri} (or {@code metadata.doc_uri}). Without such a span the documented
 * field {@code outputs.retrieved_context} (a list in the same shape) is used.
 */
public final class TraceFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One retrieved chunk, numbered from 1 in retrieval order. */
    public record Chunk(int index, String content, String docUri) {
    }

    private TraceFields() {
    }

    /** The fields the trace has. */
    public static Set<TraceField> present(JsonNode inputs, JsonNode outputs, JsonNode expectations, JsonNode spans) {
        Set<TraceField> found = EnumSet.noneOf(TraceField.class);
        if (nonEmpty(inputs)) {
            found.add(TraceField.INPUTS);
        }
        if (nonEmpty(outputs)) {
            found.add(TraceField.OUTPUTS);
        }
        if (expectations != null && expectations.isObject()) {
            if (nonEmpty(expectations.get("expected_facts")) || nonEmpty(expectations.get("expected_response"))) {
                found.add(TraceField.EXPECTED_RESPONSE);
            }
            if (!guidelines(expectations).isEmpty()) {
                found.add(TraceField.GUIDELINES);
            }
            if (nonEmpty(expectations.get("expected_retrieved_context"))) {
                found.add(TraceField.EXPECTED_RETRIEVED_CONTEXT);
            }
        }
        if (!chunks(outputs, spans).isEmpty()) {
            found.add(TraceField.RETRIEVED_CONTEXT);
        }
        return found;
    }

    /** The fields of {@code needed} the trace lacks, in the order given. */
    public static List<TraceField> missing(List<TraceField> needed, Set<TraceField> present) {
        return needed.stream().filter(f -> !present.contains(f)).toList();
    }

    /** The per-trace guidelines: {@code expectations.guidelines} as a list of texts (a single text counts as one). */
    public static List<String> guidelines(JsonNode expectations) {
        List<String> list = new ArrayList<>();
        JsonNode g = expectations == null ? null : expectations.get("guidelines");
        if (g == null || g.isNull()) {
            return list;
        }
        if (g.isTextual()) {
            addText(list, g.asText());
        } else if (g.isArray()) {
            g.forEach(item -> {
                if (item.isTextual()) {
                    addText(list, item.asText());
                }
            });
        }
        return list;
    }

    /** The retrieved chunks: from RETRIEVER spans, else from {@code outputs.retrieved_context}; empty when none. */
    public static List<Chunk> chunks(JsonNode outputs, JsonNode spans) {
        List<Chunk> chunks = new ArrayList<>();
        JsonNode spanList = spans != null && spans.isObject() && spans.has("spans") ? spans.get("spans") : spans;
        if (spanList != null && spanList.isArray()) {
            for (JsonNode span : spanList) {
                if (isRetriever(span)) {
                    JsonNode docs = span.get("outputs");
                    if (docs == null || docs.isNull()) {
                        docs = parsed(span.path("attributes").get("mlflow.spanOutputs"));
                    }
                    addDocuments(chunks, docs);
                }
            }
        }
        if (chunks.isEmpty() && outputs != null && outputs.isObject()) {
            addDocuments(chunks, outputs.get("retrieved_context"));
        }
        return chunks;
    }

    private static boolean isRetriever(JsonNode span) {
        if (span == null || !span.isObject()) {
            return false;
        }
        String type = span.path("span_type").asText("");
        if (type.isEmpty()) {
            JsonNode attribute = parsed(span.path("attributes").get("mlflow.spanType"));
            type = attribute == null ? "" : attribute.asText("");
        }
        return type.toUpperCase(Locale.ROOT).equals("RETRIEVER");
    }

    /** MLflow keeps span attributes as JSON-encoded text: decode it, or return the node as it is. */
    private static JsonNode parsed(JsonNode node) {
        if (node != null && node.isTextual()) {
            try {
                return JSON.readTree(node.asText());
            } catch (JsonProcessingException e) {
                return node;
            }
        }
        return node;
    }

    private static void addDocuments(List<Chunk> chunks, JsonNode docs) {
        if (docs == null || docs.isNull()) {
            return;
        }
        if (docs.isObject() && docs.has("documents")) {
            docs = docs.get("documents");
        }
        if (!docs.isArray()) {
            return;
        }
        for (JsonNode doc : docs) {
            String content = null;
            String uri = null;
            if (doc.isTextual()) {
                content = doc.asText();
            } else if (doc.isObject()) {
                for (String key : List.of("page_content", "content", "text")) {
                    if (doc.hasNonNull(key)) {
                        JsonNode c = doc.get(key);
                        content = c.isTextual() ? c.asText() : c.toString();
                        break;
                    }
                }
                JsonNode u = doc.hasNonNull("doc_uri") ? doc.get("doc_uri") : doc.path("metadata").get("doc_uri");
                uri = u == null || u.isNull() ? null : u.asText();
            }
            if (content != null && !content.isBlank()) {
                chunks.add(new Chunk(chunks.size() + 1, content, uri));
            }
        }
    }

    private static boolean nonEmpty(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        if (node.isTextual()) {
            return !node.asText().isBlank();
        }
        return !node.isContainerNode() || !node.isEmpty();
    }

    private static void addText(List<String> list, String text) {
        if (text != null && !text.isBlank()) {
            list.add(text.strip());
        }
    }
}
