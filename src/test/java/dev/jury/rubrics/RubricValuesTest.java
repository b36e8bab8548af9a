package dev.jury.rubrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.jury.rubrics.RubricFixtures.oneToFive;
import static dev.jury.rubrics.RubricFixtures.quality;
import static dev.jury.rubrics.RubricFixtures.yesNo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RubricValuesTest {

    @Test
    void categoricalMatchesAfterTrimAndCaseFold() {
        assertEquals("good", RubricValues.match(quality(), "  GooD ").orElseThrow().value());
        assertEquals(Optional.of("good"), RubricValues.canonical(quality(), "Good"));
        assertEquals(Optional.empty(), RubricValues.match(quality(), "goodish"));
        assertEquals(Optional.empty(), RubricValues.match(quality(), ""));
        assertEquals(Optional.empty(), RubricValues.match(quality(), null));
    }

    @Test
    void caseFoldGoesBeyondAscii() {
        RubricSpec levels = RubricFixtures.withLevels(quality(), List.of(
                RubricFixtures.level("straße", "Street", "A street.", false),
                RubricFixtures.level("\u00e9t\u00e9", "Summer", "Composed accents.", false),
                RubricFixtures.level("ok", "Fine", "Plain.", true)));
        assertEquals(Optional.of("straße"), RubricValues.canonical(levels, "STRASSE"));
        assertEquals(Optional.of("straße"), RubricValues.canonical(levels, " Straße "));
        // decomposed input (e + combining acute) matches the composed level after NFC
        assertEquals(Optional.of("\u00e9t\u00e9"), RubricValues.canonical(levels, "E\u0301TE\u0301"));
        assertEquals(Optional.of("ok"), RubricValues.canonical(levels, "o\u212a")); // the Kelvin sign folds to k
    }

    @Test
    void booleanMatchesYesAndNoOnly() {
        assertEquals(Optional.of("yes"), RubricValues.canonical(yesNo(), "YES"));
        assertEquals(Optional.empty(), RubricValues.canonical(yesNo(), "true"));
    }

    @Test
    void numericComparesAsNumbers() {
        assertEquals(Optional.of("4"), RubricValues.canonical(oneToFive(), "4"));
        assertEquals(Optional.of("4"), RubricValues.canonical(oneToFive(), "4.0"));
        assertEquals(Optional.of("4"), RubricValues.canonical(oneToFive(), " 4 "));
        assertEquals(Optional.empty(), RubricValues.canonical(oneToFive(), "4.5"));
        assertEquals(Optional.empty(), RubricValues.canonical(oneToFive(), "four"));
    }

    @Test
    void numericCanonicalSpellingIsTheRubrics() {
        RubricSpec decimals = RubricFixtures.withLevels(oneToFive(), List.of(
                RubricFixtures.level("1.0", "Bad", "Bad.", true),
                RubricFixtures.level("4.0", "Good", "Good.", false)));
        assertEquals(Optional.of("4.0"), RubricValues.canonical(decimals, "4"));
    }

    @Test
    void indexOfIsThePositionInTheRubric() {
        assertEquals(0, RubricValues.indexOf(quality(), "Excellent"));
        assertEquals(3, RubricValues.indexOf(quality(), "poor"));
        assertEquals(-1, RubricValues.indexOf(quality(), "awful"));
        assertEquals(4, RubricValues.indexOf(oneToFive(), "5.00"));
    }

    @Test
    void allowedValuesAreInRubricOrder() {
        assertEquals(List.of("excellent", "good", "fair", "poor"), RubricValues.allowedValues(quality()));
        assertEquals(List.of("1", "2", "3", "4", "5"), RubricValues.allowedValues(oneToFive()));
    }

    @Test
    void polarity() {
        assertFalse(RubricValues.isNegative(quality(), "good"));
        assertTrue(RubricValues.isNegative(quality(), "FAIR"));
        assertTrue(RubricValues.isNegative(yesNo(), "no"));
        assertTrue(RubricValues.isNegative(oneToFive(), "2.0"));
        assertFalse(RubricValues.isNegative(oneToFive(), "3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RubricValues.isNegative(quality(), "excellent!"));
        assertEquals("'excellent!' is not one of: excellent, good, fair, poor", e.getMessage());
    }

    @Test
    void rationaleIsCheckedOnlyWhenRequired() {
        assertEquals(Optional.empty(), RubricValues.checkRationale(yesNo(), null));
        assertEquals(Optional.of("A rationale is required: say briefly why this level fits."),
                RubricValues.checkRationale(oneToFive(), "   "));
        assertEquals(Optional.empty(), RubricValues.checkRationale(oneToFive(), "ok"));
    }

    @Test
    void rationaleMinimumLengthCountsTrimmedCharacters() {
        // quality() requires at least 10 characters
        assertEquals(Optional.of("The rationale is too short: 9 characters, at least 10 are required."),
                RubricValues.checkRationale(quality(), "  nine char  "));
        assertEquals(Optional.empty(), RubricValues.checkRationale(quality(), "exactly 10"));
        // an emoji is one character to the reviewer, two UTF-16 units to Java
        assertEquals(Optional.of("The rationale is too short: 9 characters, at least 10 are required."),
                RubricValues.checkRationale(quality(), "\uD83D\uDC4D correct"));
    }
}
