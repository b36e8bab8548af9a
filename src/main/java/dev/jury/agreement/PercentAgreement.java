package dev.jury.agreement;

/**
 * Percent agreement: on each unit with two or more ratings, the share of rater pairs that chose the same
 * category; averaged over those units, each unit counting once (Fleiss' P̄, Gwet's p_a). For two raters it is
 * the plain share of units they agree on.
 *
 * <p>It is not corrected for chance, so it is shown beside κ and α, never instead of them.
 */
public final class PercentAgreement {

    private PercentAgreement() {
    }

    public static Estimate of(RatingTable table) {
        return of(table, Bootstrap.none());
    }

    public static Estimate of(RatingTable table, Bootstrap bootstrap) {
        CategoryCounts counts = table.counts();
        return bootstrap.forTable(table, w -> compute(counts, w));
    }

    static Estimate compute(CategoryCounts counts, long[] unitsPerProfile) {
        double sum = 0;
        long pairable = 0;
        for (int p = 0; p < counts.profiles; p++) {
            int m = counts.ratings[p];
            long units = unitsPerProfile[p];
            if (m < 2 || units == 0) {
                continue;
            }
            sum += units * agreeingPairShare(counts, p);
            pairable += units;
        }
        if (pairable == 0) {
            return Estimate.notEnoughData(0);
        }
        return Estimate.of(sum / pairable, pairable);
    }

    /** Share of ordered rater pairs on a unit with this profile that agree: Σ n_c(n_c − 1) / m(m − 1). */
    static double agreeingPairShare(CategoryCounts counts, int profile) {
        int m = counts.ratings[profile];
        long agreeing = 0;
        for (int c = 0; c < counts.categories; c++) {
            long n = counts.count(profile, c);
            agreeing += n * (n - 1);
        }
        return (double) agreeing / ((long) m * (m - 1));
    }
}
