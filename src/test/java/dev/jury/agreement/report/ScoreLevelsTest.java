package dev.jury.agreement.report;

import dev.jury.agreement.Scale;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreLevelsTest {

    @Test
    void wholeScoresOneToFiveAreLevels() {
        assertEquals(0, ScoreLevels.indexOf("1"));
        assertEquals(3, ScoreLevels.indexOf("4"));
        assertEquals(3, ScoreLevels.indexOf("4.0"));
        assertEquals(4, ScoreLevels.indexOf(" 5 "));
        assertEquals(-1, ScoreLevels.indexOf("2.5"));
        assertEquals(-1, ScoreLevels.indexOf("0"));
        assertEquals(-1, ScoreLevels.indexOf("6"));
        assertEquals(-1, ScoreLevels.indexOf("good"));
        assertEquals(-1, ScoreLevels.indexOf(null));
    }

    @Test
    void scoresAtOrBelowTheThresholdAreNegative() {
        Scale scale = ScoreLevels.scale(3);
        assertTrue(scale.ordered());
        assertEquals(5, scale.categories());
        assertEquals(5.0, scale.value(4), 0);
        assertTrue(scale.isNegative(2));
        assertFalse(scale.isNegative(3));
    }
}
