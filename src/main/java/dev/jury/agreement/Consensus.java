package dev.jury.agreement;

import java.util.Arrays;

/**
 * The label a set of human labels agrees on, if any — the ground truth that judge accuracy and alignment use.
 *
 * <p>Both rules refuse to break ties: a trace whose labels split evenly is "in disagreement", goes to
 * adjudication and is left out of comparisons, rather than being decided by an arbitrary tie-break.
 */
public final class Consensus {

    /** No consensus: no labels, or a tie. */
    public static final int NONE = -1;

    public enum Rule {
        /** The level more than half of the labels chose. */
        MAJORITY,
        /** The middle level of an ordered rubric; with an even count the two middle labels must match. */
        MEDIAN;

        public int apply(int[] countsByCategory) {
            return this == MAJORITY ? majority(countsByCategory) : median(countsByCategory);
        }
    }

    private Consensus() {
    }

    /** The category holding a strict majority (more than half) of the labels, or {@link #NONE}. */
    public static int majority(int[] countsByCategory) {
        long total = 0;
        int best = NONE;
        int bestCount = 0;
        for (int c = 0; c < countsByCategory.length; c++) {
            total += countsByCategory[c];
            if (countsByCategory[c] > bestCount) {
                best = c;
                bestCount = countsByCategory[c];
            }
        }
        return 2L * bestCount > total ? best : NONE;
    }

    /**
     * The median category of ordered labels, or {@link #NONE} when there are no labels or an even number whose
     * two middle labels differ (a tie between two levels, which the majority rule would not break either).
     */
    public static int median(int[] countsByCategory) {
        long total = 0;
        for (int count : countsByCategory) {
            total += count;
        }
        if (total == 0) {
            return NONE;
        }
        // 1-based ranks of the middle label(s): equal when total is odd.
        long lowRank = (total + 1) / 2;
        long highRank = total / 2 + 1;
        int low = NONE;
        long seen = 0;
        for (int c = 0; c < countsByCategory.length; c++) {
            seen += countsByCategory[c];
            if (low == NONE && seen >= lowRank) {
                low = c;
            }
            if (seen >= highRank) {
                return c == low ? c : NONE;
            }
        }
        return NONE;
    }

    /** The consensus of each unit of the table under the rule, {@link #NONE} where there is none. */
    public static int[] ofUnits(RatingTable table, Rule rule) {
        int[] consensus = new int[table.unitCount()];
        int[] counts = new int[table.categories()];
        for (int u = 0; u < table.unitCount(); u++) {
            Arrays.fill(counts, 0);
            for (int i = table.start(u); i < table.start(u + 1); i++) {
                counts[table.valueAt(i)]++;
            }
            consensus[u] = rule.apply(counts);
        }
        return consensus;
    }
}
