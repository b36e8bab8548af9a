package dev.jury.rubrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a rubric version must satisfy before it is saved. Every problem is reported (not only the first), each
 * addressed to its field, so the editor can mark all of them at once. Validate a {@link RubricNormaliser#normalise
 * normalised} spec: the rules assume trimmed strings and, for numeric rubrics, derived polarity.
 */
public final class RubricValidator {

    static final int MIN_LEVELS = 2;

    private RubricValidator() {
    }

    /** An empty list when the rubric is valid. */
    public static List<RubricError> validate(RubricSpec spec) {
        List<RubricError> errors = new ArrayList<>();
        if (spec.kind() == null) {
            errors.add(new RubricError("kind", "Choose a value type: categorical, boolean or numeric."));
        }
        List<RubricLevel> levels = spec.levels();
        if (levels.size() < MIN_LEVELS) {
            errors.add(new RubricError("levels", "A rubric needs at least two levels, one on each side of the "
                    + "boundary; it has " + levels.size() + "."));
        }
        for (int i = 0; i < levels.size(); i++) {
            checkTexts(i, levels.get(i), errors);
        }
        if (spec.kind() == RubricKind.BOOLEAN) {
            checkBoolean(levels, errors);
        }
        if (spec.kind() == RubricKind.NUMERIC) {
            checkNumeric(spec, errors);
        } else {
            checkUniqueFolded(levels, errors);
            if (spec.passThreshold() != null && spec.kind() != null) {
                errors.add(new RubricError("passThreshold", "Only a numeric rubric has a pass threshold; remove it "
                        + "(this rubric is " + kindName(spec.kind()) + ") and mark the failing levels as negative."));
            }
            checkBoundaryByFlags(levels, errors);
        }
        if (spec.minRationaleLength() < 0) {
            errors.add(new RubricError("minRationaleLength", "The minimum rationale length cannot be negative (it is "
                    + spec.minRationaleLength() + "); use 0 to accept any non-blank rationale."));
        }
        return List.copyOf(errors);
    }

    private static void checkTexts(int i, RubricLevel level, List<RubricError> errors) {
        String prefix = "levels[" + i + "].";
        String which = "Level " + (i + 1);
        if (RubricText.isBlank(level.value())) {
            errors.add(new RubricError(prefix + "value", which + " has no value; enter the label that is stored, "
                    + "e.g. 'poor' or '4'."));
        }
        String named = RubricText.isBlank(level.value()) ? which : which + " ('" + RubricText.strip(level.value()) + "')";
        if (RubricText.isBlank(level.label())) {
            errors.add(new RubricError(prefix + "label", named + " has no label; enter the name reviewers see."));
        }
        if (RubricText.isBlank(level.definition())) {
            errors.add(new RubricError(prefix + "definition", named + " has no definition; say what earns this "
                    + "level, ideally with an example."));
        }
    }

