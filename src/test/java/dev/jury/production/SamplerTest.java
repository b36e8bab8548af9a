package dev.jury.production;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    private static int sampledOf(int n, long firstId, long judge, double rate) {
        int k = 0;
        for (long id = firstId; id < firstId + n; id++) {
            if (Sampler.sampled(id, judge, rate)) {
                k++;
            }
        }
        return k;
    }

    @Test
    void theSameTraceAndJudgeAlwaysGetTheSameDecision() {
        for (long id = 1; id < 2_000; id++) {
            boolean first = Sampler.sampled(id, 7, 0.3);
            for (int again = 0; again < 3; again++) {
                assertEquals(first, Sampler.sampled(id, 7, 0.3), "trace " + id);
            }
            assertEquals(Sampler.unit(id, 7), Sampler.unit(id, 7));
        }
    }

    @Test
    void theShareSampledIsTheRateWithinSamplingError() {
        int n = 100_000;
        for (double rate : new double[]{0.01, 0.1, 0.5, 0.9}) {
            int k = sampledOf(n, 1, 42, rate);
            // 5 binomial standard deviations: a correct sampler fails this about once in 3.5 million runs
            double sd = Math.sqrt(n * rate * (1 - rate));
            assertTrue(Math.abs(k - n * rate) < 5 * sd, "rate " + rate + ": " + k + " of " + n);
        }
        // consecutive ids (what a sequence gives) are not clumped: every block of 1,000 is near the rate too
        for (long block = 0; block < 20; block++) {
            int k = sampledOf(1_000, 1 + block * 1_000, 3, 0.5);
            assertTrue(k > 420 && k < 580, "block " + block + ": " + k);
        }
    }

    @Test
    void rateZeroTakesNothingAndRateOneTakesEverything() {
        assertEquals(0, sampledOf(10_000, 1, 5, 0.0));
        assertEquals(10_000, sampledOf(10_000, 1, 5, 1.0));
        assertFalse(Sampler.sampled(1, 5, -1));
        assertTrue(Sampler.sampled(1, 5, 2));
    }

    @Test
    void raisingTheRateKeepsEveryTraceAlreadySampled() {
        for (long id = 1; id < 20_000; id++) {
            if (Sampler.sampled(id, 11, 0.2)) {
                assertTrue(Sampler.sampled(id, 11, 0.5), "trace " + id);
            }
        }
    }

    @Test
    void twoJudgesSampleDifferentTraces() {
        int both = 0;
        int n = 40_000;
        for (long id = 1; id <= n; id++) {
            if (Sampler.sampled(id, 1, 0.5) && Sampler.sampled(id, 2, 0.5)) {
                both++;
            }
        }
        // independent halves overlap on a quarter; the same half would overlap on a half
        assertTrue(Math.abs(both - n * 0.25) < 5 * Math.sqrt(n * 0.25 * 0.75), "overlap " + both);
    }
}
