package dev.jury.rubrics;

import java.math.BigDecimal;
import java.util.List;

/** Small valid rubrics for tests; each test derives its broken variant from one of these. */
public final class RubricFixtures {

    private RubricFixtures() {
    }

    /** excellent, good (passing) — fair, poor (failing). */
    public static RubricSpec quality() {
        return new RubricSpec(RubricKind.CATEGORICAL, List.of(
                level("excellent", "Excellent", "Correct, complete and well explained.", false),
                level("good", "Good", "Correct with minor omissions.", false),
                level("fair", "Fair", "Partly correct; a reader would be misled on one point.", true),
                level("poor", "Poor", "Wrong or off topic.", true)),
                "Judge the final answer only.", true, 10, null);
    }

    /** yes (passing), no (failing). */
    public static RubricSpec yesNo() {
        return new RubricSpec(RubricKind.BOOLEAN, List.of(
                level("yes", "Yes", "The answer cites a source.", false),
                level("no", "No", "No source is cited.", true)),
                "", false, 0, null);
    }

    /** 1…5, pass threshold 3. */
    public static RubricSpec oneToFive() {
        return new RubricSpec(RubricKind.NUMERIC, List.of(
                level("1", "Useless", "Nothing usable.", true),
                level("2", "Weak", "Mostly unusable.", true),
                level("3", "Adequate", "Usable with edits.", false),
                level("4", "Good", "Usable as is.", false),
                level("5", "Excellent", "Better than an expert's answer.", false)),
                "", true, 0, new BigDecimal("3"));
    }

    public static RubricLevel level(String value, String label, String definition, boolean negative) {
        return new RubricLevel(value, label, definition, negative);
    }

    public static RubricSpec withLevels(RubricSpec spec, List<RubricLevel> levels) {
        return new RubricSpec(spec.kind(), levels, spec.guidelines(), spec.rationaleRequired(),
                spec.minRationaleLength(), spec.passThreshold());
    }

    public static RubricSpec withThreshold(RubricSpec spec, BigDecimal threshold) {
        return new RubricSpec(spec.kind(), spec.levels(), spec.guidelines(), spec.rationaleRequired(),
                spec.minRationaleLength(), threshold);
    }
}
