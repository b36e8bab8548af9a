package dev.jury.rubrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static dev.jury.rubrics.RubricFixtures.level;
import static dev.jury.rubrics.RubricFixtures.oneToFive;
import static dev.jury.rubrics.RubricFixtures.quality;
import static dev.jury.rubrics.RubricFixtures.withLevels;
import static dev.jury.rubrics.RubricFixtures.withThreshold;
import static dev.jury.rubrics.RubricFixtures.yesNo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RubricValidatorTest {

    @Test
    void acceptsTheThreeKinds() {
        assertEquals(List.of(), RubricValidator.validate(quality()));
        assertEquals(List.of(), RubricValidator.validate(yesNo()));
        assertEquals(List.of(), RubricValidator.validate(oneToFive()));
    }

    @Test
    void refusesAMissingKind() {
        RubricSpec spec = new RubricSpec(null, quality().levels(), "", false, 0, null);
        assertEquals(List.of(new RubricError("kind", "Choose a value type: categorical, boolean or numeric.")),
                RubricValidator.validate(spec));
    }

    @Test
    void needsAtLeastTwoLevels() {
        RubricSpec spec = withLevels(quality(), List.of(level("good", "Good", "Fine.", false)));
        List<RubricError> errors = RubricValidator.validate(spec);
        assertTrue(errors.contains(new RubricError("levels", "A rubric needs at least two levels, one on each side "
                + "of the boundary; it has 1.")), errors::toString);
    }

    @Test
    void eachLevelNeedsValueLabelAndDefinition() {
        RubricSpec spec = withLevels(quality(), List.of(
                level("good", "Good", "Fine.", false),
                level("poor", "", "  ", true),
                level(" ", "Bad", "Wrong.", true)));
        assertEquals(List.of(
                new RubricError("levels[1].label", "Level 2 ('poor') has no label; enter the name reviewers see."),
                new RubricError("levels[1].definition", "Level 2 ('poor') has no definition; say what earns this "
                        + "level, ideally with an example."),
                new RubricError("levels[2].value", "Level 3 has no value; enter the label that is stored, "
                        + "e.g. 'poor' or '4'.")),
                RubricValidator.validate(spec));
    }

    @Test
    void categoricalValuesAreUniqueIgnoringCaseAndSpaces() {
        RubricSpec spec = withLevels(quality(), List.of(
                level("good", "Good", "Fine.", false),
                level(" GOOD ", "Good again", "Also fine.", false),
                level("poor", "Poor", "Wrong.", true)));
        assertEquals(List.of(new RubricError("levels[1].value", "'GOOD' is the same value as level 1 ('good'); "
                + "values must be unique, ignoring case and surrounding spaces.")), RubricValidator.validate(spec));
    }

    @Test
    void categoricalNeedsANegativeLevel() {
        RubricSpec spec = withLevels(quality(), List.of(
                level("good", "Good", "Fine.", false),
                level("poor", "Poor", "Wrong.", false)));
        assertEquals(List.of(new RubricError("levels", "Both sides of the boundary must exist: mark at least one "
                + "level as negative (the failing side).")), RubricValidator.validate(spec));
    }

    @Test
    void categoricalNeedsANonNegativeLevel() {
        RubricSpec spec = withLevels(quality(), List.of(
                level("good", "Good", "Fine.", true),
                level("poor", "Poor", "Wrong.", true)));
        assertEquals(List.of(new RubricError("levels", "Both sides of the boundary must exist: at least one level "
                + "must not be negative (the passing side); all 2 are marked negative.")), RubricValidator.validate(spec));
    }

    @Test
    void onlyNumericRubricsHaveAThreshold() {
        RubricSpec spec = withThreshold(quality(), BigDecimal.ONE);
        assertEquals(List.of(new RubricError("passThreshold", "Only a numeric rubric has a pass threshold; remove it "
                + "(this rubric is categorical) and mark the failing levels as negative.")), RubricValidator.validate(spec));
    }

    @Test
    void booleanValuesAreExactlyYesAndNo() {
        RubricSpec spec = withLevels(yesNo(), List.of(
                level("Yes", "Yes", "Cites.", false),
                level("false", "No", "Does not cite.", true)));
        assertEquals(List.of(new RubricError("levels[1].value", "'false' is not a boolean value; a boolean rubric's "
                + "values are 'yes' and 'no'.")), RubricValidator.validate(spec));
    }

    @Test
    void booleanHasNoThirdLevel() {
        RubricSpec spec = withLevels(yesNo(), List.of(
                level("yes", "Yes", "Cites.", false),
                level("no", "No", "Does not cite.", true),
                level("maybe", "Maybe", "Unclear.", true)));
        List<RubricError> errors = RubricValidator.validate(spec);
        assertEquals(List.of(
                new RubricError("levels", "A boolean rubric has exactly two levels, 'yes' and 'no'; this one has 3. "
                        + "Use a categorical rubric for more levels."),
                new RubricError("levels[2].value", "'maybe' is not a boolean value; a boolean rubric's values are "
                        + "'yes' and 'no'.")), errors);
    }

    @Test
    void booleanDuplicateIsRefused() {
        RubricSpec spec = withLevels(yesNo(), List.of(
                level("yes", "Yes", "Cites.", false),
                level("YES", "Yes", "Cites.", true)));
        assertEquals("levels[1].value", RubricValidator.validate(spec).get(0).field());
    }

    @Test
    void booleanNeedsBothSides() {
        RubricSpec spec = withLevels(yesNo(), List.of(
                level("yes", "Yes", "Cites.", false),
                level("no", "No", "Does not cite.", false)));
        assertEquals(List.of(new RubricError("levels", "Both sides of the boundary must exist: mark at least one "
                + "level as negative (the failing side).")), RubricValidator.validate(spec));
    }

    @Test
    void numericValuesMustBeNumbers() {
        RubricSpec spec = withLevels(oneToFive(), List.of(
                level("1", "Bad", "Bad.", true),
                level("five", "Great", "Great.", false)));
        assertEquals(List.of(new RubricError("levels[1].value", "'five' is not a number; a numeric rubric's values "
                + "are numbers such as 1, 4 or 4.5.")), RubricValidator.validate(spec));
    }

    @Test
    void numericFourAndFourPointZeroClash() {
        RubricSpec spec = withLevels(oneToFive(), List.of(
                level("1", "Bad", "Bad.", true),
                level("4", "Good", "Good.", false),
                level("4.0", "Also good", "Good.", false)));
        assertEquals(List.of(new RubricError("levels[2].value", "'4.0' is the same number as level 2 ('4'); values "
                + "must be unique.")), RubricValidator.validate(spec));
    }

    @Test
    void numericNeedsAPassThreshold() {
        RubricSpec spec = withThreshold(oneToFive(), null);
        assertEquals(List.of(new RubricError("passThreshold", "A numeric rubric needs a pass threshold: values below "
                + "it are negative (failing), values at or above it pass.")), RubricValidator.validate(spec));
    }

    @Test
    void numericNegativeFlagMustAgreeWithTheThreshold() {
        RubricSpec spec = withLevels(oneToFive(), List.of(
                level("1", "Bad", "Bad.", false),
                level("5", "Great", "Great.", true)));
        assertEquals(List.of(
                new RubricError("levels[0].negative", "1 is below the pass threshold 3, so it must be marked negative."),
                new RubricError("levels[1].negative", "5 is at or above the pass threshold 3, so it must not be "
                        + "marked negative.")), RubricValidator.validate(spec));
    }

    @Test
    void numericThresholdAboveEveryLevelLeavesNothingPassing() {
        RubricSpec spec = RubricNormaliser.normalise(withThreshold(oneToFive(), new BigDecimal("6.0")));
        assertEquals(List.of(new RubricError("levels", "Both sides of the boundary must exist, but no level is at or "
                + "above the pass threshold 6, so no value can pass. Lower the threshold or add a higher level.")),
                RubricValidator.validate(spec));
    }

    @Test
    void numericThresholdAtTheBottomLeavesNothingFailing() {
        RubricSpec spec = RubricNormaliser.normalise(withThreshold(oneToFive(), BigDecimal.ONE));
        assertEquals(List.of(new RubricError("levels", "Both sides of the boundary must exist, but no level is below "
                + "the pass threshold 1, so no value can fail. Raise the threshold or add a lower level.")),
                RubricValidator.validate(spec));
    }

    @Test
    void numericLevelsAreInOrderEitherWay() {
        RubricSpec descending = withLevels(oneToFive(), List.of(
                level("5", "Great", "Great.", false),
                level("3", "Fine", "Fine.", false),
                level("1", "Bad", "Bad.", true)));
        assertEquals(List.of(), RubricValidator.validate(descending));
        RubricSpec shuffled = withLevels(oneToFive(), List.of(
                level("1", "Bad", "Bad.", true),
                level("5", "Great", "Great.", false),
                level("3", "Fine", "Fine.", false)));
        assertEquals(List.of(new RubricError("levels[2].value", "Numeric levels must be listed in order, all "
                + "ascending or all descending; 3 after 5 breaks the order.")), RubricValidator.validate(shuffled));
    }

    @Test
    void minimumRationaleLengthIsNotNegative() {
        RubricSpec q = quality();
        RubricSpec spec = new RubricSpec(q.kind(), q.levels(), q.guidelines(), true, -1, null);
        assertEquals(List.of(new RubricError("minRationaleLength", "The minimum rationale length cannot be negative "
                + "(it is -1); use 0 to accept any non-blank rationale.")), RubricValidator.validate(spec));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        RubricSpec spec = new RubricSpec(RubricKind.NUMERIC, List.of(level("x", "", "", false)), "", true, -5, null);
        List<String> fields = RubricValidator.validate(spec).stream().map(RubricError::field).toList();
        assertEquals(List.of("levels", "levels[0].label", "levels[0].definition", "passThreshold", "levels[0].value",
                "minRationaleLength"), fields);
    }
}
