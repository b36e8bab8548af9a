package dev.jury.agreement;

/**
 * Fleiss' κ (Fleiss 1971): chance-corrected agreement for any number of raters, defined only when every unit
 * carries the same number of ratings. κ = (P̄ − P̄e) / (1 − P̄e), with P̄ the mean pairwise agreement per unit and
 * P̄e = Σ p_j² from the pooled category shares.
 *
 * <p>Units with a single rating cannot agree or disagree with anyone; they are left out (as α leaves them out)
 * rather than making Fleiss' κ inapplicable to every queue that is still in progress.
 */
public final class FleissKappa {

    private FleissKappa() {
    }

    public static Estimate of(RatingTable table) {
        return of(table, Bootstrap.none());
    }

    public static Estimate of(RatingTable table, Bootstrap bootstrap) {
        CategoryCounts counts = table.counts();
        return bootstrap.forTable(table, w -> compute(counts, w));
    }

    static Estimate compute(CategoryCounts counts, long[] unitsPerProfile) {
        long units = counts.pairableUnits(unitsPerProfile);
        if (units < 2) {
            return Estimate.notEnoughData(units);
        }
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (int p = 0; p < counts.profiles; p++) {
            if (counts.ratings[p] >= 2 && unitsPerProfile[p] > 0) {
                fewest = Math.min(fewest, counts.ratings[p]);
                most = Math.max(most, counts.ratings[p]);
            }
        }
        if (fewest != most) {
            return Estimate.notApplicable("units have between " + fewest + " and " + most
                    + " ratings; Fleiss' κ needs the same number of ratings on every unit");
        }
        int only = counts.onlyCategoryUsed(unitsPerProfile);
        if (only >= 0) {
            return Estimate.undefined("expected disagreement is 0: every rating is category " + only, units);
        }
        int m = most;
        int k = counts.categories;
        double[] share = new double[k];
        double agreement = 0;
        for (int p = 0; p < counts.profiles; p++) {
            long w = unitsPerProfile[p];
            if (counts.ratings[p] < 2 || w == 0) {
                continue;
            }
            agreement += w * PercentAgreement.agreeingPairShare(counts, p);
            for (int c = 0; c < k; c++) {
                share[c] += (double) w * counts.count(p, c);
            }
        }
        double meanAgreement = agreement / units;
        double chance = 0;
        for (int c = 0; c < k; c++) {
            double pc = share[c] / ((double) units * m);
            chance += pc * pc;
        }
        return Estimate.of((meanAgreement - chance) / (1 - chance), units);
    }
}
