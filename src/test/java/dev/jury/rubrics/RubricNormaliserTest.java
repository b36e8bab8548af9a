package dev.jury.rubrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static dev.jury.rubrics.RubricFixtures.level;
import static dev.jury.rubrics.RubricFixtures.oneToFive;
import static dev.jury.rubrics.RubricFixtures.quality;
import static dev.jury.rubrics.RubricFixtures.withLevels;
import static dev.jury.rubrics.RubricFixtures.yesNo;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RubricNormaliserTest {

    @Test
    void trimsStringsAndUnifiesLineEndings() {
        RubricSpec spec = new RubricSpec(RubricKind.CATEGORICAL, List.of(
                level(" good ", " Good\r\n", "Fine.\r\nReally.", false),
                level("poor", "Poor", null, true)), " Line one\r\nline two ", false, 0, null);
        RubricSpec tidy = RubricNormaliser.normalise(spec);
        assertEquals(level("good", "Good", "Fine.\nReally.", false), tidy.levels().get(0));
        assertEquals(level("poor", "Poor", "", true), tidy.levels().get(1));
        assertEquals("Line one\nline two", tidy.guidelines());
    }

    @Test
    void numericPolarityComesFromTheThreshold() {
        RubricSpec unflagged = withLevels(oneToFive(), List.of(
                level("1", "Bad", "Bad.", false),
                level("2.5", "Meh", "Meh.", false),
                level("3.0", "Fine", "Fine.", true),
                level("5", "Great", "Great.", true)));
        List<Boolean> negatives = RubricNormaliser.normalise(unflagged).levels().stream()
                .map(RubricLevel::negative).toList();
        assertEquals(List.of(true, true, false, false), negatives);
        assertEquals(List.of(), RubricValidator.validate(RubricNormaliser.normalise(unflagged)));
    }

    @Test
    void booleanDefaultsToNoBeingNegative() {
        RubricSpec unflagged = withLevels(yesNo(), List.of(
                level("yes", "Yes", "Cites.", false),
                level("No", "No", "Does not cite.", false)));
        assertEquals(List.of(false, true), RubricNormaliser.normalise(unflagged).levels().stream()
                .map(RubricLevel::negative).toList());
    }

    @Test
    void booleanKeepsAnExplicitChoice() {
        RubricSpec yesFails = withLevels(yesNo(), List.of(
                level("yes", "Yes", "Contains personal data.", true),
                level("no", "No", "Contains none.", false)));
        assertEquals(yesFails, RubricNormaliser.normalise(yesFails));
    }

    @Test
    void leavesAValidRubricAsItIs() {
        assertEquals(quality(), RubricNormaliser.normalise(quality()));
        assertEquals(oneToFive(), RubricNormaliser.normalise(oneToFive()));
    }

    @Test
    void leavesUnparsableNumbersToTheValidator() {
        RubricSpec spec = withLevels(oneToFive(), List.of(level("five", "Great", "Great.", true)));
        assertEquals(spec, RubricNormaliser.normalise(spec));
        RubricSpec noThreshold = RubricFixtures.withThreshold(oneToFive(), null);
        assertEquals(noThreshold, RubricNormaliser.normalise(noThreshold));
        assertEquals(BigDecimal.valueOf(3), oneToFive().passThreshold());
    }
}
