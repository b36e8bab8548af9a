package dev.jury.alignment.dataset;

import dev.jury.rubrics.RubricSpec;

import java.util.Objects;

/**
 * What the data set is built for.
 *
 * @param name            the judge's (and labels') name
 * @param spec            the rubric of the judge version being aligned: labels are read against its values
 * @param rubricVersion   restrict to labels given under this rubric version; {@code null} = all (refused when mixed)
 * @param balanceTarget   the smallest share each side (negative, positive) must have, e.g. 0.30
 * @param rebalance       downsample the larger side to reach the target instead of refusing
 * @param heldoutFraction share of each class held out for the before/after numbers, e.g. 0.2
 * @param seed            seeds the downsampling and the split
 * @param minTraces       fewest usable traces (10)
 */
public record DataSetRequest(String name, RubricSpec spec, Integer rubricVersion, double balanceTarget,
                             boolean rebalance, double heldoutFraction, long seed, int minTraces) {

    public static final double DEFAULT_BALANCE_TARGET = 0.30;
    public static final double DEFAULT_HELDOUT_FRACTION = 0.20;
    public static final int MIN_TRACES = 10;
    /** Fewer held-out traces than this and the run warns that its before/after numbers are noisy. */
    public static final int MIN_HELDOUT = 5;
    /** Reviewers' α below this is flagged (Krippendorff's lowest acceptable value for tentative conclusions). */
    public static final double ALPHA_WARNING = 0.667;

    public DataSetRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        if (!(heldoutFraction > 0 && heldoutFraction < 1)) {
            throw new IllegalArgumentException("heldoutFraction must be in (0, 1), got " + heldoutFraction);
        }
        if (!(balanceTarget >= 0 && balanceTarget <= 0.5)) {
            throw new IllegalArgumentException("balanceTarget must be in [0, 0.5], got " + balanceTarget);
        }
    }
}