    private static void checkUniqueFolded(List<RubricLevel> levels, List<RubricError> errors) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < levels.size(); i++) {
            String value = levels.get(i).value();
            if (RubricText.isBlank(value)) {
                continue;
            }
            Integer first = seen.putIfAbsent(RubricText.fold(value), i);
            if (first != null) {
                errors.add(new RubricError("levels[" + i + "].value", "'" + RubricText.strip(value)
                        + "' is the same value as level " + (first + 1) + " ('" + RubricText.strip(levels.get(first).value())
                        + "'); values must be unique, ignoring case and surrounding spaces."));
            }
        }
    }

    private static void checkBoolean(List<RubricLevel> levels, List<RubricError> errors) {
        if (levels.size() > 2) {
            errors.add(new RubricError("levels", "A boolean rubric has exactly two levels, 'yes' and 'no'; this one "
                    + "has " + levels.size() + ". Use a categorical rubric for more levels."));
        }
        for (int i = 0; i < levels.size(); i++) {
            String value = levels.get(i).value();
            if (RubricText.isBlank(value)) {
                continue;
            }
            String folded = RubricText.fold(value);
            if (!folded.equals("yes") && !folded.equals("no")) {
                errors.add(new RubricError("levels[" + i + "].value", "'" + RubricText.strip(value) + "' is not a "
                        + "boolean value; a boolean rubric's values are 'yes' and 'no'."));
            }
        }
    }

    private static void checkNumeric(RubricSpec spec, List<RubricError> errors) {
        List<RubricLevel> levels = spec.levels();
        BigDecimal threshold = spec.passThreshold();
        if (threshold == null) {
            errors.add(new RubricError("passThreshold", "A numeric rubric needs a pass threshold: values below it "
                    + "are negative (failing), values at or above it pass."));
        }
        BigDecimal[] numbers = new BigDecimal[levels.size()];
        boolean allParsed = true;
        boolean unique = true;
        for (int i = 0; i < levels.size(); i++) {
            RubricLevel level = levels.get(i);
            String value = RubricText.strip(level.value());
            if (value.isEmpty()) {
                allParsed = false;
                continue;
            }
            Optional<BigDecimal> parsed = RubricText.parseNumber(value);
            if (parsed.isEmpty()) {
                allParsed = false;
                errors.add(new RubricError("levels[" + i + "].value", "'" + value + "' is not a number; a numeric "
                        + "rubric's values are numbers such as 1, 4 or 4.5."));
                continue;
            }
            BigDecimal n = parsed.get();
            numbers[i] = n;
            for (int j = 0; j < i; j++) {
                if (numbers[j] != null && numbers[j].compareTo(n) == 0) {
                    unique = false;
                    errors.add(new RubricError("levels[" + i + "].value", "'" + value + "' is the same number as level "
                            + (j + 1) + " ('" + RubricText.strip(levels.get(j).value()) + "'); values must be unique."));
                    break;
                }
            }
            if (threshold != null && (n.compareTo(threshold) < 0) != level.negative()) {
                String t = RubricText.plain(threshold);
                errors.add(new RubricError("levels[" + i + "].negative", level.negative()
                        ? value + " is at or above the pass threshold " + t + ", so it must not be marked negative."
                        : value + " is below the pass threshold " + t + ", so it must be marked negative."));
            }
        }
        if (!allParsed || numbers.length == 0) {
            return;
        }
        if (threshold != null) {
            String t = RubricText.plain(threshold);
            if (Arrays.stream(numbers).noneMatch(n -> n.compareTo(threshold) < 0)) {
                errors.add(new RubricError("levels", "Both sides of the boundary must exist, but no level is below the "
                        + "pass threshold " + t + ", so no value can fail. Raise the threshold or add a lower level."));
            }
            if (Arrays.stream(numbers).noneMatch(n -> n.compareTo(threshold) >= 0)) {
                errors.add(new RubricError("levels", "Both sides of the boundary must exist, but no level is at or "
                        + "above the pass threshold " + t + ", so no value can pass. Lower the threshold or add a "
                        + "higher level."));
            }
        }
        if (unique) {
            checkOrdered(numbers, levels, errors);
        }
    }

    /**
     * Ordinal statistics rank labels by their position in the rubric, so a numeric scale must be listed in order —
     * either direction, since some teams list the best level first as in a categorical rubric.
     */
    private static void checkOrdered(BigDecimal[] numbers, List<RubricLevel> levels, List<RubricError> errors) {
        if (numbers.length < 3) {
            return;
        }
        int direction = numbers[1].compareTo(numbers[0]);
        for (int i = 2; i < numbers.length; i++) {
            if (numbers[i].compareTo(numbers[i - 1]) != direction) {
                errors.add(new RubricError("levels[" + i + "].value", "Numeric levels must be listed in order, all "
                        + "ascending or all descending; " + RubricText.strip(levels.get(i).value()) + " after "
                        + RubricText.strip(levels.get(i - 1).value()) + " breaks the order."));
                return;
            }
        }
    }

    private static void checkBoundaryByFlags(List<RubricLevel> levels, List<RubricError> errors) {
        if (levels.isEmpty()) {
            return;
        }
        long negatives = levels.stream().filter(RubricLevel::negative).count();
        if (negatives == 0) {
            errors.add(new RubricError("levels", "Both sides of the boundary must exist: mark at least one level as "
                    + "negative (the failing side)."));
        } else if (negatives == levels.size()) {
            errors.add(new RubricError("levels", "Both sides of the boundary must exist: at least one level must not "
                    + "be negative (the passing side); all " + levels.size() + " are marked negative."));
        }
    }

    private static String kindName(RubricKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
