package dev.jury.alignment.dataset;

import dev.jury.alignment.AlignmentFixtures;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSetBuilderTest {

    static final RubricSpec YES_NO = AlignmentFixtures.YES_NO;

    long nextId = 1;

    LabelRow label(long trace, String source, String value) {
        return new LabelRow(nextId++, trace, source, value, source + " on " + trace, 1, false);
    }

    /** {@code yes} traces 1…yes, then {@code no} traces; each labelled by alice and bob alike. */
    List<LabelRow> agreed(int yes, int no) {
        List<LabelRow> rows = new ArrayList<>();
        for (int t = 1; t <= yes + no; t++) {
            String v = t <= yes ? "yes" : "no";
            rows.add(label(t, "alice", v));
            rows.add(label(t, "bob", v));
        }
        return rows;
    }

    static DataSetRequest request() {
        return new DataSetRequest("correct", YES_NO, null, 0.30, false, 0.20, 42, 10);
    }

    static DataSetRequest rebalancing() {
        return new DataSetRequest("correct", YES_NO, null, 0.30, true, 0.20, 42, 10);
    }

    @Test
    void nineTracesAreRefusedWithTheExactMessage() {
        DataSet ds = DataSetBuilder.build(agreed(5, 4), request(), 0);
        assertFalse(ds.ready());
        assertEquals(1, ds.refusals().size());
        assertEquals("At least 10 traces with a human label named 'correct' are required; found 9",
                ds.refusals().get(0).message());
        assertEquals("too_few", ds.refusals().get(0).code());
    }

    @Test
    void noLabelsAreRefusedWithFoundZero() {
        DataSet ds = DataSetBuilder.build(List.of(), request(), 3);
        assertEquals(List.of("At least 10 traces with a human label named 'correct' are required; found 0"),
                ds.refusals().stream().map(DataSet.Refusal::message).toList());
        assertEquals(0, ds.candidates());
        assertEquals(3, ds.supersededLabels());
        assertTrue(ds.train().isEmpty() && ds.heldout().isEmpty());
    }

    @Test
    void twentyPercentNegativesAreRefusedUnlessRebalanced() {
        DataSet ds = DataSetBuilder.build(agreed(16, 4), request(), 0);
        assertEquals(1, ds.refusals().size());
        DataSet.Refusal refusal = ds.refusals().get(0);
        assertEquals("unbalanced", refusal.code());
        assertEquals("rebalance", refusal.field());
        assertEquals("Negative labels are 20% of the data set (4 of 20 traces); the balance target is 30% for each "
                + "side. Label more negative traces, or choose \"rebalance by downsampling\".", refusal.message());

        // Rebalanced: 4 negatives allow floor(4 · 0.7 / 0.3) = 9 positives; 13 traces, refused no more.
        DataSet rebalanced = DataSetBuilder.build(agreed(26, 4), rebalancing(), 0);
        assertTrue(rebalanced.ready(), rebalanced.refusals().toString());
        assertEquals(new DataSet.Rebalance("positive", 26, 9), rebalanced.rebalanced());
        assertEquals(4, rebalanced.negatives());
        assertEquals(9, rebalanced.positives());
        assertEquals(17, rebalanced.excluded().stream().filter(e -> e.reason().startsWith("dropped to rebalance"))
                .count());
        assertTrue(rebalanced.warnings().get(0).startsWith("Rebalanced by downsampling: kept 9 of 26 positive"));

        // 20 traces with 4 negatives: downsampling would leave 13 — but 3 negatives leave 3 + 7 = 10, still fine;
        // 2 negatives leave 2 + 4 = 6: refused with the count after rebalancing.
        DataSet tooSmall = DataSetBuilder.build(agreed(18, 2), rebalancing(), 0);
        assertEquals("too_few", tooSmall.refusals().get(0).code());
        assertTrue(tooSmall.refusals().get(0).message().startsWith(
                "At least 10 traces with a human label named 'correct' are required; found 6 after rebalancing"));
    }

    @Test
    void thirtyPercentExactlyIsBalanced() {
        assertTrue(DataSetBuilder.build(agreed(7, 3), request(), 0).ready());
    }

    @Test
    void consensusIsTheAdjudicationElseAStrictMajority() {
        List<LabelRow> rows = agreed(7, 5);
        // trace 13: 1 yes, 1 no → disagreement; trace 14: same, but adjudicated no; trace 15: 2 no vs 1 yes.
        rows.add(label(13, "alice", "yes"));
        rows.add(label(13, "bob", "no"));
        rows.add(label(14, "alice", "yes"));
        rows.add(label(14, "bob", "no"));
        rows.add(new LabelRow(nextId++, 14, "adjudication:admin", "No", "admin decided", 1, true));
        rows.add(label(15, "alice", "no"));
        rows.add(label(15, "bob", " NO "));
        rows.add(label(15, "carol", "yes"));
        // trace 16: alice changed her mind (both rows current, e.g. two spellings of the name): the newer counts.
        rows.add(label(16, "alice", "yes"));
        rows.add(label(16, "alice", "no"));
        DataSet ds = DataSetBuilder.build(rows, request(), 0);
        assertTrue(ds.ready(), ds.refusals().toString());
        assertEquals(16, ds.candidates());
        assertEquals(List.of(new DataSet.Exclusion(13, "no consensus: 1× yes, 1× no")), ds.excluded());
        assertEquals(1, ds.disagreements());
        DataSet.Item adjudicated = ds.items().stream().filter(i -> i.traceId() == 14).findFirst().orElseThrow();
        assertEquals("no", adjudicated.label());
        assertTrue(adjudicated.adjudicated());
        assertEquals("admin decided", adjudicated.rationale());
        assertEquals("no", ds.items().stream().filter(i -> i.traceId() == 15).findFirst().orElseThrow().label());
        assertEquals("no", ds.items().stream().filter(i -> i.traceId() == 16).findFirst().orElseThrow().label());
    }

    @Test
    void labelsUnderSeveralRubricVersionsAreRefusedUntilOneIsChosen() {
        List<LabelRow> rows = agreed(8, 6);
        rows.add(new LabelRow(nextId++, 1, "carol", "yes", "", 2, false));
        DataSet ds = DataSetBuilder.build(rows, request(), 0);
        assertEquals(1, ds.refusals().size());
        assertEquals("mixed_rubric_versions", ds.refusals().get(0).code());
        assertEquals("The labels named 'correct' were given under 2 rubric versions (version 1: 28 labels, "
                + "version 2: 1 label); restrict the data set to one version (rubric_version) so every label means "
                + "the same.", ds.refusals().get(0).message());
        assertTrue(ds.mixedRubricVersions());

        DataSet restricted = DataSetBuilder.build(rows, new DataSetRequest("correct", YES_NO, 1, 0.3, false, 0.2,
                42, 10), 0);
        assertTrue(restricted.ready());
        assertEquals(1L, restricted.ignoredLabels().get("given under rubric version 2 (restricted to version 1)"));
    }

    @Test
    void valuesOutsideTheRubricAreIgnoredAndCounted() {
        List<LabelRow> rows = agreed(7, 4);
        rows.add(label(1, "carol", "maybe"));
        DataSet ds = DataSetBuilder.build(rows, request(), 0);
        assertTrue(ds.ready());
        assertEquals(1L, ds.ignoredLabels().get("value 'maybe' is not one of the rubric's values (yes, no)"));
    }

    @Test
    void theSplitIsStratifiedSeededAndDisjoint() {
        DataSet a = DataSetBuilder.build(agreed(30, 20), request(), 0);
        DataSet b = DataSetBuilder.build(agreed(30, 20), request(), 0);
        assertEquals(a.train(), b.train());
        assertEquals(a.heldout(), b.heldout());
        assertEquals(6, a.heldout().stream().filter(i -> i.label().equals("yes")).count());
        assertEquals(4, a.heldout().stream().filter(i -> i.label().equals("no")).count());
        assertEquals(40, a.train().size());
        var trainIds = a.train().stream().map(DataSet.Item::traceId).collect(Collectors.toSet());
        assertTrue(a.heldout().stream().noneMatch(i -> trainIds.contains(i.traceId())));
        DataSet other = DataSetBuilder.build(agreed(30, 20), new DataSetRequest("correct", YES_NO, null, 0.3, false,
                0.2, 7, 10), 0);
        assertFalse(new HashSet<>(a.heldout()).equals(new HashSet<>(other.heldout())), "another seed, another split");
        assertTrue(a.warnings().isEmpty(), a.warnings().toString());
        assertEquals(1.0, a.alpha(), 1e-9);
        assertEquals("nominal", a.alphaLevel());
    }

    @Test
    void fewHeldOutTracesAndLowAlphaWarn() {
        List<LabelRow> rows = new ArrayList<>();
        // 12 traces: alice and bob agree on 6, carol adds a contrary third label everywhere → majority still holds.
        for (int t = 1; t <= 12; t++) {
            String v = t <= 6 ? "yes" : "no";
            rows.add(label(t, "alice", v));
            rows.add(label(t, "bob", t % 2 == 0 ? v : v.equals("yes") ? "no" : "yes"));
            rows.add(label(t, "carol", v));
        }
        DataSet ds = DataSetBuilder.build(rows, request(), 0);
        assertTrue(ds.ready());
        assertEquals(2, ds.heldout().size());
        assertTrue(ds.warnings().stream().anyMatch(w -> w.startsWith("Only 2 held-out traces")), ds.warnings().toString());
        assertNotNull(ds.alpha());
        assertTrue(ds.alpha() < 0.667);
        assertTrue(ds.warnings().stream().anyMatch(w -> w.contains("Krippendorff's α")), ds.warnings().toString());
    }

    @Test
    void orderedRubricsUseOrdinalAlpha() {
        RubricSpec levels = new RubricSpec(RubricKind.CATEGORICAL, List.of(
                new RubricLevel("good", "Good", "", false), new RubricLevel("ok", "OK", "", false),
                new RubricLevel("bad", "Bad", "", true)), "", false, 0, null);
        List<LabelRow> rows = new ArrayList<>();
        for (int t = 1; t <= 10; t++) {
            rows.add(label(t, "alice", t <= 4 ? "good" : t <= 6 ? "ok" : "bad"));
        }
        DataSet ds = DataSetBuilder.build(rows, new DataSetRequest("q", levels, null, 0.3, false, 0.2, 1, 10), 0);
        assertTrue(ds.ready(), ds.refusals().toString());
        assertEquals("ordinal", ds.alphaLevel());
        assertNull(ds.alpha(), "one reviewer: α not computable");
        assertNotNull(ds.alphaNote());
        assertEquals(List.of(4L, 2L, 4L), ds.classes().stream().map(DataSet.ClassCount::traces).toList());
    }
}
