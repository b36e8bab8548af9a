package dev.jury.agreement.report;

import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.CohenKappa;
import dev.jury.agreement.Consensus;
import dev.jury.agreement.DisagreementOrder;
import dev.jury.agreement.Estimate;
import dev.jury.agreement.KrippendorffAlpha;
import dev.jury.agreement.PercentAgreement;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.Scale;
import dev.jury.agreement.UnitLabels;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agreement report of one label name, the one entry point resources and other features call: which rubric
 * version the report is about ({@link VersionChoice}), the rating table under it ({@link RatingTableLoader}), the
 * {@link AgreementReport} with bootstrap intervals, and the disagreements worth a look ({@link DisagreementOrder}).
 * See docs/agreement.md, "Report service".
 */
@ApplicationScoped
@Transactional
public class AgreementService {

    @Inject
    ExperimentService experiments;

    @Inject
    AgreementConfig config;

    @Inject
    RatingTableLoader tables;

    @Inject
    ReviewerNames reviewerNames;

    /** The report with default intervals and disagreement order. */
    public AgreementResult report(String experiment, String name, Long queueId, Integer rubricVersion, Instant from,
                                  Instant to) {
        return report(experiment, new AgreementQuery(name, queueId, rubricVersion, from, to, null, null));
    }

    /**
     * The report. Read-only, but it runs in a transaction of its own because the PostgreSQL driver only streams
     * rows through a cursor inside one.
     *
     * @throws ProblemException 404 for an unknown experiment, name (no such rubric), queue or rubric version; 400
     *                          when no name is given and no queue implies one; 422 when the queue is about another
     *                          name or pinned to another rubric version than the one asked for
     */
    public AgreementResult report(String experimentName, AgreementQuery query) {
        return report(experimentName, query, 0, config.maxDisagreements());
    }

    /**
     * The report with one page of its disagreement list: {@code limit} after the first {@code offset} in the
     * query's order (the agreement page shows fifty at a time; the total is always the whole count).
     */
    public AgreementResult report(String experimentName, AgreementQuery query, int offset, int limit) {
        Experiment experiment = experiments.get(experimentName);
        VersionChoice choice = VersionChoice.of(experiment, query);

        long started = System.nanoTime();
        RatingTableLoader.Tables loaded = tables.load(choice, query);
        RubricVersion selected = loaded.selected();
        RubricSpec spec = selected.spec();
        boolean score = query.score();
        boolean ordered = score || spec.kind() != RubricKind.BOOLEAN;
        RatingTable table = loaded.humans();
        Scale scale = score ? ScoreLevels.scale(choice.scoreThreshold) : scale(spec, ordered);
        List<String> values = score ? ScoreLevels.VALUES : RubricValues.allowedValues(spec);
        Consensus.Rule rule = choice.queue != null && ordered && "MEDIAN".equals(choice.queue.consensusRule)
                ? Consensus.Rule.MEDIAN : Consensus.Rule.MAJORITY;
        CohenKappa.Weighting weighting = ordered ? CohenKappa.Weighting.QUADRATIC : CohenKappa.Weighting.UNWEIGHTED;
        Bootstrap bootstrap = bootstrap(query.bootstrap(), table.unitCount());
        long built = System.nanoTime();

        AgreementReport.Builder builder = AgreementReport.of(table, scale).consensusRule(rule)
                .kappaWeighting(weighting).bootstrap(bootstrap);
        loaded.judgeLabels().forEach(builder::judge);
        if (loaded.adjudicated().labelled() > 0) {
            builder.adjudicated(loaded.adjudicated());
        }
        AgreementReport report = builder.compute();
        long computed = System.nanoTime();

        List<AgreementResult.JudgeSeries> judges = loaded.judges();
        AgreementResult.JudgeSeries latest = judges.isEmpty() ? null : judges.get(judges.size() - 1);
        DisagreementOrder.Result disagreements = DisagreementOrder.of(report,
                latest == null ? null : latest.source(), DisagreementOrder.Sort.of(query.sort()), offset, limit);
        List<AgreementResult.Disagreement> shown = disagreements(report, values, disagreements,
                latest == null ? null : loaded.judgeLabels().get(latest.source()), latest);
        Rubric rubric = choice.rubric;
        return new AgreementResult(experiment.name, rubric.name,
                choice.queue == null ? null : new AgreementResult.QueueInfo(choice.queue.id, choice.queue.name),
                score ? new AgreementResult.RubricInfo(rubric.name, selected.version, "score", true,
                        ScoreLevels.levels(choice.scoreThreshold)) : rubricInfo(rubric, selected, spec, ordered),
                choice.versionCounts(selected, loaded.labelsPerVersion()),
                query.from(), query.to(), report, rule, weighting == CohenKappa.Weighting.QUADRATIC ? "quadratic"
                : "unweighted", bootstrap, reviewerNames.of(table), loaded.medianSeconds(), judges,
                shown, disagreements.total(), query.sort(), loaded.skipped(),
                new AgreementResult.Timings(millis(started, loaded.labelsReadAt()),
                        millis(loaded.labelsReadAt(), built), millis(built, computed), loaded.source().label()),
                query.on(), choice.scoreThreshold,
                loaded.judgeTable() == null ? List.of() : judgePairs(loaded.judgeTable(), judges));
    }

