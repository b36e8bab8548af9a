package dev.jury.agreement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Everything the agreement page shows, computed from one {@link RatingTable} of current human labels, the
 * rubric's {@link Scale}, and optionally each judge version's labels and the adjudicated labels. No I/O: the
 * report service loads assessments into the table and renders this.
 *
 * <p>Confidence intervals (one shared set of bootstrap resamples) are given for the headline statistics and
 * for each judge against the consensus; per-reviewer intervals cost one more pass over all ratings per resample
 * and are opt-in; the pairwise κ matrix is point estimates with their number of shared units.
 */
public final class AgreementReport {

    /** κ between two reviewers over the traces both labelled (rows: rater A). */
    public record RaterPair(Object raterA, Object raterB, ConfusionMatrix confusion, Estimate kappa) {
    }

    /** One side against a reference labelling (rows: the reference, columns: the compared side). */
    public record Comparison(ConfusionMatrix confusion, Estimate accuracy, Estimate kappa,
                             Estimate negativePrecision, Estimate negativeRecall) {
    }

    /** A reviewer: how much they labelled, how often negative, and how they agree with the other reviewers. */
    public record ReviewerSummary(Object reviewer, long items, long negativesGiven, Comparison vsOthers) {

        public double negativeShare() {
            return items == 0 ? 0 : (double) negativesGiven / items;
        }
    }

    /** A judge version against the human consensus, on traces that have both. */
    public record JudgeSummary(String judge, long labelled, Comparison vsConsensus) {
    }

    private final RatingTable table;
    private final Scale scale;
    private final Bootstrap bootstrap;
    private final KrippendorffAlpha.Level headlineLevel;
    private final Map<KrippendorffAlpha.Level, Estimate> alpha;
    private final Estimate percentAgreement;
    private final Estimate fleissKappa;
    private final Estimate gwetAc1;
    private final long pairableUnits;
    private final int[] consensus;
    private final List<RaterPair> pairs;
    private final List<ReviewerSummary> reviewers;
    private final Map<String, int[]> judgeLabels;
    private final List<JudgeSummary> judges;

    private AgreementReport(Builder request, Map<KrippendorffAlpha.Level, Estimate> alpha, Estimate percentAgreement,
                            Estimate fleissKappa, Estimate gwetAc1, int[] consensus, List<RaterPair> pairs,
                            List<ReviewerSummary> reviewers, List<JudgeSummary> judges) {
        this.table = request.table;
        this.scale = request.scale;
        this.bootstrap = request.bootstrap;
        this.headlineLevel = request.headline();
        this.alpha = Collections.unmodifiableMap(alpha);
        this.percentAgreement = percentAgreement;
        this.fleissKappa = fleissKappa;
        this.gwetAc1 = gwetAc1;
        this.pairableUnits = table.counts().pairableUnits(table.counts().units);
        this.consensus = consensus;
        this.pairs = List.copyOf(pairs);
        this.reviewers = List.copyOf(reviewers);
        // Copies: the caller may keep filling its UnitLabels, the report must not change under it.
        Map<String, int[]> labels = new LinkedHashMap<>();
        request.judges.forEach((name, judged) -> labels.put(name, judged.snapshot()));
        this.judgeLabels = Collections.unmodifiableMap(labels);
        this.judges = List.copyOf(judges);
    }

    public static Builder of(RatingTable humans, Scale scale) {
        return new Builder(humans, scale);
    }

    /** Krippendorff's α at the level the rubric calls for: ordinal for ordered rubrics, else nominal. */
    public Estimate headlineAlpha() {
        return alpha.get(headlineLevel);
    }

    public KrippendorffAlpha.Level headlineLevel() {
        return headlineLevel;
    }

    public Optional<Interpretation.AlphaBand> headlineBand() {
        return Interpretation.alpha(headlineAlpha());
    }

    /** α at every level: nominal always; ordinal and interval "not applicable" for unordered rubrics. */
    public Map<KrippendorffAlpha.Level, Estimate> alpha() {
        return alpha;
    }

