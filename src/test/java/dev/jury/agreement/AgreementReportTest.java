package dev.jury.agreement;

import static dev.jury.agreement.PublishedData.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jury.agreement.AgreementReport.JudgeSummary;
import dev.jury.agreement.AgreementReport.ReviewerSummary;
import dev.jury.agreement.Estimate.Status;
import dev.jury.agreement.KrippendorffAlpha.Level;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AgreementReportTest {

    private static final int PASS = 0;
    private static final int FAIL = 1;
    private static final Scale PASS_FAIL = Scale.nominal(2).withNegative(FAIL);

    /**
     * Three reviewers, six traces. Consensus: t1 pass, t2 fail, t3 fail, t4 tie (none), t5 pass, t6 fail (alone).
     */
    private static RatingTable sixTraces() {
        RatingTable.Builder builder = RatingTable.builder(2);
        String[] reviewers = {"ann", "bob", "cy"};
        int[][] labels = {
            {PASS, PASS, PASS}, {FAIL, FAIL, PASS}, {FAIL, FAIL, FAIL}, {PASS, FAIL, X}, {PASS, PASS, FAIL},
            {FAIL, X, X},
        };
        for (int t = 0; t < labels.length; t++) {
            for (int r = 0; r < reviewers.length; r++) {
                builder.add("t" + (t + 1), reviewers[r], labels[t][r]);
            }
        }
        return builder.build();
    }

    private static UnitLabels judge(RatingTable table, int... byTrace) {
        UnitLabels labels = UnitLabels.forTable(table);
        for (int t = 0; t < byTrace.length; t++) {
            labels.set("t" + (t + 1), byTrace[t]);
        }
        return labels;
    }

    @Test
    void publishedExampleThroughTheReport() {
        // Krippendorff (2011) section C data on a 1-5 rubric: ordinal .815 headline, nominal .743, interval .849
        // (Krippendorff 2011); percent agreement .818 and AC1 .775 (irrCAC on Gwet's Handbook p. 120 data).
        AgreementReport report = AgreementReport.of(PublishedData.krippendorff2011(),
                Scale.ordinal(5).withValues(1, 2, 3, 4, 5)).bootstrap(Bootstrap.none()).compute();
        assertEquals(Level.ORDINAL, report.headlineLevel());
        assertEquals(0.815, report.headlineAlpha().value(), 1e-3);
        assertEquals(0.743, report.alpha(Level.NOMINAL).value(), 1e-3);
        assertEquals(0.849, report.alpha(Level.INTERVAL).value(), 1e-3);
        assertEquals(0.818, report.percentAgreement().value(), 1e-3);
        assertEquals(0.775, report.gwetAc1().value(), 1e-3);
        assertEquals(Status.NOT_APPLICABLE, report.fleissKappa().status());
        assertEquals(Interpretation.AlphaBand.RELIABLE, report.headlineBand().orElseThrow());
        assertEquals(12, report.units());
        assertEquals(11, report.pairableUnits());
        assertEquals(4, report.reviewerCount());
        assertEquals(6, report.pairs().size());
    }

    @Test
    void unorderedRubricsGetNominalAlphaOnly() {
        AgreementReport report = AgreementReport.of(sixTraces(), PASS_FAIL).bootstrap(Bootstrap.none()).compute();
        assertEquals(Level.NOMINAL, report.headlineLevel());
        assertEquals(Status.NOT_APPLICABLE, report.alpha(Level.ORDINAL).status());
        assertEquals(Status.NOT_APPLICABLE, report.alpha(Level.INTERVAL).status());
        assertEquals(KrippendorffAlpha.of(sixTraces(), Level.NOMINAL).value(), report.headlineAlpha().value(),
                1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> AgreementReport.of(sixTraces(), PASS_FAIL).consensusRule(Consensus.Rule.MEDIAN));
    }

    @Test
    void judgeAgainstConsensus() {
        RatingTable table = sixTraces();
        AgreementReport report = AgreementReport.of(table, PASS_FAIL)
                .judge("v1", judge(table, PASS, FAIL, PASS, FAIL, FAIL, FAIL))
                .bootstrap(Bootstrap.none())
                .compute();
        JudgeSummary v1 = report.judges().get(0);
        assertEquals("v1", v1.judge());
        assertEquals(6, v1.labelled());
        // t4 has no consensus; (consensus, judge): t1 (P,P) t2 (F,F) t3 (F,P) t5 (P,F) t6 (F,F).
        assertArrayEquals(new long[][] {{1, 1}, {1, 2}}, v1.vsConsensus().confusion().toArray());
        assertEquals(0.6, v1.vsConsensus().accuracy().value(), 1e-12);
        // p_o = .6, p_e = (2*2 + 3*3) / 25 = .52: kappa = .08 / .48.
        assertEquals(0.08 / 0.48, v1.vsConsensus().kappa().value(), 1e-12);
        assertEquals(2.0 / 3, v1.vsConsensus().negativePrecision().value(), 1e-12);
        assertEquals(2.0 / 3, v1.vsConsensus().negativeRecall().value(), 1e-12);
        assertArrayEquals(new int[] {table.unitIndex("t4")}, report.unitsWithoutConsensus());
        assertArrayEquals(new int[] {table.unitIndex("t3"), table.unitIndex("t5")},
                report.unitsWhereJudgeDiffers("v1"));
    }

    @Test
    void adjudicatedLabelsAreTheConsensus() {
        RatingTable table = sixTraces();
        UnitLabels adjudicated = UnitLabels.forTable(table);
        adjudicated.set("t4", PASS);
        adjudicated.set("t3", PASS);
        AgreementReport report = AgreementReport.of(table, PASS_FAIL)
                .judge("v1", judge(table, PASS, FAIL, PASS, FAIL, FAIL, FAIL))
                .adjudicated(adjudicated)
                .bootstrap(Bootstrap.none())
                .compute();
        assertEquals(0, report.unitsWithoutConsensus().length);
        assertEquals(PASS, report.consensus(table.unitIndex("t3")));
        // Now t3 (P,P) agrees and t4 (P,F) joins: [[2, 2], [0, 2]].
        assertArrayEquals(new long[][] {{2, 2}, {0, 2}},
                report.judges().get(0).vsConsensus().confusion().toArray());
    }

    @Test
    void reviewersAgainstTheOthers() {
        RatingTable table = sixTraces();
        AgreementReport report = AgreementReport.of(table, PASS_FAIL).bootstrap(Bootstrap.none()).compute();
        ReviewerSummary ann = report.reviewers().get(table.raterIndex("ann"));
        assertEquals("ann", ann.reviewer());
        assertEquals(6, ann.items());
        assertEquals(3, ann.negativesGiven());
        assertEquals(0.5, ann.negativeShare(), 1e-12);
        // Others' consensus vs ann: t1 (P,P); t2 bob F + cy P tie, skipped; t3 (F,F); t4 bob alone says F,
        // ann P -> (F,P); t5 bob P + cy F tie, skipped; t6 nobody else.
        assertArrayEquals(new long[][] {{1, 0}, {1, 1}}, ann.vsOthers().confusion().toArray());
        assertEquals(2.0 / 3, ann.vsOthers().accuracy().value(), 1e-12);
        assertEquals(Estimate.notApplicable("x").status(),
                AgreementReport.of(table, Scale.nominal(2)).bootstrap(Bootstrap.none()).compute()
                        .reviewers().get(0).vsOthers().negativeRecall().status());
    }

    @Test
    void pairwiseKappaOverSharedTraces() {
        RatingTable table = sixTraces();
        AgreementReport report = AgreementReport.of(table, PASS_FAIL).bootstrap(Bootstrap.none()).compute();
        assertEquals(3, report.pairs().size());
        AgreementReport.RaterPair annBob = report.pairs().get(0);
        assertEquals("ann", annBob.raterA());
        assertEquals("bob", annBob.raterB());
        assertEquals(5, annBob.confusion().total());
        assertEquals(CohenKappa.between(table, 0, 1, CohenKappa.Weighting.UNWEIGHTED), annBob.kappa());
        AgreementReport.RaterPair bobCy = report.pairs().get(2);
        assertEquals(4, bobCy.confusion().total());
    }

    @Test
    void orderedRubricsWeighKappaQuadraticallyByDefault() {
        RatingTable table = PublishedData.krippendorff2011();
        AgreementReport report = AgreementReport.of(table, Scale.ordinal(5)).bootstrap(Bootstrap.none()).compute();
        assertEquals(CohenKappa.between(table, 0, 1, CohenKappa.Weighting.QUADRATIC), report.pairs().get(0).kappa());
        AgreementReport unweighted = AgreementReport.of(table, Scale.ordinal(5))
                .kappaWeighting(CohenKappa.Weighting.UNWEIGHTED).bootstrap(Bootstrap.none()).compute();
        assertEquals(CohenKappa.between(table, 0, 1, CohenKappa.Weighting.UNWEIGHTED),
                unweighted.pairs().get(0).kappa());
    }

    @Test
    void intervalsForHeadlineJudgesAndOptionallyReviewers() {
        RatingTable table = simulated(400, 4, 7);
        UnitLabels judge = UnitLabels.forTable(table);
        SplittableRandom random = new SplittableRandom(11);
        for (int u = 0; u < table.unitCount(); u++) {
            int majority = Consensus.ofUnits(table, Consensus.Rule.MAJORITY)[u];
            judge.setAt(u, majority != Consensus.NONE && random.nextInt(10) < 8 ? majority : random.nextInt(3));
        }
        Scale scale = Scale.ordinal(3).withNegative(2);
        AgreementReport plain = AgreementReport.of(table, scale).judge("v2", judge)
                .bootstrap(Bootstrap.percentile(200, 5)).compute();
        assertTrue(plain.headlineAlpha().hasInterval(), plain.headlineAlpha()::toString);
        assertTrue(plain.fleissKappa().hasInterval());
        assertTrue(plain.percentAgreement().hasInterval());
        assertTrue(plain.gwetAc1().hasInterval());
        assertTrue(plain.judges().get(0).vsConsensus().kappa().hasInterval());
        assertTrue(plain.judges().get(0).vsConsensus().negativeRecall().hasInterval());
        assertFalse(plain.reviewers().get(0).vsOthers().kappa().hasInterval());
        assertFalse(plain.pairs().get(0).kappa().hasInterval());

        AgreementReport withReviewers = AgreementReport.of(table, scale).judge("v2", judge)
                .bootstrap(Bootstrap.percentile(200, 5)).reviewerIntervals(true).compute();
        Estimate kappa = withReviewers.reviewers().get(0).vsOthers().kappa();
        assertTrue(kappa.hasInterval());
        assertEquals(plain.reviewers().get(0).vsOthers().kappa().value(), kappa.value(), 1e-12);
        // Shared resamples: adding groups does not change the headline interval.
        assertEquals(plain.headlineAlpha(), withReviewers.headlineAlpha());
    }

    @Test
    void labelsMustBelongToTheTable() {
        RatingTable table = sixTraces();
        UnitLabels foreign = UnitLabels.forTable(sixTraces());
        assertThrows(IllegalArgumentException.class, () -> AgreementReport.of(table, PASS_FAIL).judge("v", foreign));
        assertThrows(IllegalArgumentException.class, () -> AgreementReport.of(table, Scale.nominal(3)));
    }

    /** Units × raters (every rater rates every unit) on three levels, raters mostly following a latent level. */
    static RatingTable simulated(int units, int raters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RatingTable.Builder builder = RatingTable.builder(3);
        for (int u = 0; u < units; u++) {
            int truth = random.nextInt(3);
            for (int r = 0; r < raters; r++) {
                builder.add(u, "r" + r, random.nextInt(10) < 7 ? truth : random.nextInt(3));
            }
        }
        return builder.build();
    }
}
