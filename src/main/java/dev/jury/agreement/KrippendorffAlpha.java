package dev.jury.agreement;

import java.util.Locale;

/**
 * Krippendorff's α through the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"): any number of raters, missing ratings, and a choice of difference metric.
 *
 * <p>α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where o_ck = Σ_u (pairs (c, k) within unit u) / (m_u − 1)
 * over units with m_u ≥ 2 ratings, n_c its marginals and n = Σ n_c. It is the headline number because it
 * tolerates unequal numbers of ratings per trace, which every live review queue has.
 */
public final class KrippendorffAlpha {

    /** Level of measurement, i.e. the difference function δ². */
    public enum Level {
        /** δ² = 1 when the categories differ. */
        NOMINAL,
        /** δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²: distance by how many values lie between, not by labels. */
        ORDINAL,
        /** δ² = (v_c − v_k)² on the categories' numeric values. */
        INTERVAL,
        /** δ² = ((v_c − v_k) / (v_c + v_k))² on non-negative numeric values. */
        RATIO
    }

    private KrippendorffAlpha() {
    }

    /** α with numeric values equal to the category positions. */
    public static Estimate of(RatingTable table, Level level) {
        return of(table, level, Scale.nominal(table.categories()), Bootstrap.none());
    }

    public static Estimate of(RatingTable table, Level level, Scale scale) {
        return of(table, level, scale, Bootstrap.none());
    }

    public static Estimate of(RatingTable table, Level level, Scale scale, Bootstrap bootstrap) {
        if (scale.categories() != table.categories()) {
            throw new IllegalArgumentException("scale has " + scale.categories() + " categories, table "
                    + table.categories());
        }
        CategoryCounts counts = table.counts();
        double[] values = scale.values();
        return bootstrap.forTable(table, w -> compute(counts, w, level, values));
    }

    static Estimate compute(CategoryCounts counts, long[] unitsPerProfile, Level level, double[] values) {
        long pairable = counts.pairableUnits(unitsPerProfile);
        if (pairable < 2) {
            return Estimate.notEnoughData(pairable);
        }
        if (level == Level.RATIO) {
            for (double v : values) {
                if (v < 0) {
                    return Estimate.notApplicable("the ratio metric needs non-negative category values");
                }
            }
        }
        int k = counts.categories;
        double[] coincidences = coincidences(counts, unitsPerProfile);
        double[] marginals = new double[k];
        double n = 0;
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < k; d++) {
                marginals[c] += coincidences[c * k + d];
            }
            n += marginals[c];
        }
        double observed = 0;
        double expected = 0;
        for (int c = 0; c < k; c++) {
            for (int d = c + 1; d < k; d++) {
                double delta = difference(level, c, d, marginals, values);
                // The matrices are symmetric: count (c, d) and (d, c) once each by doubling.
                observed += 2 * coincidences[c * k + d] * delta;
                expected += 2 * marginals[c] * marginals[d] * delta;
            }
        }
        if (expected == 0) {
            int only = counts.onlyCategoryUsed(unitsPerProfile);
            return Estimate.undefined(only >= 0
                    ? "expected disagreement is 0: every rating is category " + only
                    : "expected disagreement is 0: the rated categories do not differ under the "
                            + level.name().toLowerCase(Locale.ROOT) + " metric", pairable);
        }
        return Estimate.of(1 - (n - 1) * observed / expected, pairable);
    }

    /** The k × k coincidence matrix (row-major): each unit's m(m − 1) ordered value pairs, weighted 1/(m − 1). */
    static double[] coincidences(CategoryCounts counts, long[] unitsPerProfile) {
        int k = counts.categories;
        double[] o = new double[k * k];
        for (int p = 0; p < counts.profiles; p++) {
            int m = counts.ratings[p];
            long w = unitsPerProfile[p];
            if (m < 2 || w == 0) {
                continue;
            }
            double weight = (double) w / (m - 1);
            for (int c = 0; c < k; c++) {
                int nc = counts.count(p, c);
                if (nc == 0) {
                    continue;
                }
                for (int d = 0; d < k; d++) {
                    int nd = counts.count(p, d);
                    long pairs = c == d ? (long) nc * (nc - 1) : (long) nc * nd;
                    o[c * k + d] += weight * pairs;
                }
            }
        }
        return o;
    }

    private static double difference(Level level, int c, int d, double[] marginals, double[] values) {
        return switch (level) {
            case NOMINAL -> 1;
            case ORDINAL -> {
                double between = 0;
                for (int g = Math.min(c, d); g <= Math.max(c, d); g++) {
                    between += marginals[g];
                }
                double distance = between - (marginals[c] + marginals[d]) / 2;
                yield distance * distance;
            }
            case INTERVAL -> {
                double distance = values[c] - values[d];
                yield distance * distance;
            }
            case RATIO -> {
                double sum = values[c] + values[d];
                double distance = sum == 0 ? 0 : (values[c] - values[d]) / sum;
                yield distance * distance;
            }
        };
    }
}
