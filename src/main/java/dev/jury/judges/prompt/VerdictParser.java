package dev.jury.judges.prompt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a judge's answer into a {@link Verdict}. Tolerant of how models actually answer — Markdown code fences,
 * a sentence before or after the object, raw line breaks inside the rationale string, single quotes, a trailing
 * comma, {@code "result": 4} as a number, {@code true}/{@code false} for a yes/no rubric — and strict about what
 * matters: exactly one JSON object, and a {@code result} that is one of the rubric's values after normalisation.
 * Never throws: a failure is a {@link Verdict#failed} with a short reason (also shown to the model in the repair
 * retry) and the raw answer truncated to {@value #RAW_LIMIT} characters. A numeric {@code confidence} between 0 and
 * 1 beside the result is kept as the verdict's {@code details} (stored in its metadata).
 */
public final class VerdictParser {

    /** How much of a failed raw answer is kept. */
    public static final int RAW_LIMIT = 2_000;

    /** Answers longer than this are not read beyond it: a verdict object is short, and the scan is quadratic at worst. */
    static final int SCAN_LIMIT = 100_000;

    private static final Pattern FENCE = Pattern.compile("```[\\w+-]*[^\\S\\n]*\\n?(.*?)```", Pattern.DOTALL);

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private VerdictParser() {
    }

    public static Verdict parse(String raw, RubricSpec rubric) {
        if (raw == null || raw.isBlank()) {
            return Verdict.failed("answer is empty", raw == null ? null : truncate(raw));
        }
        String text = raw.length() > SCAN_LIMIT ? raw.substring(0, SCAN_LIMIT) : raw;
        Optional<String> fenced = fencedContent(text);
        List<JsonNode> objects = objectsIn(fenced.orElse(text));
        if (objects.isEmpty() && fenced.isPresent()) {
            objects = objectsIn(text); // the fence held something else; the answer is outside it
        }
        if (objects.isEmpty()) {
            return Verdict.failed("answer is not JSON", truncate(raw));
        }
        List<JsonNode> withResult = objects.stream().filter(o -> o.has("result")).toList();
        if (withResult.isEmpty()) {
            return Verdict.failed("no 'result' field", truncate(raw));
        }
        if (withResult.size() > 1) {
            return Verdict.failed("answer contains " + withResult.size() + " JSON objects with a 'result'; expected "
                    + "exactly one", truncate(raw));
        }
        JsonNode answer = withResult.get(0);
        JsonNode result = answer.get("result");
        if (result.isNull()) {
            return Verdict.failed("'result' is null", truncate(raw));
        }
        if (result.isContainerNode()) {
            return Verdict.failed("'result' must be a single value, not " + (result.isArray() ? "an array" : "an object"),
                    truncate(raw));
        }
        String said = resultText(result, rubric);
        Optional<String> value = RubricValues.canonical(rubric, said);
        if (value.isEmpty()) {
            return Verdict.failed(RubricValues.notAllowedMessage(rubric, said), truncate(raw));
        }
        Verdict verdict = Verdict.of(value.get(), rationaleText(answer.get("rationale")));
        JsonNode confidence = answer.get("confidence");
        if (confidence != null && confidence.isNumber() && confidence.asDouble() >= 0 && confidence.asDouble() <= 1) {
            // the model's own confidence (the embedded judge's vote margin): kept in the verdict's metadata
            verdict = verdict.withDetails(LENIENT.createObjectNode().put("confidence", confidence.asDouble()));
        }
        return verdict;
    }

    /** The first {@value #RAW_LIMIT} characters, never splitting a surrogate pair. */
    static String truncate(String raw) {
        if (raw.length() <= RAW_LIMIT) {
            return raw;
        }
        int end = Character.isHighSurrogate(raw.charAt(RAW_LIMIT - 1)) ? RAW_LIMIT - 1 : RAW_LIMIT;
        return raw.substring(0, end);
    }

    /** The content of the first fenced block ({@code ```json … ```} or {@code ``` … ```}), if there is one. */
    private static Optional<String> fencedContent(String raw) {
        Matcher m = FENCE.matcher(raw);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Every top-level JSON object in {@code text}, in order: from each opening brace not inside an object already
     * read, try to read one object; prose around and between them is skipped.
     */
    private static List<JsonNode> objectsIn(String text) {
        List<JsonNode> objects = new ArrayList<>();
        int i = text.indexOf('{');
        while (i >= 0) {
            int end = -1;
            try (JsonParser parser = LENIENT.createParser(text.substring(i))) {
                JsonNode node = LENIENT.readTree(parser);
                if (node != null && node.isObject()) {
                    objects.add(node);
                    end = i + (int) parser.currentLocation().getCharOffset();
                }
            } catch (IOException | RuntimeException notAnObjectHere) {
                // prose such as "{see above}": move on to the next brace
            }
            i = text.indexOf('{', end > i ? end : i + 1);
        }
        return objects;
    }

    private static String resultText(JsonNode result, RubricSpec rubric) {
        if (result.isBoolean() && rubric.kind() == RubricKind.BOOLEAN) {
            return result.booleanValue() ? "yes" : "no";
        }
        if (result.isNumber()) {
            return result.decimalValue().toPlainString();
        }
        return result.asText();
    }

    private static String rationaleText(JsonNode rationale) {
        if (rationale == null || rationale.isNull()) {
            return "";
        }
        return (rationale.isValueNode() ? rationale.asText() : rationale.toString()).strip();
    }
}
