package dev.jury.agreement;

/**
 * Gwet's AC1 (Gwet 2008; Handbook of Inter-Rater Reliability, 4th ed., 2014), for any number of raters and
 * missing ratings: AC1 = (p_a − p_e) / (1 − p_e), with p_a the percent agreement and
 * p_e = Σ π_k (1 − π_k) / (q − 1), π_k the mean share of category k per unit and q the rubric's number of levels.
 *
 * <p>Shown because κ and α collapse when one class dominates (most traces pass): chance agreement is then
 * estimated as near-certain and a high raw agreement reads as "poor". AC1 bounds chance agreement by 1/q.
 * As in Gwet's irrCAC, π_k averages over every rated unit, single-rated ones included; p_a only over pairable
 * units; q counts all rubric levels, used or not.
 */
public final class GwetAc1 {

    private GwetAc1() {
    }

    public static Estimate of(RatingTable table) {
        return of(table, Bootstrap.none());
    }

    public static Estimate of(RatingTable table, Bootstrap bootstrap) {
        CategoryCounts counts = table.counts();
        return bootstrap.forTable(table, w -> compute(counts, w));
    }

    static Estimate compute(CategoryCounts counts, long[] unitsPerProfile) {
        long pairable = counts.pairableUnits(unitsPerProfile);
        if (pairable < 2) {
            return Estimate.notEnoughData(pairable);
        }
        int q = counts.categories;
        if (q < 2) {
            return Estimate.undefined("the rubric has a single level, so every rating agrees by construction",
                    pairable);
        }
        double agreement = 0;
        long rated = 0;
        double[] meanShare = new double[q];
        for (int p = 0; p < counts.profiles; p++) {
            long w = unitsPerProfile[p];
            int m = counts.ratings[p];
            if (w == 0 || m == 0) {
                continue;
            }
            rated += w;
            if (m >= 2) {
                agreement += w * PercentAgreement.agreeingPairShare(counts, p);
            }
            for (int c = 0; c < q; c++) {
                meanShare[c] += (double) w * counts.count(p, c) / m;
            }
        }
        double pa = agreement / pairable;
        double spread = 0;
        for (int c = 0; c < q; c++) {
            double pi = meanShare[c] / rated;
            spread += pi * (1 - pi);
        }
        double pe = spread / (q - 1);
        return Estimate.of((pa - pe) / (1 - pe), pairable);
    }
}
