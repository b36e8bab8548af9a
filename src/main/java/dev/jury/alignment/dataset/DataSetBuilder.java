package dev.jury.alignment.dataset;

import dev.jury.agreement.Estimate;
import dev.jury.agreement.KrippendorffAlpha;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.Scale;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the alignment data set from the current human labels (judges-and-alignment.md, "Alignment data set"; the
 * consensus rule of review-and-rubric.md). Pure: the same labels and request give the same data set, split included.
 *
 * <ol>
 *   <li>Labels under another rubric version than the one asked for, and values outside the judge's rubric, are
 *       ignored (counted by reason). Without a requested version, labels under several versions are refused.</li>
 *   <li>Per trace: the newest adjudication decides; else the strict majority of the raters' labels (one per rater,
 *       the newest). No majority: the trace is left out, "in disagreement".</li>
 *   <li>Fewer than {@code minTraces} usable traces: refused. Either side (negative, positive) below the balance
 *       target: refused, unless rebalancing is asked for — then the larger side is downsampled (seeded) and that is
 *       recorded.</li>
 *   <li>Split per class (stratified), seeded: {@code round(n·fraction)} of each class held out, at least one train
 *       trace per class of two or more.</li>
 *   <li>Reviewers' α on every candidate trace (disagreements included, else α would flatter the labels): nominal for
 *       yes/no, ordinal for ordered levels; a warning below 0.667.</li>
 * </ol>
 */
public final class DataSetBuilder {

    static final String NO_CONSENSUS = "no consensus";

    private DataSetBuilder() {
    }

    /** The exact refusal for too few labelled traces (the design's wording). */
    public static String tooFewMessage(String name, int minTraces, int found) {
        return "At least " + minTraces + " traces with a human label named '" + name + "' are required; found "
                + found;
    }

