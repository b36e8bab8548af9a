package dev.jury.judges;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a judge version reads on a page — its demos, parameters, tags and held-out figures as text — for the judge
 * pages ({@link JudgeResource}) and the registry pages alike, so both show a version the same way.
 */
public final class JudgeVersionView {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A demo as shown: JSON pretty-printed as text (escaped by the template like everything else). */
    public record DemoView(String inputs, String outputs, String expectations, String value, String rationale) {
    }

    private JudgeVersionView() {
    }

    /** A version's demos as the judge and registry pages show them. */
    public static List<DemoView> demos(JudgeVersion v) {
        return v.demos().stream().map(d -> new DemoView(pretty(d.inputs()), pretty(d.outputs()),
                d.expectations() == null ? null : pretty(d.expectations()), d.value(), d.rationale())).toList();
    }

    /** Parameters or tags as one line, {@code name=value} in name order. */
    public static String describe(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return "";
        }
        return new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** {@code accuracy 0.70 → 0.85, κ 0.40 → 0.70} from an alignment's tags; empty when it has none. */
    public static String heldOut(Map<String, Object> tags) {
        if (tags == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String metric : List.of("accuracy", "kappa")) {
            Object before = tags.get("heldout_" + metric + "_before");
            Object after = tags.get("heldout_" + metric + "_after");
            if (before != null || after != null) {
                parts.add((metric.equals("kappa") ? "κ" : metric) + " " + number(before) + " → " + number(after));
            }
        }
        return String.join(", ", parts);
    }

    /**
     * The held-out re-check an alignment recorded in a version's tags, as the registering admin needs it: whether
     * the version agrees with the reviewers at least as well as its base on traces neither saw in training.
     *
     * @param passed  accuracy did not fall and κ (when both sides have one) did not fall
     * @param message one sentence with the figures
     */
    public record HeldOutCheck(boolean passed, String message) {
    }

    /** The check from {@code heldout_accuracy_before/after} and {@code heldout_kappa_before/after}; null without them. */
    public static HeldOutCheck heldOutCheck(Map<String, Object> tags) {
        if (tags == null || !(tags.get("heldout_accuracy_before") instanceof Number accBefore)
                || !(tags.get("heldout_accuracy_after") instanceof Number accAfter)) {
            return null;
        }
        Object kb = tags.get("heldout_kappa_before");
        Object ka = tags.get("heldout_kappa_after");
        boolean kappaFell = kb instanceof Number b && ka instanceof Number a && a.doubleValue() < b.doubleValue();
        boolean accuracyFell = accAfter.doubleValue() < accBefore.doubleValue();
        String figures = heldOut(tags);
        if (accuracyFell || kappaFell) {
            return new HeldOutCheck(false, "Held-out check failed: " + figures + ". On traces it never trained on, "
                    + "this version agrees less with the reviewers than the version it was made from.");
        }
        boolean better = accAfter.doubleValue() > accBefore.doubleValue()
                || kb instanceof Number b && ka instanceof Number a && a.doubleValue() > b.doubleValue();
        return new HeldOutCheck(true, "Held-out check passed: " + figures + (better ? "." : " (no change)."));
    }

    private static String number(Object value) {
        if (value instanceof Number n) {
            return String.format(Locale.ROOT, "%.2f", n.doubleValue());
        }
        return value == null ? "—" : value.toString();
    }

    private static String pretty(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
