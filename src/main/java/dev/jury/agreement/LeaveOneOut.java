package dev.jury.agreement;

import java.util.Arrays;

/**
 * Each reviewer against the consensus of the <em>other</em> reviewers on the same traces.
 *
 * <p>Comparing a reviewer with a consensus that includes their own label flatters them (with two raters they
 * would always agree with a majority they are half of), so their label is removed before the consensus is
 * taken. Units where the others have no consensus (no other label, or a tie) are not counted.
 */
public final class LeaveOneOut {

    private LeaveOneOut() {
    }

    /** Per rater (by index): rows = consensus of the others, columns = the rater's own label. */
    public static ConfusionMatrix[] vsOthers(RatingTable table, Consensus.Rule rule) {
        return vsOthers(table, cellOfRating(table, rule));
    }

    static ConfusionMatrix[] vsOthers(RatingTable table, int[] cellOfRating) {
        int k = table.categories();
        long[][] cells = new long[table.raterCount()][k * k];
        for (int i = 0; i < cellOfRating.length; i++) {
            if (cellOfRating[i] >= 0) {
                cells[table.raterAt(i)][cellOfRating[i]]++;
            }
        }
        ConfusionMatrix[] matrices = new ConfusionMatrix[table.raterCount()];
        for (int r = 0; r < matrices.length; r++) {
            matrices[r] = ConfusionMatrix.wrap(k, cells[r]);
        }
        return matrices;
    }

    /**
     * For each rating (by table position), the confusion cell {@code othersConsensus * k + ownLabel}, or -1 when
     * the other raters of that unit have no consensus.
     */
    static int[] cellOfRating(RatingTable table, Consensus.Rule rule) {
        int k = table.categories();
        int[] cellOfRating = new int[table.ratingCount()];
        int[] counts = new int[k];
        for (int u = 0; u < table.unitCount(); u++) {
            Arrays.fill(counts, 0);
            for (int i = table.start(u); i < table.start(u + 1); i++) {
                counts[table.valueAt(i)]++;
            }
            for (int i = table.start(u); i < table.start(u + 1); i++) {
                int own = table.valueAt(i);
                counts[own]--;
                int others = rule.apply(counts);
                counts[own]++;
                cellOfRating[i] = others == Consensus.NONE ? -1 : others * k + own;
            }
        }
        return cellOfRating;
    }
}
