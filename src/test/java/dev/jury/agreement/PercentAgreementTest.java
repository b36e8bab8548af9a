package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class PercentAgreementTest {

    private static final double PUBLISHED = 1e-3;

    private static double agreement(RatingTable table) {
        Estimate estimate = PercentAgreement.of(table);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    @Test
    void wikipediaCohenExample() {
        // Wikipedia "Cohen's kappa": the two readers agree on 20 + 15 of 50 proposals, p_o = 0.70.
        assertEquals(0.70, agreement(PublishedData.fromContingency(new long[][] {{20, 5}, {10, 15}})), 1e-12);
    }

    @Test
    void wikipediaFleissExample() {
        // Wikipedia "Fleiss' kappa": P-bar = 0.378 over the 10 subjects x 14 raters.
        assertEquals(0.378, agreement(PublishedData.fromCounts(PublishedData.wikipediaFleissCounts())), PUBLISHED);
    }

    @Test
    void gwetHandbookRawRatings() {
        // afergadis/irrCAC raw tests, "pa" of Gwet's AC1 / Fleiss (unweighted mean over units with >= 2 ratings):
        // raw4raters 0.818, raw_5observers 0.616, raw_g1g2 0.744, raw_gender 0.456, raw_ben_gerry 0.727.
        assertEquals(0.818, agreement(PublishedData.krippendorff2011()), PUBLISHED);
        assertEquals(0.616, agreement(PublishedData.gwet5Observers()), PUBLISHED);
        assertEquals(0.744, agreement(PublishedData.gwetG1G2()), PUBLISHED);
        assertEquals(0.456, agreement(PublishedData.gwetGender()), PUBLISHED);
        assertEquals(0.727, agreement(PublishedData.gwetBenGerry()), PUBLISHED);
    }

    @Test
    void eachUnitCountsOnceWhateverItsRaters() {
        // Unit 1: 3 raters, 1 of 3 pairs agree; unit 2: 2 raters agree. Mean of 1/3 and 1, not pooled pairs (2/4).
        RatingTable table = PublishedData.byRater(2,
                new int[] {0, 1},
                new int[] {0, 1},
                new int[] {1, X});
        assertEquals((1.0 / 3 + 1) / 2, agreement(table), 1e-12);
        assertEquals(2, PercentAgreement.of(table).n());
    }

    @Test
    void noPairableUnitIsNotEnoughData() {
        assertEquals("not enough data (0)",
                PercentAgreement.of(PublishedData.byRater(2, new int[] {0, X}, new int[] {X, 1})).toString());
    }
}
