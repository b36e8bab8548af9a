package dev.jury.agreement;

import java.util.Arrays;

/**
 * What the statistics need to know about a rubric: how many levels, whether their order means anything, the
 * number each level stands for (for the interval metric), and which levels are the failing ("negative") side.
 * Category indexes are positions in the rubric, 0 = first.
 */
public final class Scale {

    private final int categories;
    private final boolean ordered;
    private final double[] values;
    private final boolean[] negative;

    private Scale(int categories, boolean ordered, double[] values, boolean[] negative) {
        this.categories = categories;
        this.ordered = ordered;
        this.values = values;
        this.negative = negative;
    }

    /** Unordered levels (categorical rubric, yes/no). Numeric values default to the positions. */
    public static Scale nominal(int categories) {
        return new Scale(requirePositive(categories), false, positions(categories), new boolean[categories]);
    }

    /** Ordered levels, e.g. excellent / good / poor, or a numeric 1–5 scale. */
    public static Scale ordinal(int categories) {
        return new Scale(requirePositive(categories), true, positions(categories), new boolean[categories]);
    }

    /** The number each level stands for, e.g. {@code 1, 2, 3, 4, 5} for a 1–5 scale; used by interval α. */
    public Scale withValues(double... valuesByCategory) {
        if (valuesByCategory.length != categories) {
            throw new IllegalArgumentException(
                    "need " + categories + " values, got " + valuesByCategory.length);
        }
        for (double v : valuesByCategory) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "category values must be finite: " + Arrays.toString(valuesByCategory));
            }
        }
        return new Scale(categories, ordered, valuesByCategory.clone(), negative);
    }

    /** Marks the failing levels, by position. */
    public Scale withNegative(int... negativeCategories) {
        boolean[] marked = new boolean[categories];
        for (int c : negativeCategories) {
            if (c < 0 || c >= categories) {
                throw new IllegalArgumentException("category " + c + " is outside 0.." + (categories - 1));
            }
            marked[c] = true;
        }
        return new Scale(categories, ordered, values, marked);
    }

    public int categories() {
        return categories;
    }

    public boolean ordered() {
        return ordered;
    }

    public double value(int category) {
        return values[category];
    }

    double[] values() {
        return values.clone();
    }

    public boolean isNegative(int category) {
        return negative[category];
    }

    public boolean hasNegatives() {
        for (boolean b : negative) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private static int requirePositive(int categories) {
        if (categories < 1) {
            throw new IllegalArgumentException("a rubric has at least one category, got " + categories);
        }
        return categories;
    }

    private static double[] positions(int categories) {
        double[] values = new double[categories];
        for (int c = 0; c < categories; c++) {
            values[c] = c;
        }
        return values;
    }

    @Override
    public String toString() {
        return (ordered ? "ordinal" : "nominal") + " scale of " + categories + " values "
                + Arrays.toString(values) + ", negative " + Arrays.toString(negative);
    }
}
