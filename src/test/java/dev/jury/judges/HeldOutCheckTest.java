package dev.jury.judges;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The held-out re-check shown before registering an aligned version ({@link JudgeVersionView#heldOutCheck}). */
class HeldOutCheckTest {

    private static Map<String, Object> tags(Double accBefore, Double accAfter, Double kappaBefore, Double kappaAfter) {
        Map<String, Object> tags = new HashMap<>();
        tags.put("heldout_accuracy_before", accBefore);
        tags.put("heldout_accuracy_after", accAfter);
        tags.put("heldout_kappa_before", kappaBefore);
        tags.put("heldout_kappa_after", kappaAfter);
        return tags;
    }

    @Test
    void betterOnBothPasses() {
        var check = JudgeVersionView.heldOutCheck(tags(0.70, 0.85, 0.40, 0.70));
        assertTrue(check.passed());
        assertEquals("Held-out check passed: accuracy 0.70 → 0.85, κ 0.40 → 0.70.", check.message());
    }

    @Test
    void unchangedPassesAndSaysSo() {
        var check = JudgeVersionView.heldOutCheck(tags(0.80, 0.80, null, null));
        assertTrue(check.passed());
        assertTrue(check.message().endsWith("(no change)."), check.message());
    }

    @Test
    void aFallInAccuracyOrKappaFails() {
        assertFalse(JudgeVersionView.heldOutCheck(tags(0.80, 0.75, 0.50, 0.60)).passed());
        var kappaFell = JudgeVersionView.heldOutCheck(tags(0.80, 0.85, 0.60, 0.50));
        assertFalse(kappaFell.passed());
        assertTrue(kappaFell.message().startsWith("Held-out check failed: accuracy 0.80 → 0.85, κ 0.60 → 0.50."),
                kappaFell.message());
    }

    @Test
    void aVersionNotMadeByAlignmentHasNoCheck() {
        assertNull(JudgeVersionView.heldOutCheck(null));
        assertNull(JudgeVersionView.heldOutCheck(Map.of("optimizer", "manual")));
    }
}
