package dev.jury.judges.templates;

import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;

import java.math.BigDecimal;
import java.util.List;

/**
 * The 1–5 scale a score judge answers on, and the rule that turns a score into the yes/no its rubric stores: a score
 * <em>above</em> the threshold is {@code yes} (issue 15: "default 3, yes above 3"), so at the default 4 and 5 pass.
 * The numeric rubric the model answers in gets threshold + 1 as its pass threshold, so the rubrics' own rule ("values
 * below it are negative") draws the line at the same place.
 */
public final class ScoreScale {

    public static final int MIN = 1;
    public static final int MAX = 5;
    /** A threshold of 5 would let no score pass. */
    public static final int MAX_THRESHOLD = MAX - 1;
    public static final int DEFAULT_THRESHOLD = 3;

    private ScoreScale() {
    }

    /** Why {@code threshold} cannot be used, or null when it is a whole number 1–4. */
    public static String problem(Integer threshold) {
        if (threshold == null || threshold < MIN || threshold > MAX_THRESHOLD) {
            return "The threshold is a whole number from " + MIN + " to " + MAX_THRESHOLD + " (a score above it is yes); "
                    + "got " + threshold + ".";
        }
        return null;
    }

    /**
     * An expert's yes/no example as the score a 1–5 judge is shown: yes at the top of the scale, no at the bottom
     * (any other value as it is).
     */
    public static String demoScore(String value) {
        return "yes".equals(value) ? String.valueOf(MAX) : "no".equals(value) ? String.valueOf(MIN) : value;
    }

    /** Whether {@code score} passes: above the threshold. */
    public static boolean passes(int score, int threshold) {
        return score > threshold;
    }

    /** The stored value for a score: {@code yes} when it passes, else {@code no}. */
    public static String value(int score, int threshold) {
        return passes(score, threshold) ? "yes" : "no";
    }

    /**
     * The numeric rubric the model answers in (for the prompt's scale and for parsing its answer): 1–5, each level
     * defined, the threshold marking the negative side.
     */
    public static RubricSpec spec(int threshold) {
        List<RubricLevel> levels = List.of(
                new RubricLevel("1", "1", "Fails the criterion completely.", 1 <= threshold),
                new RubricLevel("2", "2", "Mostly fails the criterion; only minor parts meet it.", 2 <= threshold),
                new RubricLevel("3", "3", "Meets the criterion in part, with clear gaps.", 3 <= threshold),
                new RubricLevel("4", "4", "Meets the criterion with small shortcomings.", 4 <= threshold),
                new RubricLevel("5", "5", "Meets the criterion fully.", 5 <= threshold));
        return new RubricSpec(RubricKind.NUMERIC, levels, "", false, 0, BigDecimal.valueOf(threshold + 1L));
    }
}
