package dev.jury.agreement.report;

import dev.jury.agreement.RatingTable;
import dev.jury.agreement.UnitLabels;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the current labels of one name into what the statistics take: the human {@link RatingTable} under the
 * chosen rubric version, each judge version's verdicts and the adjudications as {@link UnitLabels}, and the labels
 * left out because their value is not a level of that version. The labels come from {@link LabelCache} (read by
 * {@link CurrentLabels} from the view {@code current_assessment}); no entity is loaded. Runs in the caller's
 * transaction ({@link AgreementService#report}): the PostgreSQL driver streams rows through a cursor only inside one.
 */
@ApplicationScoped
class RatingTableLoader {

    private static final Pattern JUDGE_SOURCE = Pattern.compile("judge:(.+)@v([0-9]{1,9})");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    LabelCache cache;

    /**
     * What the report is computed on.
     *
     * @param judgeLabels    each judge version's verdicts by source, oldest version first
     * @param judges         the same versions with their verdict counts
     * @param adjudicated    the adjudicated level per unit (decides the consensus)
     * @param medianSeconds  source → median time spent per label, for sources that recorded it
     * @param labelsReadAt   {@link System#nanoTime()} when the labels were read, before the table was built
     * @param judgeTable     on the score only: every judge version's scores on every trace (raters = judge
     *                       sources), for judge-vs-judge agreement where no human gave a score; else null
     */
    record Tables(RubricVersion selected, Map<Long, Long> labelsPerVersion, RatingTable humans,
                  Map<String, UnitLabels> judgeLabels, List<AgreementResult.JudgeSeries> judges,
                  UnitLabels adjudicated, Map<String, Double> medianSeconds, AgreementResult.Skipped skipped,
                  LabelCache.Source source, long labelsReadAt, RatingTable judgeTable) {
    }

    /**
     * Reads the labels of {@code choice}'s rubric (within the query's queue and time window), picks the rubric
     * version with {@link VersionChoice#select} and builds the tables under it. The labels are read while the cache
     * entry is held (a kept entry is refreshed and read by one report at a time); the statistics, which can take
     * seconds with intervals, run after it is released.
     */
    Tables load(VersionChoice choice, AgreementQuery query) {
        boolean score = query.score();
        var key = new LabelCache.Key(choice.experiment.id, choice.rubric.name, query.queueId(), query.from(),
                query.to(), score);
        try (Connection connection = dataSource.getConnection();
             LabelCache.Labels held = cache.open(connection, key)) {
            CurrentLabels labels = held.labels();
            long readAt = System.nanoTime();

            Map<Long, Long> labelsPerVersion = choice.labelsPerVersion(labels.humans);
            RubricVersion selected = choice.select(labelsPerVersion);
            RubricSpec spec = selected.spec();
            int[] levelOfValue = new int[labels.values.size()];
            for (int v = 0; v < levelOfValue.length; v++) {
                levelOfValue[v] = score ? ScoreLevels.indexOf(labels.values.get(v))
                        : RubricValues.indexOf(spec, labels.values.get(v));
            }
            long[] skippedByValue = new long[labels.values.size()];

            Humans humans = humans(labels, selected.id.equals(choice.current().id) ? 0 : -1, selected.id,
                    levelOfValue, skippedByValue, score ? ScoreLevels.VALUES.size() : spec.levels().size());
            Judges judges = judges(labels, humans.table, levelOfValue, skippedByValue, score);
            UnitLabels adjudicated = UnitLabels.forTable(humans.table);
            long skippedAdjudication = 0;
            for (Map.Entry<Long, Integer> entry : labels.adjudicated().entrySet()) {
                int level = levelOfValue[entry.getValue()];
                if (level < 0) {
                    skippedAdjudication++;
                    skippedByValue[entry.getValue()]++;
                } else {
                    adjudicated.set(entry.getKey(), level);
                }
            }
            var skipped = new AgreementResult.Skipped(humans.skipped, judges.skipped, skippedAdjudication,
                    skippedValues(labels, skippedByValue));
            return new Tables(selected, labelsPerVersion, humans.table, judges.labels, judges.series, adjudicated,
                    humans.medianSeconds, skipped, held.source(), readAt, judges.table);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the labels of '" + choice.rubric.name + "'", e);
        }
    }

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
    private record Judges(Map<String, UnitLabels> labels, List<AgreementResult.JudgeSeries> series, long skipped,
                          RatingTable table) {
    }

    private static Judges judges(CurrentLabels labels, RatingTable table, int[] levelOfValue, long[] skippedByValue,
                                 boolean score) {
        CurrentLabels.Rows rows = labels.judges;
        RatingTable.Builder all = score ? RatingTable.builder(ScoreLevels.VALUES.size()) : null;
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
            if (all != null) {
                all.add(rows.trace[i], labels.sources.get(source), level);
            }
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
        return new Judges(byJudge, List.copyOf(series), skipped, all == null ? null : all.build());
    }

    /** The 20 most frequent values left out, most frequent first. */
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
}
