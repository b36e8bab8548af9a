package dev.jury.alignment.run;

import dev.jury.alignment.AlignmentFixtures;
import dev.jury.judges.prompt.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldOutMetricsTest {

    @Test
    void accuracyKappaAndTheMatrixAgainstTheConsensus() {
        // consensus yes yes yes no no; judge yes yes no no yes → 3 of 5; κ = (0.6 − 0.52) / 0.48 = 1/6.
        var m = HeldOutMetrics.of(AlignmentFixtures.YES_NO, List.of("yes", "yes", "yes", "no", "no"),
                List.of(Verdict.of("yes", ""), Verdict.of("Yes", ""), Verdict.of("no", ""), Verdict.of("no", ""),
                        Verdict.of("yes", "")), 42);
        assertEquals(5, m.traces());
        assertEquals(3, m.correct());
        assertEquals(0.6, m.accuracy(), 1e-12);
        assertEquals(1.0 / 6, m.kappa(), 1e-12);
        assertEquals("unweighted", m.weighting());
        assertEquals(List.of("yes", "no"), m.categories());
        assertArrayEquals(new long[]{2, 1}, m.confusion()[0]);
        assertArrayEquals(new long[]{1, 1}, m.confusion()[1]);
        assertNotNull(m.accuracyLow());
        assertTrue(m.accuracyLow() <= 0.6 && 0.6 <= m.accuracyHigh());
        assertTrue(m.sameAs(HeldOutMetrics.of(AlignmentFixtures.YES_NO, List.of("yes", "yes", "yes", "no", "no"),
                List.of(Verdict.of("yes", ""), Verdict.of("Yes", ""), Verdict.of("no", ""), Verdict.of("no", ""),
                        Verdict.of("yes", "")), 42)), "seeded intervals repeat");
    }

    @Test
    void failedCallsAreDisagreementsInAnErrorColumn() {
        var m = HeldOutMetrics.of(AlignmentFixtures.YES_NO, List.of("yes", "no"),
                List.of(Verdict.of("yes", ""), Verdict.failed("timeout", null)), 1);
        assertEquals(1, m.errors());
        assertEquals(0.5, m.accuracy(), 1e-12);
        assertEquals(List.of("yes", "no", HeldOutMetrics.ERROR), m.categories());
        assertArrayEquals(new long[]{0, 0, 1}, m.confusion()[1]);
    }

    @Test
    void kappaIsUndefinedWhenEveryoneSaysTheSame() {
        var m = HeldOutMetrics.of(AlignmentFixtures.YES_NO, List.of("yes", "yes"),
                List.of(Verdict.of("yes", ""), Verdict.of("yes", "")), 1);
        assertEquals(1.0, m.accuracy());
        assertNull(m.kappa());
        assertNotNull(m.kappaNote());
    }
}
