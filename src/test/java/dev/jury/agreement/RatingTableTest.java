package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RatingTableTest {

    @Test
    void internsKeysInFirstSeenOrder() {
        RatingTable table = RatingTable.builder(3)
                .add("trace-9", "bob", 2)
                .add("trace-1", "ann", 0)
                .add("trace-9", "ann", 1)
                .build();
        assertEquals(2, table.unitCount());
        assertEquals(2, table.raterCount());
        assertEquals("trace-9", table.unitKey(0));
        assertEquals("bob", table.raterKey(0));
        assertEquals(1, table.unitIndex("trace-1"));
        assertEquals(-1, table.unitIndex("trace-404"));
        assertEquals(-1, table.raterIndex("eve"));
        assertEquals(2, table.ratingsOf(table.unitIndex("trace-9")));
        assertEquals(1, table.value(0, table.raterIndex("ann")));
        assertEquals(X, table.value(1, table.raterIndex("bob")));
    }

    @Test
    void laterLabelReplacesEarlierOneForTheSameCell() {
        RatingTable table = RatingTable.builder(3)
                .add("t", "ann", 0)
                .add("t", "bob", 1)
                .add("t", "ann", 2)
                .build();
        assertEquals(2, table.ratingCount());
        assertEquals(2, table.value(0, table.raterIndex("ann")));
        assertEquals(1, table.value(0, table.raterIndex("bob")));
    }

    @Test
    void missingIsSkippedAndOutOfRubricIsRefused() {
        RatingTable.Builder builder = RatingTable.builder(2).add("t", "ann", X);
        assertThrows(IllegalArgumentException.class, () -> builder.add("t", "ann", 2));
        assertThrows(IllegalArgumentException.class, () -> builder.add("t", "ann", -2));
        assertThrows(NullPointerException.class, () -> builder.add(null, "ann", 0));
        RatingTable table = builder.build();
        assertEquals(0, table.unitCount());
        assertThrows(IllegalStateException.class, () -> builder.add("t", "ann", 0));
        assertThrows(IllegalArgumentException.class, () -> RatingTable.builder(0));
    }

    @Test
    void fromRowsLeavesOutUnratedRows() {
        RatingTable table = RatingTable.fromRows(2, new int[][] {{0, 1}, {X, X}, {1, X}});
        assertEquals(2, table.unitCount());
        assertEquals(3, table.ratingCount());
        assertEquals(1, table.unitIndex(2), "row 2 is the second unit");
    }

    @Test
    void emptyTableGivesReasonsNotErrors() {
        RatingTable empty = RatingTable.builder(2).build();
        assertEquals("not enough data (0)", KrippendorffAlpha.of(empty, KrippendorffAlpha.Level.NOMINAL).toString());
        assertEquals("not enough data (0)", FleissKappa.of(empty).toString());
        assertEquals("not enough data (0)", GwetAc1.of(empty).toString());
        assertEquals("not enough data (0)", PercentAgreement.of(empty, Bootstrap.defaults()).toString());
        AgreementReport report = AgreementReport.of(empty, Scale.nominal(2)).compute();
        assertEquals("not enough data (0)", report.headlineAlpha().toString());
        assertEquals(0, report.pairs().size());
    }
}