    /**
     * @param rows             every current valid HUMAN label of the name on the experiment's traces
     * @param supersededLabels superseded or invalid human labels of the name, reported as never counted
     */
    public static DataSet build(List<LabelRow> rows, DataSetRequest request, long supersededLabels) {
        RubricSpec spec = request.spec();
        List<DataSet.Refusal> refusals = new ArrayList<>();

        Map<Integer, Long> perVersion = new TreeMap<>();
        for (LabelRow row : rows) {
            perVersion.merge(row.rubricVersion(), 1L, Long::sum);
        }
        Map<String, Long> ignored = new LinkedHashMap<>();
        List<LabelRow> counted = new ArrayList<>();
        for (LabelRow row : rows) {
            if (request.rubricVersion() != null && row.rubricVersion() != request.rubricVersion()) {
                ignored.merge("given under rubric version " + row.rubricVersion() + " (restricted to version "
                        + request.rubricVersion() + ")", 1L, Long::sum);
                continue;
            }
            if (RubricValues.indexOf(spec, row.value()) < 0) {
                ignored.merge("value '" + abbreviate(row.value()) + "' is not one of the rubric's values ("
                        + String.join(", ", RubricValues.allowedValues(spec)) + ")", 1L, Long::sum);
                continue;
            }
            counted.add(row);
        }
        if (request.rubricVersion() == null && perVersion.size() > 1) {
            refusals.add(new DataSet.Refusal("mixed_rubric_versions", "rubric_version", "The labels named '"
                    + request.name() + "' were given under " + perVersion.size() + " rubric versions ("
                    + perVersion.entrySet().stream().map(e -> "version " + e.getKey() + ": " + e.getValue()
                            + (e.getValue() == 1 ? " label" : " labels")).collect(Collectors.joining(", "))
                    + "); restrict the data set to one version (rubric_version) so every label means the same."));
        }

        // Per trace, in trace id order: adjudications and each rater's newest label.
        Map<Long, TraceLabels> byTrace = new TreeMap<>();
        counted.sort(Comparator.comparingLong(LabelRow::assessmentId));
        for (LabelRow row : counted) {
            TraceLabels t = byTrace.computeIfAbsent(row.traceId(), TraceLabels::new);
            if (row.adjudication()) {
                t.adjudication = row; // ascending ids: the newest wins
            } else {
                t.raters.put(row.sourceId(), row);
            }
        }
        int candidates = (int) rows.stream().map(LabelRow::traceId).distinct().count();

        List<DataSet.Item> items = new ArrayList<>();
        List<DataSet.Exclusion> excluded = new ArrayList<>();
        for (TraceLabels t : byTrace.values()) {
            consensus(t, spec).ifPresentOrElse(items::add, () -> excluded.add(new DataSet.Exclusion(t.traceId,
                    NO_CONSENSUS + ": " + t.describe(spec))));
        }
        // Candidates whose every label was ignored never reach byTrace.
        rows.stream().map(LabelRow::traceId).distinct().filter(id -> !byTrace.containsKey(id)).sorted()
                .forEach(id -> excluded.add(new DataSet.Exclusion(id, "no label counted (other rubric version or "
                        + "a value outside the rubric)")));

        DataSet.Rebalance rebalanced = null;
        if (items.size() < request.minTraces()) {
            String message = tooFewMessage(request.name(), request.minTraces(), items.size());
            long disagreements = excluded.stream().filter(e -> e.reason().startsWith(NO_CONSENSUS)).count();
            if (disagreements > 0) {
                message += " (" + disagreements + (disagreements == 1 ? " trace" : " traces")
                        + " in disagreement were left out)";
            }
            refusals.add(new DataSet.Refusal("too_few", "name", message));
        } else {
            long negatives = items.stream().filter(i -> negative(spec, i.label())).count();
            long positives = items.size() - negatives;
            long required = (long) Math.ceil(request.balanceTarget() * items.size() - 1e-9);
            boolean lowNegatives = negatives < required;
            if (lowNegatives || positives < required) {
                String side = lowNegatives ? "negative" : "positive";
                long small = lowNegatives ? negatives : positives;
                if (!request.rebalance()) {
                    refusals.add(new DataSet.Refusal("unbalanced", "rebalance", capitalise(side) + " labels are "
                            + percent((double) small / items.size()) + " of the data set (" + small + " of "
                            + items.size() + " traces); the balance target is " + percent(request.balanceTarget())
                            + " for each side. Label more " + side + " traces, or choose \"rebalance by "
                            + "downsampling\"."));
                } else if (small == 0) {
                    refusals.add(new DataSet.Refusal("unbalanced", "rebalance", "No trace has a " + side
                            + " consensus label, so downsampling cannot balance the data set; label some " + side
                            + " traces first."));
                } else {
                    String other = lowNegatives ? "positive" : "negative";
                    long keep = (long) Math.floor(small * (1 - request.balanceTarget())
                            / Math.max(request.balanceTarget(), 1e-9) + 1e-9);
                    List<DataSet.Item> larger = items.stream()
                            .filter(i -> negative(spec, i.label()) != lowNegatives).toList();
                    List<DataSet.Item> dropped = shuffled(larger, request.seed()).subList((int) keep, larger.size());
                    rebalanced = new DataSet.Rebalance(other, larger.size(), keep);
                    var droppedIds = dropped.stream().map(DataSet.Item::traceId).collect(Collectors.toSet());
                    items = items.stream().filter(i -> !droppedIds.contains(i.traceId())).toList();
                    for (DataSet.Item d : dropped) {
                        excluded.add(new DataSet.Exclusion(d.traceId(), "dropped to rebalance (downsampling "
                                + other + " traces)"));
                    }
                    if (items.size() < request.minTraces()) {
                        refusals.add(new DataSet.Refusal("too_few", "rebalance", tooFewMessage(request.name(),
                                request.minTraces(), items.size()) + " after rebalancing by downsampling (" + small
                                + " " + side + ", " + keep + " " + other + ")"));
                    }
                }
            }
        }
        excluded.sort(Comparator.comparingLong(DataSet.Exclusion::traceId));

        List<DataSet.ClassCount> classes = new ArrayList<>();
        long negatives = 0;
        for (RubricLevel level : spec.levels()) {
            String value = RubricValues.canonical(spec, level.value()).orElse(level.value());
            long n = items.stream().filter(i -> i.label().equals(value)).count();
            boolean negative = negative(spec, value);
            classes.add(new DataSet.ClassCount(value, negative, n));
            negatives += negative ? n : 0;
        }

        List<DataSet.Item> train = new ArrayList<>();
        List<DataSet.Item> heldout = new ArrayList<>();
        if (!items.isEmpty()) {
            split(items, classes, request, train, heldout);
        }

        List<String> warnings = new ArrayList<>();
        if (rebalanced != null) {
            warnings.add(rebalanced.describe());
        }
        if (!items.isEmpty() && heldout.size() < DataSetRequest.MIN_HELDOUT) {
            warnings.add("Only " + heldout.size() + " held-out " + (heldout.size() == 1 ? "trace" : "traces")
                    + ": the before/after numbers will be noisy (at least " + DataSetRequest.MIN_HELDOUT
                    + " recommended; label more traces or raise the held-out fraction).");
        }
        KrippendorffAlpha.Level level = spec.kind() == RubricKind.BOOLEAN ? KrippendorffAlpha.Level.NOMINAL
                : KrippendorffAlpha.Level.ORDINAL;
        Estimate alpha = alpha(byTrace.values(), spec, level);
        Double alphaValue = alpha.isOk() ? alpha.value() : null;
        String alphaNote = alpha.isOk() ? null : alphaReason(alpha);
        if (alphaValue != null && alphaValue < DataSetRequest.ALPHA_WARNING) {
            warnings.add(String.format(Locale.ROOT, "The reviewers agree little on these traces: Krippendorff's "
                    + "α = %.3f, below %.3f. A judge aligned to unreliable labels learns their noise; consider "
                    + "adjudicating or sharpening the rubric first.", alphaValue, DataSetRequest.ALPHA_WARNING));
        }
        return new DataSet(request.name(), candidates, List.copyOf(items), List.copyOf(excluded), ignored,
                supersededLabels, classes, negatives, items.size() - negatives, perVersion, request.rubricVersion(),
                rebalanced, train, heldout, alphaValue, level.name().toLowerCase(Locale.ROOT), alphaNote,
                List.copyOf(refusals), warnings);
    }

