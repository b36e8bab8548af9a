package dev.jury.traces.otlp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportOutcomeTest {

    @Test
    void noMessageWhenEverythingWasTaken() {
        var outcome = new ExportOutcome(5);
        outcome.created();
        outcome.pending(2);
        assertNull(outcome.message());
        assertEquals(0, outcome.rejectedSpans());
    }

    @Test
    void refusedSpansAreCountedWithTheirReasonsAndLateSpansAreAWarning() {
        var outcome = new ExportOutcome(10);
        outcome.reject(2, "Unknown experiment 'x': create it first.");
        outcome.reject(1, "Unknown experiment 'x': create it first.");
        outcome.reject(1, "A span has no trace id.");
        outcome.late(2);
        assertEquals(4, outcome.rejectedSpans());
        assertEquals("4 of 10 spans were refused: Unknown experiment 'x': create it first. (3 spans) A span has no trace id."
                + " 2 spans arrived after their trace was stored (its root span came earlier) and were not added.",
                outcome.message());
    }

    @Test
    void onlyTheFirstReasonsAreSpelledOut() {
        var outcome = new ExportOutcome(20);
        for (int i = 0; i < 8; i++) {
            outcome.reject(1, "reason " + i + ".");
        }
        assertTrue(outcome.message().endsWith("reason 4. … and 3 more reasons."), outcome.message());
        assertEquals(8, outcome.rejectedSpans());
    }
}
