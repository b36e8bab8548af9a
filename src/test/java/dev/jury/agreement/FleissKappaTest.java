package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class FleissKappaTest {

    private static double kappa(RatingTable table) {
        Estimate estimate = FleissKappa.of(table);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    @Test
    void wikipediaTenSubjectsFourteenRaters() {
        // Wikipedia "Fleiss' kappa", worked example (10 subjects x 14 raters x 5 categories): kappa = 0.210;
        // statsmodels' test_fleiss_kappa asserts the same table to 3 decimals.
        assertEquals(0.210, kappa(PublishedData.fromCounts(PublishedData.wikipediaFleissCounts())), 1e-3);
    }

    @Test
    void fleiss1971Diagnoses() {
        // Fleiss (1971) Psychological Bulletin 76(5), 30 patients x 6 psychiatrists: kappa = .430; R
        // irr::kappam.fleiss(diagnoses) = 0.4302445, asserted to 7 places in statsmodels' test_fleiss_kappa_irr.
        assertEquals(0.4302445, kappa(PublishedData.fleiss1971()), 1e-7);
    }

    @Test
    void gwetGenderCompleteData() {
        // afergadis/irrCAC test/unit/irrCAC/raw/test_fleiss.py::test_fleiss_kappa_raw_gender: 4 raters rate all 15
        // subjects, Fleiss' kappa 0.129 (with complete data Gwet's generalisation is Fleiss' original).
        assertEquals(0.129, kappa(PublishedData.gwetGender()), 1e-3);
    }

    @Test
    void unequalNumbersOfRatingsAreNotApplicable() {
        Estimate kappa = FleissKappa.of(PublishedData.krippendorff2011());
        assertEquals(Status.NOT_APPLICABLE, kappa.status());
        assertEquals("not applicable (units have between 2 and 4 ratings; Fleiss' κ needs the same number of "
                + "ratings on every unit)", kappa.toString());
    }

    @Test
    void unitsWithASingleRatingAreLeftOut() {
        RatingTable complete = PublishedData.byRater(3,
                new int[] {0, 1, 2, 2, 1},
                new int[] {0, 1, 2, 1, 1});
        RatingTable inProgress = PublishedData.byRater(3,
                new int[] {0, 1, 2, 2, 1, 0, X},
                new int[] {0, 1, 2, 1, 1, X, 2});
        assertEquals(kappa(complete), kappa(inProgress), 1e-12);
    }

    @Test
    void twoRatersIsScottsPi() {
        // With two raters Fleiss' kappa is Scott's pi: 1 - p_o' / p_e' with pooled marginals.
        // [[20, 5], [10, 15]]: p_o = .7, pooled shares .55/.45, p_e = .505, pi = (.7 - .505) / .495.
        RatingTable table = PublishedData.fromContingency(new long[][] {{20, 5}, {10, 15}});
        assertEquals((0.7 - 0.505) / 0.495, kappa(table), 1e-12);
    }

    @Test
    void degenerateCases() {
        assertEquals("not enough data (1)",
                FleissKappa.of(PublishedData.byRater(2, new int[] {0, 1}, new int[] {1, X})).toString());
        Estimate constant = FleissKappa.of(PublishedData.byRater(2, new int[] {1, 1}, new int[] {1, 1}));
        assertEquals("undefined (expected disagreement is 0: every rating is category 1)", constant.toString());
    }
}
