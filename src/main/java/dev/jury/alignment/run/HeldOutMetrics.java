package dev.jury.alignment.run;

import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.CohenKappa;
import dev.jury.agreement.ConfusionMatrix;
import dev.jury.agreement.Estimate;
import dev.jury.judges.prompt.Verdict;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.util.ArrayList;
import java.util.List;

/**
 * A judge version's numbers on the held-out traces against their consensus labels: accuracy and Cohen's κ with
 * seeded percentile-bootstrap intervals, and the confusion matrix (rows = consensus, columns = judge).
 *
 * <p>A failed judge call is a disagreement, as it scores 0 during alignment: when there are any, the matrix gets an
 * {@code (error)} column (and an always-empty row, so it stays square), and accuracy and κ count them against the
 * judge. κ is unweighted for yes/no rubrics and quadratic-weighted for ordered levels, as the agreement report does.
 *
 * @param traces       held-out traces
 * @param correct      verdicts equal to the consensus
 * @param errors       failed judge calls
 * @param accuracy     correct / traces
 * @param accuracyLow  lower bound of the 95% interval; {@code null} without one
 * @param kappa        Cohen's κ; {@code null} when undefined (e.g. a single class everywhere)
 * @param kappaNote    why κ is missing
 * @param weighting    {@code unweighted} or {@code quadratic}
 * @param categories   the matrix's categories: the rubric's values, then {@code (error)} when there were errors
 * @param confusion    {@code confusion[consensus][judge]}
 */
public record HeldOutMetrics(int traces, int correct, int errors, double accuracy, Double accuracyLow,
                             Double accuracyHigh, Double kappa, Double kappaLow, Double kappaHigh, String kappaNote,
                             String weighting, List<String> categories, long[][] confusion) {

    public static final String ERROR = "(error)";
    static final int RESAMPLES = 1000;

    /**
     * @param labels   the consensus label of each held-out trace (rubric values)
     * @param verdicts the judge's verdict on each, same order
     * @param seed     the run's seed, so the intervals are reproducible
     */
    public static HeldOutMetrics of(RubricSpec spec, List<String> labels, List<Verdict> verdicts, long seed) {
        if (labels.size() != verdicts.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + verdicts.size() + " verdicts");
        }
        List<String> categories = new ArrayList<>(RubricValues.allowedValues(spec));
        int k = categories.size();
        int[] judged = new int[verdicts.size()];
        int errors = 0;
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            judged[i] = v == null || v.isError() ? -1 : RubricValues.indexOf(spec, v.value());
            if (judged[i] < 0) {
                errors++;
            }
        }
        int size = errors > 0 ? k + 1 : k;
        if (errors > 0) {
            categories.add(ERROR);
        }
        long[][] counts = new long[size][size];
        int correct = 0;
        for (int i = 0; i < labels.size(); i++) {
            int reference = RubricValues.indexOf(spec, labels.get(i));
            if (reference < 0) {
                throw new IllegalArgumentException("label '" + labels.get(i) + "' is not a value of the rubric");
            }
            int column = judged[i] < 0 ? k : judged[i];
            counts[reference][column]++;
            if (column == reference) {
                correct++;
            }
        }
        ConfusionMatrix matrix = ConfusionMatrix.of(counts);
        Bootstrap bootstrap = Bootstrap.percentile(RESAMPLES, seed);
        boolean ordered = spec.kind() != RubricKind.BOOLEAN;
        CohenKappa.Weighting weighting = ordered ? CohenKappa.Weighting.QUADRATIC : CohenKappa.Weighting.UNWEIGHTED;
        Estimate accuracy = labels.isEmpty() ? Estimate.notEnoughData(0) : matrix.accuracy(bootstrap);
        Estimate kappa = CohenKappa.of(matrix, weighting, bootstrap);
        return new HeldOutMetrics(labels.size(), correct, errors,
                labels.isEmpty() ? 0 : (double) correct / labels.size(),
                accuracy.hasInterval() ? accuracy.lower() : null, accuracy.hasInterval() ? accuracy.upper() : null,
                kappa.isOk() ? kappa.value() : null, kappa.hasInterval() ? kappa.lower() : null,
                kappa.hasInterval() ? kappa.upper() : null, kappa.isOk() ? null : kappa.toString(),
                ordered ? "quadratic" : "unweighted", List.copyOf(categories), counts);
    }

    /** Equal in every number, the matrix compared cell by cell (a record's equals compares arrays by identity). */
    public boolean sameAs(HeldOutMetrics other) {
        return other != null && java.util.Arrays.deepEquals(confusion, other.confusion)
                && new HeldOutMetrics(traces, correct, errors, accuracy, accuracyLow, accuracyHigh, kappa, kappaLow,
                kappaHigh, kappaNote, weighting, categories, null).equals(new HeldOutMetrics(other.traces,
                other.correct, other.errors, other.accuracy, other.accuracyLow, other.accuracyHigh, other.kappa,
                other.kappaLow, other.kappaHigh, other.kappaNote, other.weighting, other.categories, null));
    }

    /** Row {@code i} of the matrix, for templates. */
    public List<Long> row(int i) {
        List<Long> row = new ArrayList<>();
        for (long c : confusion[i]) {
            row.add(c);
        }
        return row;
    }
}
