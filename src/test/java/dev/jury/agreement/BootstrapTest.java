package dev.jury.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jury.agreement.KrippendorffAlpha.Level;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void percentilesInterpolateLikeRAndNumPy() {
        // Hyndman & Fan type 7, the default of R's quantile() and numpy.percentile: [1, 2, 3, 4] at 25% is 1.75.
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.75, Bootstrap.quantile(sorted, 0.25), 1e-12);
        assertEquals(2.5, Bootstrap.quantile(sorted, 0.5), 1e-12);
        assertEquals(1, Bootstrap.quantile(sorted, 0), 1e-12);
        assertEquals(4, Bootstrap.quantile(sorted, 1), 1e-12);
        assertEquals(7, Bootstrap.quantile(new double[] {7}, 0.975), 1e-12);
    }

    @Test
    void profileShortcutEqualsRecomputingEachResampleFromRatings() {
        // The fast path redraws unit-profile counts; the slow path builds every resampled table from its ratings.
        // Same seed, same draws: the intervals must be identical.
        RatingTable table = PublishedData.hayesKrippendorff2007();
        Scale scale = Scale.ordinal(4);
        Bootstrap bootstrap = Bootstrap.percentile(200, 99);
        Estimate fast = KrippendorffAlpha.of(table, Level.ORDINAL, scale, bootstrap);

        SplittableRandom random = new SplittableRandom(99);
        double[] values = new double[200];
        for (int b = 0; b < values.length; b++) {
            RatingTable.Builder resample = RatingTable.builder(4);
            for (int draw = 0; draw < table.unitCount(); draw++) {
                int unit = Bootstrap.uniform(random, table.unitCount());
                for (int r = 0; r < table.raterCount(); r++) {
                    resample.add(draw, r, table.value(unit, r));
                }
            }
            values[b] = KrippendorffAlpha.of(resample.build(), Level.ORDINAL, scale).value();
        }
        Arrays.sort(values);
        assertEquals(Bootstrap.quantile(values, 0.025), fast.lower(), 1e-12);
        assertEquals(Bootstrap.quantile(values, 0.975), fast.upper(), 1e-12);
        assertEquals(KrippendorffAlpha.of(table, Level.ORDINAL, scale).value(), fast.value(), 1e-12);
    }

    @Test
    void drawsAreUniform() {
        SplittableRandom random = new SplittableRandom(5);
        int[] seen = new int[3];
        for (int i = 0; i < 300_000; i++) {
            seen[Bootstrap.uniform(random, 3)]++;
        }
        for (int count : seen) {
            assertEquals(100_000, count, 1_500, Arrays.toString(seen));
        }
        assertEquals(0, Bootstrap.uniform(random, 1));
        int big = Integer.MAX_VALUE;
        for (int i = 0; i < 1000; i++) {
            int draw = Bootstrap.uniform(random, big);
            assertTrue(draw >= 0 && draw < big);
        }
    }

    @Test
    void sameSeedSameIntervalOtherSeedOtherInterval() {
        RatingTable table = PublishedData.hayesKrippendorff2007();
        Estimate first = PercentAgreement.of(table, Bootstrap.percentile(300, 1));
        Estimate again = PercentAgreement.of(table, Bootstrap.percentile(300, 1));
        Estimate other = PercentAgreement.of(table, Bootstrap.percentile(300, 2));
        assertEquals(first, again);
        assertNotEquals(first.lower() + "," + first.upper(), other.lower() + "," + other.upper());
    }

    @Test
    void intervalSurroundsTheEstimate() {
        Estimate alpha = KrippendorffAlpha.of(PublishedData.hayesKrippendorff2007(), Level.ORDINAL,
                Scale.ordinal(4), Bootstrap.defaults());
        assertTrue(alpha.hasInterval());
        assertTrue(alpha.lower() < alpha.value() && alpha.value() < alpha.upper(), alpha::toString);
        assertEquals(0.95, alpha.level(), 1e-12);
        assertTrue(alpha.upper() - alpha.lower() < 0.3, alpha::toString);
    }

    @Test
    void perfectAgreementHasAPointInterval() {
        RatingTable table = PublishedData.byRater(3, new int[] {0, 1, 2, 1, 0, 2}, new int[] {0, 1, 2, 1, 0, 2});
        Estimate kappa = FleissKappa.of(table, Bootstrap.defaults());
        assertEquals("1.00 [1.00, 1.00]", kappa.toString());
    }

    @Test
    void noIntervalWhenManyResamplesAreUndefined() {
        // Three units, only one shows a second category: about 30% of resamples miss it and alpha is undefined
        // there, so an interval from the rest would describe a biased subset.
        RatingTable table = PublishedData.byRater(2, new int[] {0, 0, 1}, new int[] {0, 0, 1});
        Estimate alpha = KrippendorffAlpha.of(table, Level.NOMINAL, Scale.nominal(2), Bootstrap.defaults());
        assertTrue(alpha.isOk());
        assertFalse(alpha.hasInterval());
        assertEquals("1.00", alpha.toString());
    }

    @Test
    void noBootstrapNoInterval() {
        Estimate alpha = KrippendorffAlpha.of(PublishedData.krippendorff2011(), Level.NOMINAL, Scale.nominal(5),
                Bootstrap.none());
        assertFalse(alpha.hasInterval());
        assertFalse(Bootstrap.none().enabled());
    }

    @Test
    void cohenKappaResamplesTheMatrixUnits() {
        ConfusionMatrix matrix = ConfusionMatrix.of(PublishedData.gwetAbstractors());
        Estimate kappa = CohenKappa.of(matrix, CohenKappa.Weighting.UNWEIGHTED, Bootstrap.percentile(500, 3));
        assertEquals(0.796, kappa.value(), 1e-3);
        assertTrue(kappa.lower() < 0.796 && 0.796 < kappa.upper(), kappa::toString);
        assertEquals(100, kappa.n());
    }

    @Test
    void rejectsNonsenseSettings() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Bootstrap.percentile(-1, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Bootstrap.percentile(10, 0, 1.0));
    }
}
