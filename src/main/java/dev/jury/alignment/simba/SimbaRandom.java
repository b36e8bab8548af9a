package dev.jury.alignment.simba;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * SIMBA's random draws and its percentile, ported from the Python they come from. DSPy seeds two generators with the
 * same seed ({@code random.Random(seed)} and {@code numpy.random.default_rng(seed)}, the latter only for the Poisson
 * draw); so do we, with {@link SplittableRandom}. The streams are not Python's, so a seed does not reproduce DSPy's
 * exact draws, but the same seed always reproduces ours.
 */
final class SimbaRandom {

    private final SplittableRandom rng;
    private final SplittableRandom poissonRng;

    SimbaRandom(long seed) {
        this.rng = new SplittableRandom(seed);
        this.poissonRng = rng.split();
    }

    /** {@code random.randrange(n)}. */
    int below(int n) {
        return rng.nextInt(n);
    }

    /** {@code random.shuffle}: Fisher–Yates from the end. */
    void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** {@code random.choices(population, weights, k=1)[0]}: cumulative weights, bisect_right on u·total. */
    int weightedChoice(double[] weights) {
        double[] cumulative = new double[weights.length];
        double total = 0.0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i];
            cumulative[i] = total;
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    /** {@code numpy rng.poisson(lambda)}, by Knuth's multiplication method (λ here is at most about 1.25). */
    int poisson(double lambda) {
        if (lambda <= 0.0) {
            return 0;
        }
        double limit = Math.exp(-lambda);
        int k = 0;
        double p = 1.0;
        do {
            k++;
            p *= poissonRng.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    /**
     * {@code numpy.percentile(values, q)} with numpy's default "linear" method, including its two-sided lerp
     * ({@code numpy/lib/_function_base_impl.py: _lerp}).
     */
    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] a = values.clone();
        Arrays.sort(a);
        double virtualIndex = (a.length - 1) * (q / 100.0);
        int previous = (int) Math.floor(virtualIndex);
        int next = Math.min(previous + 1, a.length - 1);
        double gamma = virtualIndex - previous;
        double lo = a[previous];
        double hi = a[next];
        double diff = hi - lo;
        return gamma >= 0.5 ? hi - diff * (1 - gamma) : lo + diff * gamma;
    }
}
