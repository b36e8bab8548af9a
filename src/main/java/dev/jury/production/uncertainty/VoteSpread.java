package dev.jury.production.uncertainty;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much N repeated answers of a judge to one trace disagree (docs/production.md, "Review queues fed by the
 * judge's uncertainty"). Pure.
 *
 * <ul>
 *   <li><b>uncertainty</b> = the Shannon entropy of the vote shares divided by its largest possible value
 *       log(min(N, K)) for N votes over K rubric levels: 0 when every sample gave the same value, 1 when the votes
 *       are spread as evenly as N and K allow. With N = 3 on a yes/no rubric: 3–0 → 0, 2–1 → 0.918.</li>
 *   <li><b>minority share</b> = 1 − (largest vote count) / N: the share of samples that did not give the most
 *       common value (2–1 → 1/3).</li>
 * </ul>
 * Failed samples (no valid value) are not votes; a trace with fewer than two votes has no measurable spread.
 */
public final class VoteSpread {

    /** The votes of one trace and what they say. */
    public record Spread(Map<String, Integer> votes, int samples, int errors, double uncertainty,
                         double minorityShare) {
    }

    private VoteSpread() {
    }

    /**
     * @param answers one entry per sample: the value it gave, or null for a failed sample
     * @param levels  the rubric's number of levels (K)
     */
    public static Spread of(List<String> answers, int levels) {
        var votes = new TreeMap<String, Integer>();
        int errors = 0;
        for (String answer : answers) {
            if (answer == null) {
                errors++;
            } else {
                votes.merge(answer, 1, Integer::sum);
            }
        }
        int n = answers.size() - errors;
        return new Spread(votes, answers.size(), errors, entropy(votes, n, levels), minorityShare(votes, n));
    }

    /** Normalised entropy in [0, 1]; 0 for fewer than two votes or a single possible value. */
    static double entropy(Map<String, Integer> votes, int n, int levels) {
        int most = Math.min(n, Math.max(levels, votes.size()));
        if (n < 2 || most < 2) {
            return 0;
        }
        double h = 0;
        for (int count : votes.values()) {
            double p = (double) count / n;
            h -= p * Math.log(p);
        }
        return Math.min(1, Math.max(0, h / Math.log(most)));
    }

    static double minorityShare(Map<String, Integer> votes, int n) {
        if (n == 0) {
            return 0;
        }
        int max = votes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return 1 - (double) max / n;
    }

    /** The embedded judge's vote margin (0 = a tie … 1 = unanimous) as an uncertainty: 1 − margin, clamped. */
    public static double fromMargin(double margin) {
        return Math.min(1, Math.max(0, 1 - margin));
    }
}