    public Estimate alpha(KrippendorffAlpha.Level level) {
        return alpha.getOrDefault(level, Estimate.notApplicable("not computed for this report"));
    }

    public Estimate percentAgreement() {
        return percentAgreement;
    }

    public Estimate fleissKappa() {
        return fleissKappa;
    }

    public Estimate gwetAc1() {
        return gwetAc1;
    }

    /** Traces with at least one human label. */
    public int units() {
        return table.unitCount();
    }

    /** Traces with two or more human labels, the ones agreement is measured on. */
    public long pairableUnits() {
        return pairableUnits;
    }

    public int reviewerCount() {
        return table.raterCount();
    }

    public int ratingCount() {
        return table.ratingCount();
    }

    public Scale scale() {
        return scale;
    }

    public Bootstrap bootstrap() {
        return bootstrap;
    }

    public RatingTable table() {
        return table;
    }

    public List<RaterPair> pairs() {
        return pairs;
    }

    public List<ReviewerSummary> reviewers() {
        return reviewers;
    }

    public List<JudgeSummary> judges() {
        return judges;
    }

    /** The unit's consensus (adjudicated label first, else the rule over human labels), or {@link Consensus#NONE}. */
    public int consensus(int unit) {
        return consensus[unit];
    }

    /** Units whose human labels tie and that nobody adjudicated — the "in disagreement" list. */
    public int[] unitsWithoutConsensus() {
        return unitsWhere(u -> consensus[u] == Consensus.NONE);
    }

    /** Units where the judge's label differs from the consensus. */
    public int[] unitsWhereJudgeDiffers(String judge) {
        int[] labels = judgeLabels.get(judge);
        if (labels == null) {
            throw new IllegalArgumentException("no judge named " + judge + " in this report");
        }
        return unitsWhere(u -> consensus[u] != Consensus.NONE && labels[u] != RatingTable.MISSING
                && labels[u] != consensus[u]);
    }

    private int[] unitsWhere(IntPredicate predicate) {
        return IntStream.range(0, consensus.length).filter(predicate).toArray();
    }

    public static final class Builder {

        private final RatingTable table;
        private final Scale scale;
        private final Map<String, UnitLabels> judges = new LinkedHashMap<>();
        private UnitLabels adjudicated;
        private Bootstrap bootstrap = Bootstrap.defaults();
        private Consensus.Rule rule = Consensus.Rule.MAJORITY;
        private CohenKappa.Weighting weighting;
        private KrippendorffAlpha.Level headline;
        private boolean reviewerIntervals;

        private Builder(RatingTable table, Scale scale) {
            this.table = Objects.requireNonNull(table);
            this.scale = Objects.requireNonNull(scale);
            if (scale.categories() != table.categories()) {
                throw new IllegalArgumentException("scale has " + scale.categories()
                        + " categories, table " + table.categories());
            }
        }

        /** A judge version's labels, compared with the human consensus under this name. */
        public Builder judge(String name, UnitLabels labels) {
            requireSameTable(labels);
            if (judges.putIfAbsent(Objects.requireNonNull(name), labels) != null) {
                throw new IllegalArgumentException("judge " + name + " given twice");
            }
            return this;
        }

        /** Admin-adjudicated labels; where present they are the consensus. */
        public Builder adjudicated(UnitLabels labels) {
            requireSameTable(labels);
            this.adjudicated = labels;
            return this;
        }

        /** Default {@link Bootstrap#defaults()}; {@link Bootstrap#none()} for point estimates only. */
        public Builder bootstrap(Bootstrap bootstrap) {
            this.bootstrap = Objects.requireNonNull(bootstrap);
            return this;
        }

        /** Default majority; median only for ordered rubrics. */
        public Builder consensusRule(Consensus.Rule rule) {
            if (rule == Consensus.Rule.MEDIAN && !scale.ordered()) {
                throw new IllegalArgumentException("the median needs an ordered rubric");
            }
            this.rule = Objects.requireNonNull(rule);
            return this;
        }

