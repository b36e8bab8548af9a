package dev.jury.agreement;

import static dev.jury.agreement.KrippendorffAlpha.Level.INTERVAL;
import static dev.jury.agreement.KrippendorffAlpha.Level.NOMINAL;
import static dev.jury.agreement.KrippendorffAlpha.Level.ORDINAL;
import static dev.jury.agreement.KrippendorffAlpha.Level.RATIO;
import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class KrippendorffAlphaTest {

    private static final double PUBLISHED = 1e-3;
    private static final Scale ONE_TO_FIVE = Scale.ordinal(5).withValues(1, 2, 3, 4, 5);

    private static double alpha(RatingTable table, KrippendorffAlpha.Level level, Scale scale) {
        Estimate estimate = KrippendorffAlpha.of(table, level, scale);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    @Test
    void krippendorff2011MissingDataAllLevels() {
        // Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C (4 observers x 12 units,
        // missing data): nominal .743, ordinal .815, interval .849, ratio .797.
        RatingTable table = PublishedData.krippendorff2011();
        assertEquals(0.743, alpha(table, NOMINAL, ONE_TO_FIVE), PUBLISHED);
        assertEquals(0.815, alpha(table, ORDINAL, ONE_TO_FIVE), PUBLISHED);
        assertEquals(0.849, alpha(table, INTERVAL, ONE_TO_FIVE), PUBLISHED);
        assertEquals(0.797, alpha(table, RATIO, ONE_TO_FIVE), PUBLISHED);
        // Only pairable units count: 9 + unit 10 (three 5s) + unit 11 (two 1s); unit 12 has one rating.
        assertEquals(11, KrippendorffAlpha.of(table, NOMINAL).n());
    }

    @Test
    void wikipediaComputationalExample() {
        // Wikipedia "Krippendorff's alpha", A computational example (3 coders x 15 units): nominal 0.691,
        // interval 0.811; fast-krippendorff's tests assert the same data to 6 places, 0.691358 and 0.810845.
        RatingTable table = PublishedData.wikipediaAlpha();
        Scale oneToFour = Scale.ordinal(4).withValues(1, 2, 3, 4);
        assertEquals(0.691358, alpha(table, NOMINAL, oneToFour), 1e-6);
        assertEquals(0.810845, alpha(table, INTERVAL, oneToFour), 1e-6);
    }

    @Test
    void binaryTwoObservers() {
        // Krippendorff (2004) Content Analysis 2nd ed. s. 11.3.1 (Jon/Han, 10 articles): alpha = .095
        // (jucor/krippendorff test-binary.R asserts .0952); Krippendorff (2011) section A (Meg/Owen): .095
        // (FPGro/Krippendorff.jl runtests.jl). With two values there is a single distance, so every metric
        // gives the same alpha.
        for (RatingTable table : new RatingTable[] {
                PublishedData.krippendorff2004Binary(), PublishedData.krippendorff2011Binary()}) {
            for (KrippendorffAlpha.Level level : KrippendorffAlpha.Level.values()) {
                assertEquals(0.095, alpha(table, level, Scale.ordinal(2).withValues(1, 2)), PUBLISHED, level::name);
            }
        }
    }

    @Test
    void hayesKrippendorff2007NewsTone() {
        // Hayes & Krippendorff (2007) Table 1, 5 observers x 40 articles, ordinal: the paper's KALPHA output
        // alpha = .7598. Nominal .477 and interval .757 are the values T. Grill's implementation gives on the
        // same data (reported in raoulbia/nltk-krippendorff-validation's README).
        RatingTable table = PublishedData.hayesKrippendorff2007();
        Scale zeroToThree = Scale.ordinal(4);
        assertEquals(0.7598, alpha(table, ORDINAL, zeroToThree), 1e-4);
        assertEquals(0.477, alpha(table, NOMINAL, zeroToThree), PUBLISHED);
        assertEquals(0.757, alpha(table, INTERVAL, zeroToThree), PUBLISHED);
    }

    @Test
    void gwetHandbookDatasetsNominal() {
        // afergadis/irrCAC test/unit/irrCAC/raw/test_krippendorff.py (Python port of Gwet's irrCAC, Handbook of
        // Inter-Rater Reliability 4th ed. datasets): 0.481, 0.632, 0.143, 0.665, and 0.743 on cac.raw4raters.
        assertEquals(0.481, alpha(PublishedData.gwet5Observers(), NOMINAL, Scale.nominal(4)), PUBLISHED);
        assertEquals(0.632, alpha(PublishedData.gwetG1G2(), NOMINAL, Scale.nominal(5)), PUBLISHED);
        assertEquals(0.143, alpha(PublishedData.gwetGender(), NOMINAL, Scale.nominal(3)), PUBLISHED);
        assertEquals(0.665, alpha(PublishedData.gwetBenGerry(), NOMINAL, Scale.nominal(5)), PUBLISHED);
        assertEquals(0.743, alpha(PublishedData.krippendorff2011(), NOMINAL, Scale.nominal(5)), PUBLISHED);
    }

    @Test
    void ordinalDependsOnOrderNotOnValues() {
        // fast-krippendorff's test_string_labels_ordinal_with_domain: the 2011 data as "very low" .. "very high"
        // gives ordinal .815 too. Here: any increasing values, and the default positions, give the same alpha.
        RatingTable table = PublishedData.krippendorff2011();
        assertEquals(0.815, alpha(table, ORDINAL, Scale.ordinal(5).withValues(-7, 0, 10, 11, 400)), PUBLISHED);
        assertEquals(0.815, KrippendorffAlpha.of(table, ORDINAL).value(), PUBLISHED);
    }

    @Test
    void intervalUsesTheCategoriesNumbers() {
        // A numeric rubric 1-5 and its positions 0-4 differ by a shift, which interval alpha ignores; doubling
        // every gap but one changes it.
        RatingTable table = PublishedData.krippendorff2011();
        assertEquals(KrippendorffAlpha.of(table, INTERVAL).value(), alpha(table, INTERVAL, ONE_TO_FIVE), 1e-12);
        double stretched = alpha(table, INTERVAL, Scale.ordinal(5).withValues(1, 2, 3, 4, 9));
        assertTrue(Math.abs(stretched - 0.849) > 0.01, () -> "values should matter: " + stretched);
    }

    @Test
    void unitsWithOneRatingDoNotMatter() {
        RatingTable table = PublishedData.byRater(3,
                new int[] {0, 1, 2, 2, 0, X},
                new int[] {0, 1, 2, 1, X, 2});
        RatingTable without = PublishedData.byRater(3,
                new int[] {0, 1, 2, 2},
                new int[] {0, 1, 2, 1});
        assertEquals(KrippendorffAlpha.of(without, NOMINAL).value(), KrippendorffAlpha.of(table, NOMINAL).value(),
                1e-12);
    }

    @Test
    void perfectAgreementIsOne() {
        RatingTable table = PublishedData.byRater(3, new int[] {0, 1, 2, 1}, new int[] {0, 1, 2, 1});
        for (KrippendorffAlpha.Level level : KrippendorffAlpha.Level.values()) {
            assertEquals(1.0, KrippendorffAlpha.of(table, level, Scale.ordinal(3).withValues(1, 2, 3)).value(),
                    1e-12);
        }
    }

    @Test
    void oneCategoryEverywhereIsUndefined() {
        RatingTable table = PublishedData.byRater(3, new int[] {2, 2, 2}, new int[] {2, 2, 2});
        Estimate alpha = KrippendorffAlpha.of(table, NOMINAL);
        assertEquals(Status.UNDEFINED, alpha.status());
        assertEquals("undefined (expected disagreement is 0: every rating is category 2)", alpha.toString());
    }

    @Test
    void fewerThanTwoPairableUnitsIsNotEnoughData() {
        RatingTable one = PublishedData.byRater(2, new int[] {0, 1, X}, new int[] {1, X, 0});
        assertEquals("not enough data (1)", KrippendorffAlpha.of(one, NOMINAL).toString());
        RatingTable none = PublishedData.byRater(2, new int[] {0, X}, new int[] {X, 1});
        assertEquals("not enough data (0)", KrippendorffAlpha.of(none, NOMINAL).toString());
    }

    @Test
    void ratioNeedsNonNegativeValues() {
        Estimate alpha = KrippendorffAlpha.of(PublishedData.krippendorff2011(), RATIO,
                Scale.ordinal(5).withValues(-2, -1, 0, 1, 2));
        assertEquals(Status.NOT_APPLICABLE, alpha.status());
    }

    @Test
    void rubricLevelsNobodyUsedChangeNothing() {
        // Alpha is computed from the values actually used; an extra unused level must not move it.
        RatingTable five = PublishedData.krippendorff2011();
        RatingTable.Builder wider = RatingTable.builder(7);
        for (int u = 0; u < five.unitCount(); u++) {
            for (int r = 0; r < five.raterCount(); r++) {
                wider.add(five.unitKey(u), five.raterKey(r), five.value(u, r));
            }
        }
        RatingTable seven = wider.build();
        for (KrippendorffAlpha.Level level : new KrippendorffAlpha.Level[] {NOMINAL, ORDINAL, INTERVAL}) {
            assertEquals(KrippendorffAlpha.of(five, level).value(), KrippendorffAlpha.of(seven, level).value(), 1e-12);
        }
    }
}
