package dev.jury.agreement;

import static dev.jury.agreement.Interpretation.AlphaBand.NOT_RELIABLE;
import static dev.jury.agreement.Interpretation.AlphaBand.RELIABLE;
import static dev.jury.agreement.Interpretation.AlphaBand.TENTATIVE;
import static dev.jury.agreement.Interpretation.KappaBand.ALMOST_PERFECT;
import static dev.jury.agreement.Interpretation.KappaBand.FAIR;
import static dev.jury.agreement.Interpretation.KappaBand.MODERATE;
import static dev.jury.agreement.Interpretation.KappaBand.POOR;
import static dev.jury.agreement.Interpretation.KappaBand.SLIGHT;
import static dev.jury.agreement.Interpretation.KappaBand.SUBSTANTIAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterpretationTest {

    @Test
    void krippendorffBands() {
        // Krippendorff (2004) p. 241: rely on alpha >= .800, tentative conclusions for .667 <= alpha < .800.
        assertEquals(RELIABLE, Interpretation.alpha(0.800));
        assertEquals(TENTATIVE, Interpretation.alpha(0.7999));
        assertEquals(TENTATIVE, Interpretation.alpha(0.667));
        assertEquals(NOT_RELIABLE, Interpretation.alpha(0.6669));
        assertEquals(NOT_RELIABLE, Interpretation.alpha(-0.2));
        assertTrue(Interpretation.alpha(Estimate.notEnoughData(1)).isEmpty());
        assertTrue(Interpretation.KRIPPENDORFF_SOURCE.contains("2004"));
        assertTrue(Interpretation.KRIPPENDORFF_SOURCE.contains("p. 241"));
    }

    @Test
    void landisKochBands() {
        // Landis & Koch (1977): <0 poor, 0-.20 slight, .21-.40 fair, .41-.60 moderate, .61-.80 substantial,
        // .81-1 almost perfect.
        assertEquals(POOR, Interpretation.kappa(-0.01));
        assertEquals(SLIGHT, Interpretation.kappa(0.0));
        assertEquals(SLIGHT, Interpretation.kappa(0.20));
        assertEquals(FAIR, Interpretation.kappa(0.21));
        assertEquals(FAIR, Interpretation.kappa(0.40));
        assertEquals(MODERATE, Interpretation.kappa(0.41));
        assertEquals(SUBSTANTIAL, Interpretation.kappa(0.61));
        assertEquals(SUBSTANTIAL, Interpretation.kappa(0.80));
        assertEquals(ALMOST_PERFECT, Interpretation.kappa(0.81));
        assertEquals("almost perfect", ALMOST_PERFECT.label());
        assertTrue(Interpretation.LANDIS_KOCH_SOURCE.contains("1977"));
    }
}