        /** Weighting of Cohen's κ; default unweighted for unordered rubrics, quadratic for ordered ones. */
        public Builder kappaWeighting(CohenKappa.Weighting weighting) {
            this.weighting = Objects.requireNonNull(weighting);
            return this;
        }

        /** The α shown as the headline; default ordinal for ordered rubrics, nominal otherwise. */
        public Builder headline(KrippendorffAlpha.Level level) {
            if (level != KrippendorffAlpha.Level.NOMINAL && !scale.ordered()) {
                throw new IllegalArgumentException(level + " α needs an ordered rubric");
            }
            this.headline = Objects.requireNonNull(level);
            return this;
        }

        /** Also bootstrap each reviewer's accuracy and κ against the others (one more pass per resample). */
        public Builder reviewerIntervals(boolean enabled) {
            this.reviewerIntervals = enabled;
            return this;
        }

        private void requireSameTable(UnitLabels labels) {
            if (!labels.belongsTo(table)) {
                throw new IllegalArgumentException("labels were made for another rating table");
            }
        }

        KrippendorffAlpha.Level headline() {
            if (headline != null) {
                return headline;
            }
            return scale.ordered() ? KrippendorffAlpha.Level.ORDINAL : KrippendorffAlpha.Level.NOMINAL;
        }

        CohenKappa.Weighting weighting() {
            if (weighting != null) {
                return weighting;
            }
            return scale.ordered() ? CohenKappa.Weighting.QUADRATIC : CohenKappa.Weighting.UNWEIGHTED;
        }

        public AgreementReport compute() {
            return new Computation(this).run();
        }
    }

    /** One report's worth of passes over the table, then one bootstrap run for all intervals. */
    private static final class Computation {

        // Positions of the table statistics in their bootstrap group, as added by addTableGroup().
        private static final int PERCENT = 0;
        private static final int ALPHA_NOMINAL = 1;
        private static final int FLEISS = 2;
        private static final int AC1 = 3;
        private static final int ALPHA_ORDINAL = 4;
        private static final int ALPHA_INTERVAL = 5;

        private final Builder request;
        private final RatingTable table;
        private final int k;
        private final List<Bootstrap.Group> groups = new ArrayList<>();

        Computation(Builder request) {
            this.request = request;
            this.table = request.table;
            this.k = table.categories();
        }

        AgreementReport run() {
            int tableGroup = addTableGroup();
            int[] consensus = consensus();
            int firstJudgeGroup = groups.size();
            List<Long> judgeLabelled = new ArrayList<>();
            for (UnitLabels labels : request.judges.values()) {
                judgeLabelled.add((long) labels.labelled());
                groups.add(comparisonGroup(null, judgeCells(labels, consensus)));
            }
            int[] cellOfRating = LeaveOneOut.cellOfRating(table, request.rule);
            ConfusionMatrix[] vsOthers = LeaveOneOut.vsOthers(table, cellOfRating);
            int firstReviewerGroup = groups.size();
            if (request.reviewerIntervals) {
                addReviewerGroups(cellOfRating);
            }

            List<List<Estimate>> estimates = request.bootstrap.run(table.unitCount(), groups);

            List<Estimate> tableEstimates = estimates.get(tableGroup);
            Map<KrippendorffAlpha.Level, Estimate> alpha = new EnumMap<>(KrippendorffAlpha.Level.class);
            alpha.put(KrippendorffAlpha.Level.NOMINAL, tableEstimates.get(ALPHA_NOMINAL));
            Estimate unordered = Estimate.notApplicable("the rubric's levels are not ordered");
            alpha.put(KrippendorffAlpha.Level.ORDINAL,
                    request.scale.ordered() ? tableEstimates.get(ALPHA_ORDINAL) : unordered);
            alpha.put(KrippendorffAlpha.Level.INTERVAL,
                    request.scale.ordered() ? tableEstimates.get(ALPHA_INTERVAL) : unordered);

            List<JudgeSummary> judges = new ArrayList<>();
            int j = 0;
            for (String name : request.judges.keySet()) {
                Bootstrap.Group group = groups.get(firstJudgeGroup + j);
                judges.add(new JudgeSummary(name, judgeLabelled.get(j),
                        comparison(group.typeCounts(null), estimates.get(firstJudgeGroup + j))));
                j++;
            }

            List<ReviewerSummary> reviewers = new ArrayList<>();
            long[] items = new long[table.raterCount()];
            long[] negatives = new long[table.raterCount()];
            for (int i = 0; i < table.ratingCount(); i++) {
                items[table.raterAt(i)]++;
                if (request.scale.isNegative(table.valueAt(i))) {
                    negatives[table.raterAt(i)]++;
                }
            }
            for (int r = 0; r < table.raterCount(); r++) {
                long[] cells = vsOthers[r].cells();
                List<Estimate> pointsOrIntervals = request.reviewerIntervals
                        ? estimates.get(firstReviewerGroup + r)
                        : comparisonStatistics().stream().map(s -> s.compute(cells)).toList();
                reviewers.add(new ReviewerSummary(table.raterKey(r), items[r], negatives[r],
                        comparison(cells, pointsOrIntervals)));
            }

            return new AgreementReport(request, alpha, tableEstimates.get(PERCENT), tableEstimates.get(FLEISS),
                    tableEstimates.get(AC1), consensus, pairs(), reviewers, judges);
        }

