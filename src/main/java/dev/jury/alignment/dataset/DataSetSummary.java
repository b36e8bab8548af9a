package dev.jury.alignment.dataset;

import java.util.List;
import java.util.Map;

/**
 * The data set as the API and the pages show it: counts, what was left out and why, α, warnings and refusals — not
 * the items themselves (the split is kept on the run).
 */
public record DataSetSummary(boolean ready, int candidates, int usable, int train, int heldout,
                             List<DataSet.ClassCount> classes, long negatives, long positives,
                             List<DataSet.Exclusion> excluded, long disagreements, Map<String, Long> ignoredLabels,
                             long supersededLabels, Map<Integer, Long> labelsPerRubricVersion, Integer rubricVersion,
                             DataSet.Rebalance rebalanced, Double alpha, String alphaLevel, String alphaNote,
                             boolean alphaWarning, List<String> warnings, List<DataSet.Refusal> refusals) {

    public static DataSetSummary of(DataSet ds) {
        return new DataSetSummary(ds.ready(), ds.candidates(), ds.items().size(), ds.train().size(),
                ds.heldout().size(), ds.classes(), ds.negatives(), ds.positives(), ds.excluded(), ds.disagreements(),
                ds.ignoredLabels(), ds.supersededLabels(), ds.labelsPerRubricVersion(), ds.rubricVersion(),
                ds.rebalanced(), ds.alpha(), ds.alphaLevel(), ds.alphaNote(),
                ds.alpha() != null && ds.alpha() < DataSetRequest.ALPHA_WARNING, ds.warnings(), ds.refusals());
    }

    public boolean mixedRubricVersions() {
        return labelsPerRubricVersion.size() > 1;
    }
}