    private static final class TraceLabels {
        final long traceId;
        LabelRow adjudication;
        final Map<String, LabelRow> raters = new LinkedHashMap<>();

        TraceLabels(long traceId) {
            this.traceId = traceId;
        }

        String describe(RubricSpec spec) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (LabelRow r : raters.values()) {
                counts.merge(canonical(spec, r.value()), 1L, Long::sum);
            }
            return counts.entrySet().stream().map(e -> e.getValue() + "× " + e.getKey())
                    .collect(Collectors.joining(", "));
        }
    }

    private static Optional<DataSet.Item> consensus(TraceLabels t, RubricSpec spec) {
        if (t.adjudication != null) {
            return Optional.of(new DataSet.Item(t.traceId, canonical(spec, t.adjudication.value()),
                    blankToEmpty(t.adjudication.rationale()), true, t.raters.size()));
        }
        Map<String, List<LabelRow>> byValue = new LinkedHashMap<>();
        for (LabelRow r : t.raters.values()) {
            byValue.computeIfAbsent(canonical(spec, r.value()), v -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<LabelRow>> e : byValue.entrySet()) {
            if (2 * e.getValue().size() > t.raters.size()) {
                String rationale = e.getValue().stream().map(LabelRow::rationale)
                        .filter(r -> r != null && !r.isBlank()).map(String::strip)
                        .collect(Collectors.toCollection(LinkedHashSet::new)).stream()
                        .collect(Collectors.joining("\n"));
                return Optional.of(new DataSet.Item(t.traceId, e.getKey(), rationale, false, t.raters.size()));
            }
        }
        return Optional.empty();
    }

    /** Stratified, seeded: each class shuffled on its own stream of one generator, its first round(n·f) held out. */
    private static void split(List<DataSet.Item> items, List<DataSet.ClassCount> classes, DataSetRequest request,
                              List<DataSet.Item> train, List<DataSet.Item> heldout) {
        SplittableRandom random = new SplittableRandom(request.seed());
        for (DataSet.ClassCount c : classes) {
            List<DataSet.Item> members = items.stream().filter(i -> i.label().equals(c.value())).toList();
            List<DataSet.Item> order = shuffled(members, random.nextLong());
            int held = (int) Math.round(members.size() * request.heldoutFraction());
            if (members.size() >= 2) {
                held = Math.min(held, members.size() - 1);
            }
            heldout.addAll(order.subList(0, held));
            train.addAll(order.subList(held, order.size()));
        }
        if (heldout.isEmpty() && train.size() > 1) {
            // Every class too small to hold one out: take one trace of the largest class, so "after" has a number.
            DataSet.ClassCount largest = classes.stream().max(Comparator.comparingLong(DataSet.ClassCount::traces))
                    .orElseThrow();
            DataSet.Item moved = train.stream().filter(i -> i.label().equals(largest.value())).findFirst()
                    .orElseThrow();
            train.remove(moved);
            heldout.add(moved);
        }
        train.sort(Comparator.comparingLong(DataSet.Item::traceId));
        heldout.sort(Comparator.comparingLong(DataSet.Item::traceId));
    }

    /** Fisher–Yates over a copy sorted by trace id, so the input order never matters. */
    private static List<DataSet.Item> shuffled(List<DataSet.Item> items, long seed) {
        List<DataSet.Item> copy = new ArrayList<>(items);
        copy.sort(Comparator.comparingLong(DataSet.Item::traceId));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            DataSet.Item tmp = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, tmp);
        }
        return copy;
    }

    private static Estimate alpha(Iterable<TraceLabels> traces, RubricSpec spec, KrippendorffAlpha.Level level) {
        int k = spec.levels().size();
        RatingTable.Builder table = RatingTable.builder(k);
        int ratings = 0;
        for (TraceLabels t : traces) {
            for (LabelRow r : t.raters.values()) {
                table.add(t.traceId, r.sourceId(), RubricValues.indexOf(spec, r.value()));
                ratings++;
            }
        }
        if (ratings == 0) {
            return Estimate.notEnoughData(0);
        }
        Scale scale = level == KrippendorffAlpha.Level.NOMINAL ? Scale.nominal(k) : Scale.ordinal(k);
        return KrippendorffAlpha.of(table.build(), level, scale);
    }

    private static String alphaReason(Estimate alpha) {
        return switch (alpha.status()) {
            case NOT_ENOUGH_DATA -> "not enough data: α needs at least two traces labelled by two or more reviewers";
            default -> alpha.reason() == null ? alpha.status().name().toLowerCase(Locale.ROOT) : alpha.reason();
        };
    }

    private static boolean negative(RubricSpec spec, String value) {
        return RubricValues.isNegative(spec, value);
    }

    private static String canonical(RubricSpec spec, String value) {
        return RubricValues.canonical(spec, value).orElseThrow();
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
