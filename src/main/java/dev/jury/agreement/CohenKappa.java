package dev.jury.agreement;

/**
 * Cohen's κ for two raters (Cohen 1960), optionally weighted for ordered rubrics (Cohen 1968):
 * κ = 1 − Σ v·observed / Σ v·expected, where v is the disagreement weight of a cell and "expected" is the
 * product of the two raters' own marginals.
 *
 * <p>Weights use the categories' positions in the rubric (linear |i − j|, quadratic (i − j)²), not their
 * labels, so "poor / fair / good" and "1 / 2 / 3" weigh the same. Scaling the weights does not change κ, so
 * the usual normalisation by (k − 1) is left out.
 */
public final class CohenKappa {

    public enum Weighting { UNWEIGHTED, LINEAR, QUADRATIC }

    private CohenKappa() {
    }

    public static Estimate of(ConfusionMatrix matrix, Weighting weighting) {
        int k = matrix.categories();
        long[] cells = matrix.cells();
        long n = matrix.total();
        if (n < 2) {
            return Estimate.notEnoughData(n);
        }
        long[] rows = new long[k];
        long[] columns = new long[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                rows[i] += cells[i * k + j];
                columns[j] += cells[i * k + j];
            }
        }
        double observed = 0;
        double expected = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double weight = disagreement(weighting, i, j);
                if (weight != 0) {
                    observed += weight * cells[i * k + j];
                    expected += weight * ((double) rows[i] * columns[j] / n);
                }
            }
        }
        if (expected == 0) {
            return Estimate.undefined("expected disagreement is 0: every rating is category "
                    + onlyCategory(rows), n);
        }
        return Estimate.of(1 - observed / expected, n);
    }

    /** κ with a percentile-bootstrap interval, resampling the matrix's units. */
    public static Estimate of(ConfusionMatrix matrix, Weighting weighting, Bootstrap bootstrap) {
        int k = matrix.categories();
        return bootstrap.forCells(matrix, cells -> of(ConfusionMatrix.wrap(k, cells), weighting));
    }

    /** κ between two raters of the table over the units both rated (rater A is the rows). */
    public static Estimate between(RatingTable table, int raterA, int raterB, Weighting weighting) {
        return of(ConfusionMatrix.between(table, raterA, raterB), weighting);
    }

    static double disagreement(Weighting weighting, int i, int j) {
        int d = Math.abs(i - j);
        return switch (weighting) {
            case UNWEIGHTED -> d == 0 ? 0 : 1;
            case LINEAR -> d;
            case QUADRATIC -> (double) d * d;
        };
    }

    private static int onlyCategory(long[] totals) {
        for (int c = 0; c < totals.length; c++) {
            if (totals[c] > 0) {
                return c;
            }
        }
        return -1;
    }
}
