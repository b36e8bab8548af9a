package dev.jury.agreement;

/**
 * Counts of (reference category, compared category) over units both sides labelled: reviewer A × reviewer B,
 * or consensus × judge. Rows are the reference, columns the compared side.
 */
public final class ConfusionMatrix {

    private final int categories;
    private final long[] cells;

    private ConfusionMatrix(int categories, long[] cells) {
        this.categories = categories;
        this.cells = cells;
    }

    /** A matrix from {@code counts[reference][compared]}. */
    public static ConfusionMatrix of(long[][] counts) {
        int k = counts.length;
        long[] cells = new long[k * k];
        for (int i = 0; i < k; i++) {
            if (counts[i].length != k) {
                throw new IllegalArgumentException("a confusion matrix is square; row " + i + " has "
                        + counts[i].length + " columns, expected " + k);
            }
            for (int j = 0; j < k; j++) {
                if (counts[i][j] < 0) {
                    throw new IllegalArgumentException("negative count at [" + i + "][" + j + "]");
                }
                cells[i * k + j] = counts[i][j];
            }
        }
        return new ConfusionMatrix(k, cells);
    }

    /** Rater A (rows) against rater B (columns) over the units both rated. */
    public static ConfusionMatrix between(RatingTable table, int raterA, int raterB) {
        int k = table.categories();
        long[] cells = new long[k * k];
        for (int u = 0; u < table.unitCount(); u++) {
            int a = RatingTable.MISSING;
            int b = RatingTable.MISSING;
            for (int i = table.start(u); i < table.start(u + 1); i++) {
                if (table.raterAt(i) == raterA) {
                    a = table.valueAt(i);
                } else if (table.raterAt(i) == raterB) {
                    b = table.valueAt(i);
                }
            }
            if (a != RatingTable.MISSING && b != RatingTable.MISSING) {
                cells[a * k + b]++;
            }
        }
        return new ConfusionMatrix(k, cells);
    }

    /** Takes ownership of {@code cells} (row-major, k × k); for counts built or resampled in this package. */
    static ConfusionMatrix wrap(int categories, long[] cells) {
        return new ConfusionMatrix(categories, cells);
    }

    public int categories() {
        return categories;
    }

    public long count(int reference, int compared) {
        return cells[reference * categories + compared];
    }

    public long total() {
        long total = 0;
        for (long cell : cells) {
            total += cell;
        }
        return total;
    }

    public long referenceTotal(int category) {
        long total = 0;
        for (int j = 0; j < categories; j++) {
            total += cells[category * categories + j];
        }
        return total;
    }

    public long comparedTotal(int category) {
        long total = 0;
        for (int i = 0; i < categories; i++) {
            total += cells[i * categories + category];
        }
        return total;
    }

    /** {@code [reference][compared]}, a copy. */
    public long[][] toArray() {
        long[][] rows = new long[categories][categories];
        for (int i = 0; i < categories; i++) {
            System.arraycopy(cells, i * categories, rows[i], 0, categories);
        }
        return rows;
    }

    /** Share of units where both sides chose the same category (for two raters: percent agreement). */
    public Estimate accuracy() {
        long n = total();
        if (n == 0) {
            return Estimate.notEnoughData(0);
        }
        long agreements = 0;
        for (int c = 0; c < categories; c++) {
            agreements += cells[c * categories + c];
        }
        return Estimate.of((double) agreements / n, n);
    }

    /** {@link #accuracy()} with a percentile-bootstrap interval, resampling the matrix's units. */
    public Estimate accuracy(Bootstrap bootstrap) {
        int k = categories;
        return bootstrap.forCells(this, cells -> wrap(k, cells).accuracy());
    }

    /**
     * Of the units the compared side (the judge) called negative, the share the reference also calls negative.
     * Negative is a polarity: any two failing levels match.
     */
    public Estimate negativePrecision(Scale scale) {
        return negativeShare(scale, false);
    }

    /** Of the units the reference (the consensus) calls negative, the share the compared side caught. */
    public Estimate negativeRecall(Scale scale) {
        return negativeShare(scale, true);
    }

    private Estimate negativeShare(Scale scale, boolean byReference) {
        if (scale.categories() != categories) {
            throw new IllegalArgumentException("scale has " + scale.categories() + " categories, matrix " + categories);
        }
        if (!scale.hasNegatives()) {
            return Estimate.notApplicable("the rubric marks no level as negative");
        }
        long bothNegative = 0;
        long denominator = 0;
        for (int i = 0; i < categories; i++) {
            for (int j = 0; j < categories; j++) {
                long cell = cells[i * categories + j];
                boolean referenceNegative = scale.isNegative(i);
                boolean comparedNegative = scale.isNegative(j);
                if (referenceNegative && comparedNegative) {
                    bothNegative += cell;
                }
                if (byReference ? referenceNegative : comparedNegative) {
                    denominator += cell;
                }
            }
        }
        if (denominator == 0) {
            return Estimate.undefined(byReference
                    ? "the reference labels no unit negative"
                    : "the compared side labels no unit negative", 0);
        }
        return Estimate.of((double) bothNegative / denominator, denominator);
    }

    long[] cells() {
        return cells;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < categories; i++) {
            text.append(i == 0 ? "[" : " ").append('[');
            for (int j = 0; j < categories; j++) {
                text.append(j == 0 ? "" : ", ").append(cells[i * categories + j]);
            }
            text.append(']').append(i == categories - 1 ? "]" : "\n");
        }
        return text.toString();
    }
}
