package dev.jury.agreement.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.ConfusionMatrix;
import dev.jury.agreement.Interpretation;
import dev.jury.agreement.KrippendorffAlpha;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The agreement report as the API returns it (api.md, "agreement"), and what the page and the CSV are made from, so
 * the three always show the same numbers. Field names follow api.md exactly (snake_case by the global naming
 * strategy).
 */
public record AgreementDocument(String experiment, String name, AgreementResult.QueueInfo queue,
                                int rubricVersion, List<AgreementResult.VersionCount> rubricVersions,
                                AgreementResult.RubricInfo rubric, Instant from, Instant to,
                                int units, long pairableUnits, int raters, int ratings,
                                Headline headline, Alpha krippendorffAlpha, EstimateView fleissKappa,
                                EstimateView percentAgreement, EstimateView gwetAc1, String kappaWeighting,
                                String consensusRule, List<Pair> cohenKappaPairs, List<Reviewer> reviewers,
                                List<Judge> judgeVsConsensus, long disagreementsTotal,
                                List<AgreementResult.Disagreement> disagreements, Skipped skippedValues,
                                BootstrapInfo bootstrap, AgreementResult.Timings timingsMs, String on,
                                Integer scoreThreshold, List<JudgePair> judgePairs) {

    /**
     * Two judge versions on the traces both scored (reports on the score): quadratic κ, ordinal α, equal scores.
     */
    public record JudgePair(String judgeA, String judgeB, long n, EstimateView kappa, EstimateView alphaOrdinal,
                            EstimateView percentAgreement) {
    }

    /**
     * The α the page leads with: ordinal for ordered rubrics, nominal otherwise, with Krippendorff's band.
     *
     * @param band   {@code reliable}, {@code tentative conclusions only}, {@code not reliable}; null when α is undefined
     * @param source the publication the bands come from
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Headline(String statistic, String level, Double value, List<Double> ci, Long n, String status,
                           String reason, String band, String source) {

        public EstimateView estimate() {
            return new EstimateView(value, ci, n, status, reason);
        }
    }

    public record Alpha(EstimateView nominal, EstimateView ordinal, EstimateView interval) {
    }

    /**
     * Cohen's κ between two reviewers on the traces both labelled.
     *
     * @param percentAgreement share of those traces on which they gave the same level
     */
    public record Pair(String raterA, String raterB, String sourceA, String sourceB, EstimateView kappa, long n,
                       EstimateView percentAgreement) {
    }

    /**
     * A reviewer against the consensus of the other reviewers on the same traces (leave-one-out).
     *
     * @param compared      traces where the others had a consensus, the base of κ and accuracy
     * @param negativeShare share of the reviewer's labels on the failing side
     * @param medianSeconds median time spent per label; null when no time was recorded (imported labels)
     */
    public record Reviewer(String reviewer, String sourceId, long items, long compared,
                           EstimateView kappaVsConsensus, EstimateView accuracyVsConsensus, double negativeShare,
                           Double medianSeconds) {

        public String medianText() {
            return medianSeconds == null ? "—" : String.format(Locale.ROOT, "%.1f s", medianSeconds);
        }

        public String negativeText() {
            return String.format(Locale.ROOT, "%.0f%%", negativeShare * 100);
        }
    }

    /**
     * One judge version against the human consensus.
     *
     * @param verdicts all its current verdicts of this name
     * @param n        traces with both a verdict and a consensus, the base of every number here
     */
    public record Judge(String judge, Integer version, boolean latest, long verdicts, long n, EstimateView accuracy,
                        EstimateView kappa, Confusion confusion, EstimateView negativePrecision,
                        EstimateView negativeRecall) {
    }

    /** Rows: the consensus; columns: the judge. {@code labels} are the rubric's values in order. */
    public record Confusion(List<String> labels, List<List<Long>> matrix) {
    }

    public record Skipped(long count, long human, long judge, long adjudication,
                          List<AgreementResult.ValueCount> values) {
    }

    /** {@code resamples} 0 means point estimates only. */
    public record BootstrapInfo(int resamples, double level, long seed) {
    }

    public static AgreementDocument of(AgreementResult result) {
        AgreementReport report = result.report();
        List<String> values = result.rubric().levels().stream().map(AgreementResult.Level::value).toList();
        return new AgreementDocument(result.experiment(), result.name(), result.queue(), result.rubric().version(),
                result.rubricVersions(), result.rubric(), result.from(), result.to(), report.units(),
                report.pairableUnits(), report.reviewerCount(), report.ratingCount(), headline(report),
                new Alpha(EstimateView.of(report.alpha(KrippendorffAlpha.Level.NOMINAL)),
                        EstimateView.of(report.alpha(KrippendorffAlpha.Level.ORDINAL)),
                        EstimateView.of(report.alpha(KrippendorffAlpha.Level.INTERVAL))),
                EstimateView.of(report.fleissKappa()), EstimateView.of(report.percentAgreement()),
                EstimateView.of(report.gwetAc1()), result.kappaWeighting(),
                result.consensusRule().name().toLowerCase(Locale.ROOT), pairs(result), reviewers(result),
                judges(result, values), result.disagreementsTotal(), result.disagreements(),
                new Skipped(result.skipped().total(), result.skipped().human(), result.skipped().judge(),
                        result.skipped().adjudication(), result.skipped().values()),
                new BootstrapInfo(result.bootstrap().resamples(), result.bootstrap().level(),
                        result.bootstrap().seed()),
                result.timings(), result.on(), result.scoreThreshold(),
                result.judgePairs().stream().map(p -> new JudgePair(p.judgeA(), p.judgeB(), p.n(),
                        EstimateView.of(p.kappa()), EstimateView.of(p.alphaOrdinal()),
                        EstimateView.of(p.percentAgreement()))).toList());
    }

    private static Headline headline(AgreementReport report) {
        EstimateView alpha = EstimateView.of(report.headlineAlpha());
        String band = report.headlineBand().map(Interpretation.AlphaBand::label).orElse(null);
        return new Headline("krippendorff_alpha", report.headlineLevel().name().toLowerCase(Locale.ROOT),
                alpha.value(), alpha.ci(), alpha.n(), alpha.status(), alpha.reason(), band,
                Interpretation.KRIPPENDORFF_SOURCE);
    }

    private static List<Pair> pairs(AgreementResult result) {
        List<Pair> pairs = new ArrayList<>();
        for (AgreementReport.RaterPair pair : result.report().pairs()) {
            pairs.add(new Pair(result.displayName(pair.raterA()), result.displayName(pair.raterB()),
                    String.valueOf(pair.raterA()), String.valueOf(pair.raterB()), EstimateView.of(pair.kappa()),
                    pair.confusion().total(), EstimateView.of(pair.confusion().accuracy())));
        }
        return pairs;
    }

    private static List<Reviewer> reviewers(AgreementResult result) {
        List<Reviewer> reviewers = new ArrayList<>();
        for (AgreementReport.ReviewerSummary r : result.report().reviewers()) {
            String source = String.valueOf(r.reviewer());
            reviewers.add(new Reviewer(result.displayName(source), source, r.items(),
                    r.vsOthers().confusion().total(), EstimateView.of(r.vsOthers().kappa()),
                    EstimateView.of(r.vsOthers().accuracy()), r.negativeShare(),
                    result.medianSeconds().get(source)));
        }
        reviewers.sort(Comparator.comparingLong(Reviewer::items).reversed().thenComparing(Reviewer::reviewer));
        return reviewers;
    }

    private static List<Judge> judges(AgreementResult result, List<String> values) {
        List<Judge> judges = new ArrayList<>();
        List<AgreementReport.JudgeSummary> summaries = result.report().judges();
        for (int j = 0; j < summaries.size(); j++) {
            AgreementReport.JudgeSummary summary = summaries.get(j);
            AgreementResult.JudgeSeries series = result.judges().get(j);
            AgreementReport.Comparison c = summary.vsConsensus();
            judges.add(new Judge(summary.judge(), series.version(), j == summaries.size() - 1, series.verdicts(),
                    c.confusion().total(), EstimateView.of(c.accuracy()), EstimateView.of(c.kappa()),
                    confusion(c.confusion(), values), EstimateView.of(c.negativePrecision()),
                    EstimateView.of(c.negativeRecall())));
        }
        return judges;
    }

    private static Confusion confusion(ConfusionMatrix matrix, List<String> values) {
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : matrix.toArray()) {
            rows.add(java.util.Arrays.stream(row).boxed().toList());
        }
        return new Confusion(values, rows);
    }
}
