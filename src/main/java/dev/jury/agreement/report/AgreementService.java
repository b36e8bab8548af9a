package dev.jury.agreement.report;

import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.CohenKappa;
import dev.jury.agreement.Consensus;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.Scale;
import dev.jury.agreement.UnitLabels;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.review.ReviewQueue;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agreement report of one label name: loads the current valid labels in one streaming query
 * ({@link CurrentLabels}), builds the {@link RatingTable} under one rubric version and computes the
 * {@link AgreementReport} with bootstrap intervals. See docs/agreement.md, "Report service".
 */
@ApplicationScoped
@Transactional
public class AgreementService {

    private static final Pattern JUDGE_SOURCE = Pattern.compile("judge:(.+)@v([0-9]{1,9})");

    @Inject
    ExperimentService experiments;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AgreementConfig config;

    @Inject
    LabelCache cache;

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
        Experiment experiment = experiments.get(experimentName);
        ReviewQueue queue = queue(experiment, query.queueId());
        Rubric rubric = rubric(experiment, query.name(), queue);
        List<RubricVersion> versions = RubricVersion.listVersions(rubric.id);
        RubricVersion current = versions.get(0);
        RubricVersion requested = requestedVersion(rubric, versions, query.rubricVersion(), queue);

        long started = System.nanoTime();
        long loaded;
        LabelCache.Source source;
        Map<Long, Long> labelsPerVersion;
        RubricVersion selected;
        Humans humans;
        Judges judges;
        UnitLabels adjudicated;
        long skippedAdjudication = 0;
        List<AgreementResult.ValueCount> skippedValues;
        var key = new LabelCache.Key(experiment.id, rubric.name, query.queueId(), query.from(), query.to());
        // The labels are read while the entry is held (a kept entry is refreshed and read by one report at a
        // time); the statistics, which can take seconds with intervals, run after it is released.
        try (Connection connection = dataSource.getConnection();
             LabelCache.Labels held = cache.open(connection, key)) {
            CurrentLabels labels = held.labels();
            source = held.source();
            loaded = System.nanoTime();

            labelsPerVersion = labelsPerVersion(labels.humans, current.id);
            selected = select(versions, requested, queue, labelsPerVersion);
            RubricSpec selectedSpec = selected.spec();
            int[] levelOfValue = new int[labels.values.size()];
            for (int v = 0; v < levelOfValue.length; v++) {
                levelOfValue[v] = RubricValues.indexOf(selectedSpec, labels.values.get(v));
            }
            long[] skippedByValue = new long[labels.values.size()];

            humans = humans(labels, selected.id.equals(current.id) ? 0 : -1, selected.id, levelOfValue,
                    skippedByValue, selectedSpec.levels().size());
            judges = judges(labels, humans.table, levelOfValue, skippedByValue);
            adjudicated = UnitLabels.forTable(humans.table);
            for (Map.Entry<Long, Integer> entry : labels.adjudicated().entrySet()) {
                int level = levelOfValue[entry.getValue()];
                if (level < 0) {
                    skippedAdjudication++;
                    skippedByValue[entry.getValue()]++;
                } else {
                    adjudicated.set(entry.getKey(), level);
                }
            }
            skippedValues = skippedValues(labels, skippedByValue);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the labels of '" + rubric.name + "'", e);
        }
        RubricSpec spec = selected.spec();
        boolean ordered = spec.kind() != RubricKind.BOOLEAN;
        RatingTable table = humans.table;
        Scale scale = scale(spec, ordered);
        Consensus.Rule rule = queue != null && ordered && "MEDIAN".equals(queue.consensusRule)
                ? Consensus.Rule.MEDIAN : Consensus.Rule.MAJORITY;
        CohenKappa.Weighting weighting = ordered ? CohenKappa.Weighting.QUADRATIC : CohenKappa.Weighting.UNWEIGHTED;
        Bootstrap bootstrap = bootstrap(query.bootstrap(), table.unitCount());
        long built = System.nanoTime();

        AgreementReport.Builder builder = AgreementReport.of(table, scale).consensusRule(rule)
                .kappaWeighting(weighting).bootstrap(bootstrap);
        judges.labels.forEach(builder::judge);
        if (adjudicated.labelled() > 0) {
            builder.adjudicated(adjudicated);
        }
        AgreementReport report = builder.compute();
        long computed = System.nanoTime();

