package dev.jury.alignment.simba;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimbaRandomTest {

    /** Expected values printed by numpy 2.x: {@code repr(float(np.percentile(values, q)))}. */
    @Test
    void percentileMatchesNumpysDefaultLinearMethod() {
        assertEquals(0.1, SimbaRandom.percentile(new double[]{0, 1}, 10));
        assertEquals(0.9, SimbaRandom.percentile(new double[]{0, 1}, 90));
        assertEquals(1.3, SimbaRandom.percentile(new double[]{1, 2, 3, 4}, 10));
        assertEquals(3.7, SimbaRandom.percentile(new double[]{1, 2, 3, 4}, 90));
        assertEquals(0.0, SimbaRandom.percentile(new double[]{0, 0, 1}, 10));
        assertEquals(0.8, SimbaRandom.percentile(new double[]{0, 0, 1}, 90));
        assertEquals(0.2, SimbaRandom.percentile(new double[]{0, 1, 1}, 10));
        assertEquals(1.0, SimbaRandom.percentile(new double[]{0, 1, 1}, 90));
        assertEquals(0.19, SimbaRandom.percentile(new double[]{0.3, 0.1, 0.7, 0.25, 0.9, 0.5, 0.45}, 10));
        assertEquals(0.78, SimbaRandom.percentile(new double[]{0.3, 0.1, 0.7, 0.25, 0.9, 0.5, 0.45}, 90));
        assertEquals(0.0, SimbaRandom.percentile(new double[]{0, 0, 0, 0, 0, 1, 1, 1}, 10));
        assertEquals(1.0, SimbaRandom.percentile(new double[]{0, 0, 0, 0, 0, 1, 1, 1}, 90));
        assertEquals(2.5, SimbaRandom.percentile(new double[]{2.5}, 10));
    }

    @Test
    void sameSeedSameDrawsAndZeroIsASeed() {
        SimbaRandom a = new SimbaRandom(0);
        SimbaRandom b = new SimbaRandom(0);
        int[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] y = x.clone();
        a.shuffle(x);
        b.shuffle(y);
        assertArrayEquals(x, y);
        assertEquals(a.poisson(1.0), b.poisson(1.0));
        assertEquals(a.below(100), b.below(100));
        int[] z = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new SimbaRandom(1).shuffle(z);
        assertNotEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(z));
    }

    @Test
    void poissonHasTheRightMean() {
        SimbaRandom random = new SimbaRandom(42);
        assertEquals(0, random.poisson(0.0));
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            sum += random.poisson(0.75);
        }
        assertEquals(0.75, sum / n, 0.03);
    }

    @Test
    void weightedChoiceFollowsTheWeights() {
        SimbaRandom random = new SimbaRandom(7);
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            counts[random.weightedChoice(new double[]{0.7, 0.2, 0.1})]++;
        }
        assertEquals(0.7, counts[0] / 30_000.0, 0.02);
        assertEquals(0.2, counts[1] / 30_000.0, 0.02);
        assertTrue(counts[2] > 0);
        assertEquals(1, new SimbaRandom(3).weightedChoice(new double[]{0.0, 1.0, 0.0}));
    }
}
