package dev.jury.rubrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tidies a rubric as submitted (editor form or API) into the form that is validated, fingerprinted and stored.
 * Call it before {@link RubricValidator#validate}: the validator then only has to judge content, not spelling.
 */
public final class RubricNormaliser {

    private RubricNormaliser() {
    }

    /**
     * Strings trimmed (null read as empty) and line endings unified to LF; the polarity derived where the rubric
     * kind defines it:
     * <ul>
     *   <li>numeric — every level whose value parses is negative exactly when it is below the pass threshold
     *       (the form does not ask reviewers to tick what the threshold already says);</li>
     *   <li>boolean — when no level is marked negative, {@code no} is (the documented default; a rubric may say
     *       otherwise, e.g. "contains personal data? yes" failing, by marking {@code yes});</li>
     *   <li>categorical — the flags are taken as given.</li>
     * </ul>
     * Values that do not parse, or a missing threshold, are left for the validator to report.
     */
    public static RubricSpec normalise(RubricSpec spec) {
        List<RubricLevel> levels = new ArrayList<>(spec.levels().size());
        for (RubricLevel level : spec.levels()) {
            levels.add(new RubricLevel(RubricText.strip(level.value()), RubricText.tidy(level.label()),
                    RubricText.tidy(level.definition()), level.negative()));
        }
        if (spec.kind() == RubricKind.NUMERIC && spec.passThreshold() != null) {
            levels.replaceAll(level -> deriveFromThreshold(level, spec.passThreshold()));
        }
        if (spec.kind() == RubricKind.BOOLEAN && levels.stream().noneMatch(RubricLevel::negative)) {
            levels.replaceAll(level -> RubricText.fold(level.value()).equals("no")
                    ? new RubricLevel(level.value(), level.label(), level.definition(), true)
                    : level);
        }
        return new RubricSpec(spec.kind(), levels, RubricText.tidy(spec.guidelines()), spec.rationaleRequired(),
                spec.minRationaleLength(), spec.passThreshold());
    }

    private static RubricLevel deriveFromThreshold(RubricLevel level, BigDecimal threshold) {
        Optional<BigDecimal> n = RubricText.parseNumber(level.value());
        if (n.isEmpty()) {
            return level;
        }
        boolean negative = n.get().compareTo(threshold) < 0;
        return new RubricLevel(level.value(), level.label(), level.definition(), negative);
    }
}
