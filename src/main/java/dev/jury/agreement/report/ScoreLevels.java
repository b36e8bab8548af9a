package dev.jury.agreement.report;

import dev.jury.agreement.Scale;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The levels of a report on the score ({@code on=score}): the 1–5 score a custom_score judge stores in
 * {@code metadata.score} beside its yes/no (and a human may log with a label). Ordered, with the numbers as
 * values (interval α), the scores at or below the judge's threshold on the failing side — the judge stores those
 * as {@code no}. See docs/agreement.md, "On the score".
 */
final class ScoreLevels {

    static final int MIN = 1;
    static final int MAX = 5;
    static final List<String> VALUES = List.of("1", "2", "3", "4", "5");

    private ScoreLevels() {
    }

    /** The level of a stored score (0 for 1 … 4 for 5), or -1 when it is not a whole number from 1 to 5. */
    static int indexOf(String stored) {
        if (stored == null) {
            return -1;
        }
        try {
            BigDecimal score = new BigDecimal(stored.strip());
            if (score.stripTrailingZeros().scale() > 0) {
                return -1;
            }
            int whole = score.intValueExact();
            return whole >= MIN && whole <= MAX ? whole - MIN : -1;
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    static boolean negative(int level, int threshold) {
        return level + MIN <= threshold;
    }

    static Scale scale(int threshold) {
        double[] values = new double[VALUES.size()];
        List<Integer> negatives = new ArrayList<>();
        for (int c = 0; c < values.length; c++) {
            values[c] = c + MIN;
            if (negative(c, threshold)) {
                negatives.add(c);
            }
        }
        return Scale.ordinal(values.length).withValues(values)
                .withNegative(negatives.stream().mapToInt(Integer::intValue).toArray());
    }

    static List<AgreementResult.Level> levels(int threshold) {
        List<AgreementResult.Level> levels = new ArrayList<>();
        for (int c = 0; c < VALUES.size(); c++) {
            levels.add(new AgreementResult.Level(VALUES.get(c), "Score " + VALUES.get(c), negative(c, threshold)));
        }
        return List.copyOf(levels);
    }
}
