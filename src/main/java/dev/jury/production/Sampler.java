package dev.jury.production;

/**
 * Which traces online scoring samples: a trace is in the sample when a hash of (trace id, judge id) falls below the
 * sample rate. Deterministic, so a restart, a second replica or a re-examined trace reaches the same decision
 * without any stored state; independent between judges, so two judges at rate 0.5 do not score the same half; and
 * monotone in the rate, so raising it keeps every trace already sampled.
 */
public final class Sampler {

    private Sampler() {
    }

    /** Whether the trace is in the judge's sample at {@code rate} (0 = none, 1 = all). */
    public static boolean sampled(long traceId, long judgeId, double rate) {
        if (rate <= 0) {
            return false;
        }
        if (rate >= 1) {
            return true;
        }
        return unit(traceId, judgeId) < rate;
    }

    /** The trace's position in [0, 1) for this judge, uniformly spread. */
    static double unit(long traceId, long judgeId) {
        long h = mix(traceId * 0x9E3779B97F4A7C15L + mix(judgeId ^ 0x632BE59BD9B4E019L));
        return (h >>> 11) * 0x1.0p-53; // the top 53 bits as a double in [0, 1)
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014): consecutive ids come out unrelated. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