        AgreementResult.JudgeSeries latest = judges.series.isEmpty() ? null
                : judges.series.get(judges.series.size() - 1);
        var disagreements = disagreements(report, spec, latest == null ? null : judges.labels.get(latest.source()),
                latest, query.sort());
        var skipped = new AgreementResult.Skipped(humans.skipped, judges.skipped, skippedAdjudication,
                skippedValues);
        return new AgreementResult(experiment.name, rubric.name,
                queue == null ? null : new AgreementResult.QueueInfo(queue.id, queue.name),
                rubricInfo(rubric, selected, spec, ordered), versionCounts(versions, selected, labelsPerVersion),
                query.from(), query.to(), report, rule, weighting == CohenKappa.Weighting.QUADRATIC ? "quadratic"
                : "unweighted", bootstrap, reviewerNames(table), humans.medianSeconds, judges.series,
                disagreements.shown, disagreements.total, query.sort(), skipped,
                new AgreementResult.Timings(millis(started, loaded), millis(loaded, built), millis(built, computed),
                        source.label()));
    }

    // ---- what the report is about -------------------------------------------------------------------------------

    private static ReviewQueue queue(Experiment experiment, Long queueId) {
        if (queueId == null) {
            return null;
        }
        ReviewQueue queue = ReviewQueue.findById(queueId);
        if (queue == null || !queue.experimentId.equals(experiment.id)) {
            throw ProblemException.notFound("No review queue " + queueId + " in experiment '" + experiment.name
                    + "'.");
        }
        return queue;
    }

    private static Rubric rubric(Experiment experiment, String name, ReviewQueue queue) {
        String folded = name.strip().toLowerCase(Locale.ROOT);
        if (folded.isEmpty()) {
            if (queue != null) {
                folded = queue.judgeName;
            } else {
                throw AgreementQuery.badRequest("name", "name is required: the judge (and rubric) name whose labels "
                        + "to compare" + available(experiment) + ".");
            }
        } else if (queue != null && !queue.judgeName.equals(folded)) {
            throw ProblemException.invalid("queue", "Review queue " + queue.id + " ('" + queue.name + "') labels '"
                    + queue.judgeName + "', not '" + AgreementQuery.abbreviate(name) + "'.");
        }
        String wanted = folded;
        return Rubric.findByName(experiment.id, wanted).orElseThrow(() -> ProblemException.notFound("No rubric "
                + "named '" + AgreementQuery.abbreviate(name) + "' in experiment '" + experiment.name + "'"
                + available(experiment) + "."));
    }

    private static String available(Experiment experiment) {
        List<String> names = Rubric.listForExperiment(experiment.id).stream().map(r -> r.name).toList();
        return names.isEmpty() ? "; the experiment has no rubric yet" : "; its names: " + String.join(", ", names);
    }

    private static RubricVersion requestedVersion(Rubric rubric, List<RubricVersion> versions, Integer version,
                                                  ReviewQueue queue) {
        if (version == null) {
            return null;
        }
        RubricVersion found = versions.stream().filter(v -> v.version == version).findFirst()
                .orElseThrow(() -> ProblemException.notFound("Rubric '" + rubric.name + "' has no version " + version
                        + "; its versions are 1 to " + versions.get(0).version + "."));
        if (queue != null && !found.id.equals(queue.rubricVersionId)) {
            int pinned = versions.stream().filter(v -> v.id.equals(queue.rubricVersionId)).findFirst()
                    .map(v -> v.version).orElse(0);
            throw ProblemException.invalid("rubric_version", "Review queue " + queue.id + " is pinned to rubric "
                    + "version " + pinned + ", so it has no labels under version " + version + ".");
        }
        return found;
    }

    /** Human labels per rubric_version_id; labels without one (imported with traces) count for the current version. */
    private static Map<Long, Long> labelsPerVersion(CurrentLabels.Rows humans, long currentId) {
        Map<Long, Long> counts = new HashMap<>();
        for (int i = 0; i < humans.size; i++) {
            long version = humans.rubricVersion[i] == 0 ? currentId : humans.rubricVersion[i];
            counts.merge(version, 1L, Long::sum);
        }
        return counts;
    }

    /** Asked for, else the queue's, else the newest version with labels, else the current one. */
    private static RubricVersion select(List<RubricVersion> newestFirst, RubricVersion requested, ReviewQueue queue,
                                        Map<Long, Long> labelsPerVersion) {
        if (requested != null) {
            return requested;
        }
        if (queue != null) {
            return newestFirst.stream().filter(v -> v.id.equals(queue.rubricVersionId)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("queue " + queue.id + " is pinned to a version "
                            + "of another rubric"));
        }
        return newestFirst.stream().filter(v -> labelsPerVersion.getOrDefault(v.id, 0L) > 0).findFirst()
                .orElse(newestFirst.get(0));
    }

    // ---- the rating table -------------------------------------------------------------------------------------

    private record Humans(RatingTable table, long skipped, Map<String, Double> medianSeconds) {
    }

    /**
     * The selected version's human labels as a table; values outside the version are counted in
     * {@code skippedByValue}. {@code unversioned} is 0 when labels without a rubric version belong (the selected
     * version is the current one), else -1 (matches no row).
     */
    private static Humans humans(CurrentLabels labels, long unversioned, long selectedId, int[] levelOfValue,
                                 long[] skippedByValue, int categories) {
        CurrentLabels.Rows rows = labels.humans;
        // Two spellings of the name ("Quality", "quality") can give one source two current labels on a trace;
        // then the newer must win, so the rows go in id order. Otherwise the database order is as good.
        int[] order = labels.foreignSpelling() ? rows.orderById() : null;
        RatingTable.Builder builder = RatingTable.builder(categories);
        long[][] millis = new long[labels.sources.size()][];
        int[] timed = new int[labels.sources.size()];
        long skipped = 0;
        Long lastTrace = null;
        for (int n = 0; n < rows.size; n++) {
            int i = order == null ? n : order[n];
            long version = rows.rubricVersion[i];
            if (version != selectedId && version != unversioned) {
                continue;
            }
            int level = levelOfValue[rows.value[i]];
            if (level < 0) {
                skipped++;
                skippedByValue[rows.value[i]]++;
                continue;
            }
            // One boxed key per trace, not per row: rows of a trace usually arrive together.
            if (lastTrace == null || lastTrace != rows.trace[i]) {
                lastTrace = rows.trace[i];
            }
            int source = rows.source[i];
            builder.add(lastTrace, labels.sources.get(source), level);
            if (rows.millis[i] >= 0) {
                if (millis[source] == null) {
                    millis[source] = new long[16];
                } else if (timed[source] == millis[source].length) {
                    millis[source] = Arrays.copyOf(millis[source], timed[source] * 2);
                }
                millis[source][timed[source]++] = rows.millis[i];
            }
        }
        Map<String, Double> medians = new HashMap<>();
        for (int s = 0; s < millis.length; s++) {
            if (timed[s] > 0) {
                long[] sorted = Arrays.copyOf(millis[s], timed[s]);
                Arrays.sort(sorted);
                int n = sorted.length;
                double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
                medians.put(labels.sources.get(s), median / 1000.0);
            }
        }
        return new Humans(builder.build(), skipped, medians);
    }

    /** Each judge version's labels (oldest version first), its verdict counts, and verdicts outside the rubric. */
    private record Judges(Map<String, UnitLabels> labels, List<AgreementResult.JudgeSeries> series, long skipped) {
    }

    private static Judges judges(CurrentLabels labels, RatingTable table, int[] levelOfValue, long[] skippedByValue) {
        CurrentLabels.Rows rows = labels.judges;
        UnitLabels[] bySource = new UnitLabels[labels.sources.size()];
        long[] verdicts = new long[labels.sources.size()];
        long skipped = 0;
        for (int i = 0; i < rows.size; i++) {
            int source = rows.source[i];
            verdicts[source]++;
            if (bySource[source] == null) {
                bySource[source] = UnitLabels.forTable(table);
            }
            int level = levelOfValue[rows.value[i]];
            if (level < 0) {
                skipped++;
                skippedByValue[rows.value[i]]++;
                continue;
            }
            // Verdicts on traces no human labelled have nothing to be compared with; set() leaves them out.
            bySource[source].set(rows.trace[i], level);
        }
        List<AgreementResult.JudgeSeries> series = new ArrayList<>();
        for (int s = 0; s < verdicts.length; s++) {
            if (verdicts[s] > 0) {
                String source = labels.sources.get(s);
                Matcher m = JUDGE_SOURCE.matcher(source);
                series.add(new AgreementResult.JudgeSeries(source, m.matches() ? Integer.valueOf(m.group(2)) : null,
                        verdicts[s]));
            }
        }
        series.sort(Comparator.comparing(AgreementResult.JudgeSeries::version,
                Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(AgreementResult.JudgeSeries::source));
        Map<String, UnitLabels> byJudge = new LinkedHashMap<>();
        for (AgreementResult.JudgeSeries judge : series) {
            byJudge.put(judge.source(), bySource[labels.sources.indexOf(judge.source())]);
        }
        return new Judges(byJudge, List.copyOf(series), skipped);
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

    private record Disagreements(List<AgreementResult.Disagreement> shown, long total) {
    }

    /** Traces without a consensus, and traces where the latest judge version differs from the consensus. */
    private Disagreements disagreements(AgreementReport report, RubricSpec spec, UnitLabels latestLabels,
                                        AgreementResult.JudgeSeries latest, String sort) {
        RatingTable table = report.table();
        byte[] reason = new byte[table.unitCount()];
        for (int u : report.unitsWithoutConsensus()) {
            reason[u] = 1;
        }
        if (latest != null) {
            for (int u : report.unitsWhereJudgeDiffers(latest.source())) {
                reason[u] = 2;
            }
        }
        int total = 0;
        for (byte r : reason) {
            total += r != 0 ? 1 : 0;
        }
        int[] units = firstInOrder(table, reason, total, sort, config.maxDisagreements());
        List<String> values = RubricValues.allowedValues(spec);
        List<AgreementResult.Disagreement> shown = Arrays.stream(units).mapToObj(u -> {
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
                            latest == null ? null : latest.version(),
                            reason[u] == 1 ? "no_consensus" : "judge_differs");
                }).toList();
        return new Disagreements(shown, total);
    }

    /**
     * The first {@code limit} listed units in the requested order, sorting primitive trace ids: a large report can
     * have a hundred thousand disagreements, of which only the first few hundred are shown.
     */
    private static int[] firstInOrder(RatingTable table, byte[] listed, int total, String sort, int limit) {
        long[] traces = new long[total];
        int n = 0;
        for (int u = 0; u < listed.length; u++) {
            if (listed[u] != 0) {
                traces[n++] = (Long) table.unitKey(u);
            }
        }
        Arrays.sort(traces);
        int take = Math.min(limit, total);
        int[] units = new int[take];
        if (sort.equals("labels")) {
            // Most labels first, oldest trace first among equals: a stable counting sort of the sorted traces by
            // their (few distinct) rating counts, read from the top.
            int[] ratings = new int[total];
            int most = 0;
            for (int i = 0; i < total; i++) {
                ratings[i] = table.ratingsOf(table.unitIndex(traces[i]));
                most = Math.max(most, ratings[i]);
            }
            int[] before = new int[most + 2];
            for (int r : ratings) {
                before[most - r + 1]++;
            }
            for (int m = 1; m < before.length; m++) {
                before[m] += before[m - 1];
            }
            for (int i = 0; i < total; i++) {
                int at = before[most - ratings[i]]++;
                if (at < take) {
                    units[at] = table.unitIndex(traces[i]);
                }
            }
            return units;
        }
        for (int i = 0; i < take; i++) {
            units[i] = table.unitIndex(sort.equals("newest") ? traces[total - 1 - i] : traces[i]);
        }
        return units;
    }

    private static List<AgreementResult.ValueCount> skippedValues(CurrentLabels labels, long[] skippedByValue) {
        List<AgreementResult.ValueCount> values = new ArrayList<>();
        for (int v = 0; v < skippedByValue.length; v++) {
            if (skippedByValue[v] > 0) {
                values.add(new AgreementResult.ValueCount(labels.values.get(v), skippedByValue[v]));
            }
        }
        values.sort(Comparator.comparingLong(AgreementResult.ValueCount::count).reversed()
                .thenComparing(AgreementResult.ValueCount::value));
        return values.size() > 20 ? List.copyOf(values.subList(0, 20)) : values;
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

    private static List<AgreementResult.VersionCount> versionCounts(List<RubricVersion> newestFirst,
                                                                    RubricVersion selected,
                                                                    Map<Long, Long> labelsPerVersion) {
        return newestFirst.stream().map(v -> new AgreementResult.VersionCount(v.version,
                labelsPerVersion.getOrDefault(v.id, 0L), v.id.equals(selected.id),
                v == newestFirst.get(0))).toList();
    }

    /** Reviewers' OIDC subjects shown as their usernames; imported sources keep their id. */
    private Map<String, String> reviewerNames(RatingTable table) {
        String[] sources = new String[table.raterCount()];
        for (int r = 0; r < sources.length; r++) {
            sources[r] = String.valueOf(table.raterKey(r));
        }
        Map<String, String> names = new HashMap<>();
        if (sources.length == 0) {
            return names;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT subject, username FROM reviewer WHERE subject = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", sources));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read reviewer names", e);
        }
        return names;
    }

    private static double millis(long fromNanos, long toNanos) {
        return Math.round((toNanos - fromNanos) / 1e5) / 10.0;
    }
}
