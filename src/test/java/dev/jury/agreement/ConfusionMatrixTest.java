package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    @Test
    void countsUnitsBothRaters() {
        RatingTable table = PublishedData.byRater(3,
                new int[] {0, 1, 2, 2, X},
                new int[] {0, 2, 2, X, 1});
        ConfusionMatrix matrix = ConfusionMatrix.between(table, 0, 1);
        assertArrayEquals(new long[][] {{1, 0, 0}, {0, 0, 1}, {0, 0, 1}}, matrix.toArray());
        assertEquals(3, matrix.total());
        assertEquals(2, matrix.comparedTotal(2));
        assertEquals(1, matrix.referenceTotal(1));
        assertEquals(2.0 / 3, matrix.accuracy().value(), 1e-12);
    }

    @Test
    void negativeClassPrecisionAndRecall() {
        // Levels: good, poor, bad; poor and bad are negative. Rows consensus, columns judge.
        Scale scale = Scale.ordinal(3).withNegative(1, 2);
        ConfusionMatrix matrix = ConfusionMatrix.of(new long[][] {{50, 5, 5}, {4, 10, 6}, {6, 2, 12}});
        // Judge negative: 5+5 + 10+6 + 2+12 = 40, of which consensus negative 30 -> precision .75.
        assertEquals(0.75, matrix.negativePrecision(scale).value(), 1e-12);
        assertEquals(40, matrix.negativePrecision(scale).n());
        // Consensus negative: 40, judge caught 30 -> recall .75 (a poor/bad mix-up still counts as caught).
        assertEquals(0.75, matrix.negativeRecall(scale).value(), 1e-12);
    }

    @Test
    void negativeClassDegenerateCases() {
        ConfusionMatrix allPass = ConfusionMatrix.of(new long[][] {{9, 0}, {0, 0}});
        Scale passFail = Scale.nominal(2).withNegative(1);
        assertEquals(Status.UNDEFINED, allPass.negativePrecision(passFail).status());
        assertEquals(Status.UNDEFINED, allPass.negativeRecall(passFail).status());
        assertEquals(Status.NOT_APPLICABLE, allPass.negativeRecall(Scale.nominal(2)).status());
        assertEquals("not enough data (0)", ConfusionMatrix.of(new long[][] {{0}}).accuracy().toString());
    }

    @Test
    void rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new long[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new long[][] {{-1}}));
    }
}