        /** Percent agreement, nominal α, Fleiss' κ, AC1, then ordinal and interval α when the rubric is ordered. */
        private int addTableGroup() {
            CategoryCounts counts = table.counts();
            double[] values = request.scale.values();
            List<Bootstrap.Statistic> statistics = new ArrayList<>(List.of(
                    w -> PercentAgreement.compute(counts, w),
                    w -> KrippendorffAlpha.compute(counts, w, KrippendorffAlpha.Level.NOMINAL, values),
                    w -> FleissKappa.compute(counts, w),
                    w -> GwetAc1.compute(counts, w)));
            if (request.scale.ordered()) {
                statistics.add(w -> KrippendorffAlpha.compute(counts, w, KrippendorffAlpha.Level.ORDINAL, values));
                statistics.add(w -> KrippendorffAlpha.compute(counts, w, KrippendorffAlpha.Level.INTERVAL, values));
            }
            groups.add(Bootstrap.Group.allUnits(counts.profileOfUnit, counts.profiles, statistics));
            return groups.size() - 1;
        }

        private int[] consensus() {
            int[] consensus = Consensus.ofUnits(table, request.rule);
            if (request.adjudicated != null) {
                for (int u = 0; u < consensus.length; u++) {
                    if (request.adjudicated.get(u) != RatingTable.MISSING) {
                        consensus[u] = request.adjudicated.get(u);
                    }
                }
            }
            return consensus;
        }

        /** Per unit, the cell (consensus, judge label), or -1 when either is missing. */
        private int[] judgeCells(UnitLabels labels, int[] consensus) {
            int[] cells = new int[table.unitCount()];
            for (int u = 0; u < cells.length; u++) {
                int judged = labels.get(u);
                cells[u] = consensus[u] == Consensus.NONE || judged == RatingTable.MISSING
                        ? -1
                        : consensus[u] * k + judged;
            }
            return cells;
        }

        /** One group per reviewer: their ratings' (unit, leave-one-out cell) entries. */
        private void addReviewerGroups(int[] cellOfRating) {
            int raters = table.raterCount();
            int[] filled = new int[raters];
            for (int i = 0; i < table.ratingCount(); i++) {
                filled[table.raterAt(i)]++;
            }
            int[][] units = new int[raters][];
            int[][] cells = new int[raters][];
            for (int r = 0; r < raters; r++) {
                units[r] = new int[filled[r]];
                cells[r] = new int[filled[r]];
                filled[r] = 0;
            }
            for (int u = 0; u < table.unitCount(); u++) {
                for (int i = table.start(u); i < table.start(u + 1); i++) {
                    int r = table.raterAt(i);
                    units[r][filled[r]] = u;
                    cells[r][filled[r]++] = cellOfRating[i];
                }
            }
            for (int r = 0; r < raters; r++) {
                groups.add(comparisonGroup(units[r], cells[r]));
            }
        }

