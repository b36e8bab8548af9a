package dev.jury.alignment.dataset;

import java.util.List;
import java.util.Map;

/**
 * The alignment data set and its preview: what will be used, what was left out and why, the reviewers' agreement on
 * these traces, and — when it cannot be used — the refusals with their numbers.
 *
 * @param name                   the judge's name
 * @param candidates             traces with at least one current valid human label of the name
 * @param items                  the traces used (consensus label), after any rebalancing, in trace id order
 * @param excluded               candidate traces left out, with the reason
 * @param ignoredLabels          labels not counted, by reason (value outside the rubric, other rubric version)
 * @param supersededLabels       superseded or invalid labels of the name on these traces, never counted
 * @param classes                traces per rubric value, in rubric order
 * @param negatives              traces whose consensus is on the failing side
 * @param positives              the others
 * @param labelsPerRubricVersion human labels per rubric version number
 * @param rubricVersion          the version labels were restricted to; {@code null} for all
 * @param rebalanced             what downsampling dropped; {@code null} when it did not run
 * @param train                  the optimizer's examples
 * @param heldout                the traces scored before and after
 * @param alpha                  reviewers' Krippendorff α on the candidate traces; {@code null} when not computable
 * @param alphaLevel             {@code nominal} or {@code ordinal}
 * @param alphaNote              why α is missing, when it is
 * @param refusals               why no run can start; empty when it can
 * @param warnings               what the admin should know before starting
 */
public record DataSet(String name, int candidates, List<Item> items, List<Exclusion> excluded,
                      Map<String, Long> ignoredLabels, long supersededLabels, List<ClassCount> classes,
                      long negatives, long positives, Map<Integer, Long> labelsPerRubricVersion,
                      Integer rubricVersion, Rebalance rebalanced, List<Item> train, List<Item> heldout,
                      Double alpha, String alphaLevel, String alphaNote, List<Refusal> refusals,
                      List<String> warnings) {

    /** One usable trace with its consensus label. */
    public record Item(long traceId, String label, String rationale, boolean adjudicated, int labels) {
    }

    public record Exclusion(long traceId, String reason) {
    }

    public record ClassCount(String value, boolean negative, long traces) {
    }

    /**
     * @param side    {@code positive} or {@code negative}: the side that was downsampled
     * @param before  its traces before
     * @param after   its traces kept
     */
    public record Rebalance(String side, long before, long after) {
        public String describe() {
            return "Rebalanced by downsampling: kept " + after + " of " + before + " " + side + " traces.";
        }
    }

    /**
     * Why a run cannot start.
     *
     * @param code    {@code too_few}, {@code mixed_rubric_versions}, {@code unbalanced}
     * @param field   the request field the admin can change
     * @param message the exact message, with the numbers
     */
    public record Refusal(String code, String field, String message) {
    }

    public boolean ready() {
        return refusals.isEmpty();
    }

    public boolean mixedRubricVersions() {
        return labelsPerRubricVersion.size() > 1;
    }

    public long excludedCount() {
        return excluded.size();
    }

    /** Traces left out because their labels have no strict majority. */
    public long disagreements() {
        return excluded.stream().filter(e -> e.reason().startsWith(DataSetBuilder.NO_CONSENSUS)).count();
    }

    public double negativeShare() {
        long total = negatives + positives;
        return total == 0 ? 0 : (double) negatives / total;
    }
}
