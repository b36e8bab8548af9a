package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class GwetAc1Test {

    private static final double PUBLISHED = 1e-3;

    private static double ac1(RatingTable table) {
        Estimate estimate = GwetAc1.of(table);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    @Test
    void gwetHandbookRawRatings() {
        // afergadis/irrCAC test/unit/irrCAC/raw/test_gwet.py (Gwet's irrCAC on the Handbook of Inter-Rater
        // Reliability, 4th ed., datasets): cac.raw4raters (Handbook p. 120) AC1 0.775 (doctest: 0.77544, with
        // p_a 0.81818, p_e 0.19032); raw_5observers 0.497; raw_g1g2 0.685; raw_gender 0.208; raw_ben_gerry 0.661.
        assertEquals(0.77544, ac1(PublishedData.krippendorff2011()), 1e-5);
        assertEquals(0.497, ac1(PublishedData.gwet5Observers()), PUBLISHED);
        assertEquals(0.685, ac1(PublishedData.gwetG1G2()), PUBLISHED);
        assertEquals(0.208, ac1(PublishedData.gwetGender()), PUBLISHED);
        assertEquals(0.661, ac1(PublishedData.gwetBenGerry()), PUBLISHED);
    }

    @Test
    void gwetHandbookContingencyTables() {
        // afergadis/irrCAC test/unit/irrCAC/table/test_gwet.py: cont3x3abstractors AC1 0.849,
        // cont4x4diagnosis AC1 0.456 (two raters, each table cell one subject).
        assertEquals(0.849, ac1(PublishedData.fromContingency(PublishedData.gwetAbstractors())), PUBLISHED);
        assertEquals(0.456, ac1(PublishedData.fromContingency(PublishedData.gwetDiagnosis())), PUBLISHED);
    }

    @Test
    void staysHighWhereKappaCollapsesOnARareClass() {
        // The "kappa paradox" AC1 was designed for: 98 of 100 traces pass for both reviewers, they split on 2.
        // p_o = .98, but both rarely say "fail", so kappa is about 0 while AC1 stays near p_o.
        RatingTable table = PublishedData.fromContingency(new long[][] {{98, 1}, {1, 0}});
        double kappa = CohenKappa.between(table, 0, 1, CohenKappa.Weighting.UNWEIGHTED).value();
        double ac1 = ac1(table);
        assertTrue(kappa < 0.01, () -> "kappa " + kappa);
        assertTrue(ac1 > 0.97, () -> "AC1 " + ac1);
    }

    @Test
    void degenerateCases() {
        assertEquals("not enough data (1)",
                GwetAc1.of(PublishedData.byRater(2, new int[] {0, 1}, new int[] {0, X})).toString());
        Estimate singleLevel = GwetAc1.of(PublishedData.byRater(1, new int[] {0, 0}, new int[] {0, 0}));
        assertEquals(Status.UNDEFINED, singleLevel.status());
        // Everyone on one level of a two-level rubric: p_e = 0, so AC1 = p_a = 1 — defined, unlike kappa.
        assertEquals(1.0, ac1(PublishedData.byRater(2, new int[] {1, 1, 1}, new int[] {1, 1, 1})), 1e-12);
    }
}
