package dev.jury.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EstimateTest {

    @Test
    void printsValueAndInterval() {
        assertEquals("0.62 [0.55, 0.69]", Estimate.of(0.6213, 40).withInterval(0.551, 0.6949, 0.95).toString());
        assertEquals("0.62", Estimate.of(0.6213, 40).toString());
        assertEquals("-0.01", Estimate.of(-0.0062893, 20).toString());
        assertEquals("0.00", Estimate.of(-0.0001, 20).toString());
    }

    @Test
    void printsReasons() {
        assertEquals("undefined (every rating is category 1)", Estimate.undefined("every rating is category 1", 3)
                .toString());
        assertEquals("not enough data (1)", Estimate.notEnoughData(1).toString());
        assertEquals("not applicable (unordered)", Estimate.notApplicable("unordered").toString());
    }

    @Test
    void neverHoldsNaN() {
        assertThrows(IllegalArgumentException.class, () -> Estimate.of(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> Estimate.of(Double.POSITIVE_INFINITY, 1));
    }

    @Test
    void askingForAMissingValueIsAnError() {
        Estimate undefined = Estimate.undefined("why", 2);
        assertFalse(undefined.isOk());
        assertThrows(IllegalStateException.class, undefined::value);
        assertThrows(IllegalStateException.class, Estimate.of(0.5, 2)::lower);
        assertThrows(IllegalStateException.class, () -> undefined.withInterval(0, 1, 0.95));
    }
}
