package dev.jury.rubrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.jury.rubrics.RubricFixtures.level;
import static dev.jury.rubrics.RubricFixtures.oneToFive;
import static dev.jury.rubrics.RubricFixtures.quality;
import static dev.jury.rubrics.RubricFixtures.withLevels;
import static dev.jury.rubrics.RubricFixtures.withThreshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RubricFingerprintTest {

    @Test
    void isSha256HexOfTheCanonicalJson() {
        String fingerprint = RubricFingerprint.of(quality());
        assertTrue(fingerprint.matches("[0-9a-f]{64}"), fingerprint);
        assertEquals(fingerprint, RubricFingerprint.of(quality()));
    }

    @Test
    void canonicalJsonIsFixed() {
        RubricSpec spec = new RubricSpec(RubricKind.NUMERIC, List.of(
                level("1", "Bad", "Bad.", true),
                level("2", "Good", "Good.", false)), "", false, 0, new BigDecimal("2.0"));
        assertEquals("{\"kind\":\"NUMERIC\",\"levels\":["
                + "{\"value\":\"1\",\"label\":\"Bad\",\"definition\":\"Bad.\",\"negative\":true},"
                + "{\"value\":\"2\",\"label\":\"Good\",\"definition\":\"Good.\",\"negative\":false}],"
                + "\"guidelines\":\"\",\"rationaleRequired\":false,\"minRationaleLength\":0,\"passThreshold\":\"2\"}",
                RubricFingerprint.canonicalJson(spec));
        // pinned so that a change of the canonical form (which would fork every stored rubric) is deliberate
        assertEquals("6e057d7aeb03f33c9c90c64891af072a244c59707b3efe4381b1155989c815bf",
                RubricFingerprint.of(spec));
    }

    @Test
    void ignoresSurroundingWhitespaceAndLineEndings() {
        RubricSpec q = quality();
        List<RubricLevel> padded = q.levels().stream()
                .map(l -> level(" " + l.value() + " ", l.label() + "\n", "\t" + l.definition(), l.negative()))
                .toList();
        RubricSpec same = new RubricSpec(q.kind(), padded, "  " + q.guidelines() + "\r\n", q.rationaleRequired(),
                q.minRationaleLength(), q.passThreshold());
        assertEquals(RubricFingerprint.of(q), RubricFingerprint.of(same));

        RubricSpec crlf = new RubricSpec(q.kind(), q.levels(), "one\r\ntwo", true, 10, null);
        RubricSpec lf = new RubricSpec(q.kind(), q.levels(), "one\ntwo", true, 10, null);
        assertEquals(RubricFingerprint.of(lf), RubricFingerprint.of(crlf));
    }

    @Test
    void thresholdSpellingDoesNotMatter() {
        assertEquals(RubricFingerprint.of(oneToFive()),
                RubricFingerprint.of(withThreshold(oneToFive(), new BigDecimal("3.00"))));
    }

    @Test
    void everyContentChangeCounts() {
        String original = RubricFingerprint.of(quality());
        List<RubricLevel> reversed = new ArrayList<>(quality().levels());
        Collections.reverse(reversed);
        assertNotEquals(original, RubricFingerprint.of(withLevels(quality(), reversed)), "level order");

        List<RubricLevel> recased = new ArrayList<>(quality().levels());
        recased.set(1, level("Good", "Good", "Correct with minor omissions.", false));
        assertNotEquals(original, RubricFingerprint.of(withLevels(quality(), recased)), "value case");

        RubricSpec q = quality();
        assertNotEquals(original, RubricFingerprint.of(new RubricSpec(q.kind(), q.levels(), q.guidelines(), false,
                q.minRationaleLength(), null)), "rationale required");
        assertNotEquals(original, RubricFingerprint.of(new RubricSpec(q.kind(), q.levels(), q.guidelines(), true,
                11, null)), "minimum length");
        assertNotEquals(original, RubricFingerprint.of(new RubricSpec(q.kind(), q.levels(), "Other.", true,
                10, null)), "guidelines");
        assertNotEquals(RubricFingerprint.of(oneToFive()),
                RubricFingerprint.of(withThreshold(oneToFive(), new BigDecimal("4"))), "threshold");
    }
}