        private Bootstrap.Group comparisonGroup(int[] units, int[] cells) {
            return units == null
                    ? Bootstrap.Group.allUnits(cells, k * k, comparisonStatistics())
                    : Bootstrap.Group.entries(units, cells, k * k, comparisonStatistics());
        }

        /** Accuracy, κ, negative precision, negative recall — in the order {@link #comparison} reads them. */
        private List<Bootstrap.Statistic> comparisonStatistics() {
            CohenKappa.Weighting weighting = request.weighting();
            Scale scale = request.scale;
            return List.of(
                    cells -> ConfusionMatrix.wrap(k, cells).accuracy(),
                    cells -> CohenKappa.of(ConfusionMatrix.wrap(k, cells), weighting),
                    cells -> ConfusionMatrix.wrap(k, cells).negativePrecision(scale),
                    cells -> ConfusionMatrix.wrap(k, cells).negativeRecall(scale));
        }

        private Comparison comparison(long[] cells, List<Estimate> estimates) {
            return new Comparison(ConfusionMatrix.wrap(k, cells), estimates.get(0), estimates.get(1),
                    estimates.get(2), estimates.get(3));
        }

        /** Pairwise confusion matrices in one pass over units; raters that never share a unit are left out. */
        private List<RaterPair> pairs() {
            int raters = table.raterCount();
            PairCells cells = new PairCells(raters, k);
            for (int u = 0; u < table.unitCount(); u++) {
                for (int i = table.start(u); i < table.start(u + 1); i++) {
                    for (int j = i + 1; j < table.start(u + 1); j++) {
                        int first = table.raterAt(i);
                        int second = table.raterAt(j);
                        if (first < second) {
                            cells.of(first, second)[table.valueAt(i) * k + table.valueAt(j)]++;
                        } else {
                            cells.of(second, first)[table.valueAt(j) * k + table.valueAt(i)]++;
                        }
                    }
                }
            }
            CohenKappa.Weighting weighting = request.weighting();
            List<RaterPair> pairs = new ArrayList<>();
            for (int first = 0; first < raters; first++) {
                for (int second = first + 1; second < raters; second++) {
                    long[] shared = cells.ifPresent(first, second);
                    if (shared != null) {
                        ConfusionMatrix matrix = ConfusionMatrix.wrap(k, shared);
                        pairs.add(new RaterPair(table.raterKey(first), table.raterKey(second), matrix,
                                CohenKappa.of(matrix, weighting)));
                    }
                }
            }
            return pairs;
        }
    }

    /** k × k counts per rater pair, allocated on first use; a dense index while raters² stays small. */
    private static final class PairCells {
        private static final int DENSE_LIMIT = 2048;
        private final int raters;
        private final int k;
        private final long[][] dense;
        private final Map<Long, long[]> sparse;

        PairCells(int raters, int k) {
            this.raters = raters;
            this.k = k;
            this.dense = raters <= DENSE_LIMIT ? new long[raters * raters][] : null;
            this.sparse = raters <= DENSE_LIMIT ? null : new HashMap<>();
        }

        long[] of(int a, int b) {
            if (dense != null) {
                int index = a * raters + b;
                if (dense[index] == null) {
                    dense[index] = new long[k * k];
                }
                return dense[index];
            }
            return sparse.computeIfAbsent((long) a * raters + b, key -> new long[k * k]);
        }

        long[] ifPresent(int a, int b) {
            return dense != null ? dense[a * raters + b] : sparse.get((long) a * raters + b);
        }
    }
}