    /**
     * Every pair of judge versions (older first) on the traces both scored, whether or not a human labelled them:
     * quadratically weighted κ, ordinal α of the two, and the share of equal scores. Point estimates.
     */
    static List<AgreementResult.JudgePair> judgePairs(RatingTable scores, List<AgreementResult.JudgeSeries> judges) {
        List<AgreementResult.JudgePair> pairs = new ArrayList<>();
        for (int a = 0; a < judges.size(); a++) {
            for (int b = a + 1; b < judges.size(); b++) {
                int ra = scores.raterIndex(judges.get(a).source());
                int rb = scores.raterIndex(judges.get(b).source());
                if (ra < 0 || rb < 0) {
                    continue;
                }
                RatingTable.Builder two = RatingTable.builder(scores.categories());
                long n = 0;
                for (int u = 0; u < scores.unitCount(); u++) {
                    int va = scores.value(u, ra);
                    int vb = scores.value(u, rb);
                    if (va != RatingTable.MISSING && vb != RatingTable.MISSING) {
                        two.add(scores.unitKey(u), "a", va);
                        two.add(scores.unitKey(u), "b", vb);
                        n++;
                    }
                }
                RatingTable both = two.build();
                boolean empty = n == 0;
                pairs.add(new AgreementResult.JudgePair(judges.get(a).source(), judges.get(b).source(), n,
                        empty ? Estimate.notEnoughData(0) : CohenKappa.between(both, 0, 1,
                                CohenKappa.Weighting.QUADRATIC),
                        empty ? Estimate.notEnoughData(0) : KrippendorffAlpha.of(both,
                                KrippendorffAlpha.Level.ORDINAL),
                        empty ? Estimate.notEnoughData(0) : PercentAgreement.of(both)));
            }
        }
        return pairs;
    }

    /** Ordered levels keep their rubric order; numeric levels carry their numbers for interval α. */
    private static Scale scale(RubricSpec spec, boolean ordered) {
        List<RubricLevel> levels = spec.levels();
        int k = levels.size();
        Scale scale = ordered ? Scale.ordinal(k) : Scale.nominal(k);
        if (spec.kind() == RubricKind.NUMERIC) {
            // A saved numeric rubric's values are numbers (RubricValidator), in its own plain spelling.
            List<String> numbers = RubricValues.allowedValues(spec);
            double[] values = new double[k];
            for (int c = 0; c < k; c++) {
                values[c] = new BigDecimal(numbers.get(c)).doubleValue();
            }
            scale = scale.withValues(values);
        }
        int[] negatives = new int[k];
        int n = 0;
        for (int c = 0; c < k; c++) {
            if (RubricValues.isNegative(spec, levels.get(c).value())) {
                negatives[n++] = c;
            }
        }
        return scale.withNegative(Arrays.copyOf(negatives, n));
    }

    /**
     * {@code jury.agreement.bootstrap.resamples} up to {@code full-units} traces; above, fewer so that traces ×
     * resamples stays constant, but never fewer than {@code min-resamples}. An explicit count wins.
     */
    Bootstrap bootstrap(Integer requested, int units) {
        AgreementConfig.Bootstrap settings = config.bootstrap();
        if (requested != null) {
            return requested == 0 ? Bootstrap.none() : Bootstrap.percentile(requested, settings.seed());
        }
        int resamples = settings.resamples();
        if (units > settings.fullUnits()) {
            long scaled = (long) resamples * settings.fullUnits() / units;
            resamples = (int) Math.max(settings.minResamples(), Math.min(resamples, scaled));
        }
        return resamples == 0 ? Bootstrap.none() : Bootstrap.percentile(resamples, settings.seed());
    }

    // ---- what is shown next to the numbers ------------------------------------------------------------------------

    /** The listed units in rubric values: human labels per value, the consensus and the latest judge's verdict. */
    private static List<AgreementResult.Disagreement> disagreements(AgreementReport report, List<String> values,
                                                                    DisagreementOrder.Result listed,
                                                                    UnitLabels latestLabels,
                                                                    AgreementResult.JudgeSeries latest) {
        RatingTable table = report.table();
        return listed.first().stream().map(entry -> {
            int u = entry.unit();
            long[] counts = new long[values.size()];
            for (int r = 0; r < table.raterCount(); r++) {
                int v = table.value(u, r);
                if (v != RatingTable.MISSING) {
                    counts[v]++;
                }
            }
            Map<String, Long> labels = new LinkedHashMap<>();
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] > 0) {
                    labels.put(values.get(c), counts[c]);
                }
            }
            int consensus = report.consensus(u);
            int judged = latestLabels == null ? RatingTable.MISSING : latestLabels.get(u);
            return new AgreementResult.Disagreement((Long) table.unitKey(u), labels, table.ratingsOf(u),
                    consensus == Consensus.NONE ? null : values.get(consensus),
                    judged == RatingTable.MISSING ? null : values.get(judged),
                    latest == null ? null : latest.version(), entry.reason().code());
        }).toList();
    }

    private static AgreementResult.RubricInfo rubricInfo(Rubric rubric, RubricVersion version, RubricSpec spec,
                                                         boolean ordered) {
        List<String> values = RubricValues.allowedValues(spec);
        List<AgreementResult.Level> levels = new ArrayList<>();
        for (int c = 0; c < values.size(); c++) {
            RubricLevel level = spec.levels().get(c);
            levels.add(new AgreementResult.Level(values.get(c), level.label(),
                    RubricValues.isNegative(spec, level.value())));
        }
        return new AgreementResult.RubricInfo(rubric.name, version.version, version.kindName(), ordered,
                List.copyOf(levels));
    }

    private static double millis(long fromNanos, long toNanos) {
        return Math.round((toNanos - fromNanos) / 1e5) / 10.0;
    }
}
