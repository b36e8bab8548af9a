package dev.jury.agreement;

import static dev.jury.agreement.Consensus.NONE;
import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsensusTest {

    @Test
    void majorityNeedsMoreThanHalf() {
        assertEquals(0, Consensus.majority(new int[] {2, 1}));
        assertEquals(1, Consensus.majority(new int[] {0, 3, 0}));
        assertEquals(0, Consensus.majority(new int[] {3, 1, 1}));
        assertEquals(NONE, Consensus.majority(new int[] {2, 2, 1}), "2 of 5 is a plurality, not a majority");
        assertEquals(NONE, Consensus.majority(new int[] {1, 1}), "a tie is no consensus");
    }

    @Test
    void aSingleLabelIsItsOwnMajorityAndNoLabelIsNone() {
        assertEquals(2, Consensus.majority(new int[] {0, 0, 1}));
        assertEquals(NONE, Consensus.majority(new int[] {0, 0, 0}));
        assertEquals(NONE, Consensus.majority(new int[0]));
    }

    @Test
    void medianOfOrderedLabels() {
        assertEquals(1, Consensus.median(new int[] {1, 1, 1}));
        assertEquals(1, Consensus.median(new int[] {0, 2, 0, 1}));
        assertEquals(1, Consensus.median(new int[] {1, 2, 1}), "even count, both middle labels are 1");
        assertEquals(0, Consensus.median(new int[] {2, 0, 1}), "no majority needed: 0, 0, 2");
        assertEquals(NONE, Consensus.median(new int[] {1, 0, 1}), "even count, middle labels 0 and 2");
        assertEquals(NONE, Consensus.median(new int[] {2, 0, 2}));
        assertEquals(NONE, Consensus.median(new int[] {0, 0}));
    }

    @Test
    void rulesApplyPerUnit() {
        RatingTable table = PublishedData.byRater(3,
                new int[] {0, 0, 2, 1},
                new int[] {0, 2, 0, X},
                new int[] {1, 1, X, X});
        assertArrayEquals(new int[] {0, NONE, NONE, 1}, Consensus.ofUnits(table, Consensus.Rule.MAJORITY));
        assertArrayEquals(new int[] {0, 1, NONE, 1}, Consensus.ofUnits(table, Consensus.Rule.MEDIAN));
    }
}
