package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LeaveOneOutTest {

    // Units: u1 A=0 B=0 C=1 | u2 all 1 | u3 A=0 B=1 | u4 A=1 alone.
    private final RatingTable table = PublishedData.byRater(2,
            new int[] {0, 1, 0, 1},
            new int[] {0, 1, 1, X},
            new int[] {1, 1, X, X});

    @Test
    void eachReviewerAgainstTheOthersOnly() {
        ConfusionMatrix[] vsOthers = LeaveOneOut.vsOthers(table, Consensus.Rule.MAJORITY);
        // A: u1 others 0/1 tie (skipped); u2 others say 1, A says 1; u3 B says 1, A says 0; u4 nobody else.
        assertArrayEquals(new long[][] {{0, 0}, {1, 1}}, vsOthers[0].toArray());
        // B: u1 tie; u2 (1, 1); u3 A says 0, B says 1.
        assertArrayEquals(new long[][] {{0, 1}, {0, 1}}, vsOthers[1].toArray());
        // C: u1 A and B say 0, C says 1; u2 (1, 1).
        assertArrayEquals(new long[][] {{0, 1}, {0, 1}}, vsOthers[2].toArray());
    }

    @Test
    void withTwoRatersItIsThePairwiseComparison() {
        RatingTable two = PublishedData.fromContingency(PublishedData.gwetAbstractors());
        ConfusionMatrix[] vsOthers = LeaveOneOut.vsOthers(two, Consensus.Rule.MAJORITY);
        // Rater B against A is the transposed contingency table; A against B the table itself.
        assertArrayEquals(PublishedData.gwetAbstractors(), vsOthers[1].toArray());
        assertEquals(CohenKappa.between(two, 0, 1, CohenKappa.Weighting.UNWEIGHTED).value(),
                CohenKappa.of(vsOthers[0], CohenKappa.Weighting.UNWEIGHTED).value(), 1e-12);
    }
}
