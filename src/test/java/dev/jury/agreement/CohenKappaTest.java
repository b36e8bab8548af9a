package dev.jury.agreement;

import static dev.jury.agreement.CohenKappa.Weighting.LINEAR;
import static dev.jury.agreement.CohenKappa.Weighting.QUADRATIC;
import static dev.jury.agreement.CohenKappa.Weighting.UNWEIGHTED;
import static dev.jury.agreement.PublishedData.X;
import static dev.jury.agreement.PublishedData.concat;
import static dev.jury.agreement.PublishedData.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jury.agreement.Estimate.Status;
import org.junit.jupiter.api.Test;

class CohenKappaTest {

    private static final double PUBLISHED = 1e-3;

    private static double kappa(long[][] table, CohenKappa.Weighting weighting) {
        Estimate estimate = CohenKappa.of(ConfusionMatrix.of(table), weighting);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    private static double kappa(RatingTable table, CohenKappa.Weighting weighting) {
        Estimate estimate = CohenKappa.between(table, 0, 1, weighting);
        assertEquals(Status.OK, estimate.status(), estimate::toString);
        return estimate.value();
    }

    @Test
    void wikipediaFiftyProposals() {
        // Wikipedia "Cohen's kappa", simple example: 50 grant proposals, both yes 20, A yes/B no 5, A no/B yes 10,
        // both no 15: p_o = 0.70, p_e = 0.50, kappa = 0.40.
        assertEquals(0.40, kappa(new long[][] {{20, 5}, {10, 15}}, UNWEIGHTED), 1e-12);
    }

    @Test
    void scikitLearnArtsteinPoesio() {
        // scikit-learn sklearn/metrics/tests/test_classification.py::test_cohen_kappa, reproducing Artstein and
        // Poesio (2008) Table 1 (kappa 0.348) and Table 4 (0.8013), then the weighting example
        // (0.9315 unweighted, 0.9412 linear, 0.9541 quadratic).
        RatingTable table1 = PublishedData.fromVectors(2,
                concat(repeat(0, 40), repeat(1, 60)),
                concat(repeat(0, 20), repeat(1, 20), repeat(0, 10), repeat(1, 50)));
        assertEquals(0.348, kappa(table1, UNWEIGHTED), PUBLISHED);

        RatingTable table4 = PublishedData.fromVectors(3,
                concat(repeat(0, 46), repeat(1, 44), repeat(2, 10)),
                concat(repeat(0, 52), repeat(1, 32), repeat(2, 16)));
        assertEquals(0.8013, kappa(table4, UNWEIGHTED), 1e-4);

        RatingTable weighted = PublishedData.fromVectors(3,
                concat(repeat(0, 46), repeat(1, 44), repeat(2, 10)),
                concat(repeat(0, 50), repeat(1, 40), repeat(2, 10)));
        assertEquals(0.9315, kappa(weighted, UNWEIGHTED), 1e-4);
        assertEquals(0.9412, kappa(weighted, LINEAR), 1e-4);
        assertEquals(0.9541, kappa(weighted, QUADRATIC), 1e-4);
    }

    @Test
    void statsmodelsSasExample() {
        // statsmodels stats/tests/test_inter_rater.py, "comparison to printout of a SAS example":
        // table10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]: simple kappa 0.4842, weighted (weights [0, 1, 2],
        // i.e. linear) 0.4701.
        long[][] table10 = {{0, 4, 1}, {0, 8, 0}, {0, 1, 5}};
        assertEquals(0.4842, kappa(table10, UNWEIGHTED), 1e-4);
        assertEquals(0.4701, kappa(table10, LINEAR), 1e-4);
    }

    @Test
    void rIrrAnxietyRaters2And3() {
        // statsmodels test_cohens_kappa_irr: R irr::kappa2(anxiety[,2:3]) unweighted -0.006289308, "equal"
        // (linear) 0.1459075, "squared" (quadratic) 0.2520325. irr weights by position among the levels used,
        // 1, 2, 3, 4, 6 — so the rubric here is those five levels.
        int[] levels = {1, 2, 3, 4, 6};
        int[] rater2 = {3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4};
        int[] rater3 = {2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2};
        RatingTable table = PublishedData.fromVectors(levels.length,
                positionsIn(levels, rater2), positionsIn(levels, rater3));
        assertEquals(-0.006289308, kappa(table, UNWEIGHTED), 1e-7);
        assertEquals(0.1459075, kappa(table, LINEAR), 1e-7);
        assertEquals(0.2520325, kappa(table, QUADRATIC), 1e-7);
    }

    @Test
    void gwetHandbookContingencyTables() {
        // afergadis/irrCAC test/unit/irrCAC/table/test_cohen.py (Gwet, Handbook 4th ed. tables):
        // cont3x3abstractors 0.796 / linear 0.843 / quadratic 0.892;
        // cont4x4diagnosis 0.432 / linear 0.407 / quadratic 0.383.
        assertEquals(0.796, kappa(PublishedData.gwetAbstractors(), UNWEIGHTED), PUBLISHED);
        assertEquals(0.843, kappa(PublishedData.gwetAbstractors(), LINEAR), PUBLISHED);
        assertEquals(0.892, kappa(PublishedData.gwetAbstractors(), QUADRATIC), PUBLISHED);
        assertEquals(0.432, kappa(PublishedData.gwetDiagnosis(), UNWEIGHTED), PUBLISHED);
        assertEquals(0.407, kappa(PublishedData.gwetDiagnosis(), LINEAR), PUBLISHED);
        assertEquals(0.383, kappa(PublishedData.gwetDiagnosis(), QUADRATIC), PUBLISHED);
    }

    @Test
    void symmetricInTheTwoRaters() {
        RatingTable table = PublishedData.fromContingency(PublishedData.gwetDiagnosis());
        for (CohenKappa.Weighting weighting : CohenKappa.Weighting.values()) {
            assertEquals(CohenKappa.between(table, 0, 1, weighting).value(),
                    CohenKappa.between(table, 1, 0, weighting).value(), 1e-12);
        }
    }

    @Test
    void onlyUnitsBothRatedCount() {
        RatingTable table = PublishedData.byRater(2,
                new int[] {0, 1, 0, 1, X, 1},
                new int[] {0, 1, 1, 1, 0, X});
        Estimate kappa = CohenKappa.between(table, 0, 1, UNWEIGHTED);
        assertEquals(4, kappa.n());
        // [[1, 1], [0, 2]]: p_o = 3/4, p_e = (2*1 + 2*3)/16 = 1/2, kappa = 1/2.
        assertEquals(0.5, kappa.value(), 1e-12);
    }

    @Test
    void degenerateCases() {
        assertEquals("not enough data (1)", CohenKappa.of(ConfusionMatrix.of(new long[][] {{1, 0}, {0, 0}}),
                UNWEIGHTED).toString());
        assertEquals("not enough data (0)", CohenKappa.of(ConfusionMatrix.of(new long[][] {{0, 0}, {0, 0}}),
                QUADRATIC).toString());
        Estimate sameCategory = CohenKappa.of(ConfusionMatrix.of(new long[][] {{0, 0}, {0, 9}}), LINEAR);
        assertEquals(Status.UNDEFINED, sameCategory.status());
        assertEquals("undefined (expected disagreement is 0: every rating is category 1)", sameCategory.toString());
        // Each rater constant but different: no agreement beyond chance, and no division by zero.
        assertEquals(0.0, kappa(new long[][] {{0, 5}, {0, 0}}, UNWEIGHTED), 1e-12);
    }

    private static int[] positionsIn(int[] levels, int[] values) {
        int[] positions = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            positions[i] = java.util.Arrays.binarySearch(levels, values[i]);
        }
        return positions;
    }
}
