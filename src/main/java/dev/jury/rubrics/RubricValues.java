package dev.jury.rubrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a raw label (typed by a reviewer, sent to the API, or answered by a judge) relates to a rubric's levels.
 * Categorical and boolean values match after trim and case-fold; numeric values match as numbers, so {@code 4},
 * {@code 4.0} and {@code " 4 "} are the same level. Every comparison of labels in Jury goes through here.
 */
public final class RubricValues {

    private RubricValues() {
    }

    /** The level {@code raw} designates, or empty when it is not one of the rubric's values. */
    public static Optional<RubricLevel> match(RubricSpec spec, String raw) {
        int i = indexOf(spec, raw);
        return i < 0 ? Optional.empty() : Optional.of(spec.levels().get(i));
    }

    /**
     * The level's value in the rubric's own spelling (trimmed), e.g. {@code "4"} for a raw {@code "4.0"} or
     * {@code "good"} for {@code " Good "}; empty when {@code raw} is not an allowed value. Store this, not the raw text.
     */
    public static Optional<String> canonical(RubricSpec spec, String raw) {
        return match(spec, raw).map(level -> RubricText.strip(level.value()));
    }

    /**
     * Position of {@code raw}'s level in the ordered rubric (0-based, as in {@link List#indexOf}), or -1 when it is
     * not an allowed value. This order is what ordinal statistics (weighted κ, ordinal α) rank by.
     */
    public static int indexOf(RubricSpec spec, String raw) {
        if (raw == null) {
            return -1;
        }
        List<RubricLevel> levels = spec.levels();
        if (spec.kind() == RubricKind.NUMERIC) {
            Optional<BigDecimal> wanted = RubricText.parseNumber(raw);
            if (wanted.isEmpty()) {
                return -1;
            }
            for (int i = 0; i < levels.size(); i++) {
                Optional<BigDecimal> n = RubricText.parseNumber(levels.get(i).value());
                if (n.isPresent() && n.get().compareTo(wanted.get()) == 0) {
                    return i;
                }
            }
            return -1;
        }
        String wanted = RubricText.fold(raw);
        if (wanted.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < levels.size(); i++) {
            if (RubricText.fold(levels.get(i).value()).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    /** The allowed values in rubric order, in the rubric's own (trimmed) spelling. */
    public static List<String> allowedValues(RubricSpec spec) {
        List<String> values = new ArrayList<>(spec.levels().size());
        for (RubricLevel level : spec.levels()) {
            values.add(RubricText.strip(level.value()));
        }
        return List.copyOf(values);
    }

    /**
     * Whether {@code raw} is on the failing side. For a numeric rubric the pass threshold decides (values below it
     * are negative), as the design defines it; otherwise the level's {@code negative} flag. A valid rubric's flags
     * agree with its threshold (see {@link RubricValidator}), so both readings coincide.
     *
     * @throws IllegalArgumentException when {@code raw} is not one of the rubric's values; use
     *                                  {@link #match} first where the value may be foreign (e.g. an old rubric version)
     */
    public static boolean isNegative(RubricSpec spec, String raw) {
        RubricLevel level = match(spec, raw).orElseThrow(() -> new IllegalArgumentException(
                notAllowedMessage(spec, raw)));
        if (spec.kind() == RubricKind.NUMERIC && spec.passThreshold() != null) {
            return RubricText.parseNumber(level.value()).orElseThrow().compareTo(spec.passThreshold()) < 0;
        }
        return level.negative();
    }

    /**
     * Why a rationale is refused under this rubric, or empty when it is acceptable. Only a rubric with
     * {@code rationaleRequired} asks for one; then it must be non-blank and, when {@code minRationaleLength > 0},
     * at least that many characters long (counted after trimming, in Unicode code points).
     */
    public static Optional<String> checkRationale(RubricSpec spec, String rationale) {
        if (!spec.rationaleRequired()) {
            return Optional.empty();
        }
        String text = RubricText.strip(rationale);
        if (text.isEmpty()) {
            return Optional.of("A rationale is required: say briefly why this level fits.");
        }
        int length = text.codePointCount(0, text.length());
        int min = spec.minRationaleLength();
        if (length < min) {
            return Optional.of("The rationale is too short: " + length + " characters, at least " + min
                    + " are required.");
        }
        return Optional.empty();
    }

    /** {@code 'excellent!' is not one of: excellent, good, fair, poor} — shared by the API, the UI and the judge parser. */
    public static String notAllowedMessage(RubricSpec spec, String raw) {
        return "'" + (raw == null ? "" : raw) + "' is not one of: " + String.join(", ", allowedValues(spec));
    }
}
