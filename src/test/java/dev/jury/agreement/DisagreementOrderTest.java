package dev.jury.agreement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The disagreement list of the agreement report: which traces are listed, why, and in which order. */
class DisagreementOrderTest {

    private static final int PASS = 0;
    private static final int FAIL = 1;

    /**
     * Traces added out of id order. Listed: 10 (judge differs, 3 labels), 20 (tie, 4 labels), 30 (tie, 2 labels),
     * 50 (judge differs, 3 labels). Not listed: 40 (judge agrees), 60 (the judge gave no verdict).
     */
    private static AgreementReport report() {
        RatingTable table = RatingTable.builder(2)
                .add(30L, "a", PASS).add(30L, "b", FAIL)
                .add(10L, "a", PASS).add(10L, "b", PASS).add(10L, "c", PASS)
                .add(20L, "a", PASS).add(20L, "b", FAIL).add(20L, "c", PASS).add(20L, "d", FAIL)
                .add(40L, "a", FAIL).add(40L, "b", FAIL)
                .add(60L, "a", PASS).add(60L, "b", PASS)
                .add(50L, "a", FAIL).add(50L, "b", FAIL).add(50L, "c", FAIL)
                .build();
        UnitLabels judge = UnitLabels.forTable(table);
        judge.set(10L, FAIL);
        judge.set(40L, FAIL);
        judge.set(50L, PASS);
        judge.set(30L, PASS); // no consensus there: listed for the tie, not as a judge difference
        return AgreementReport.of(table, Scale.nominal(2)).judge("judge:q@v2", judge).bootstrap(Bootstrap.none())
                .compute();
    }

    private static List<Long> traces(AgreementReport report, DisagreementOrder.Result result) {
        return result.first().stream().map(l -> (Long) report.table().unitKey(l.unit())).toList();
    }

    @Test
    void oldestTraceFirstWithTheReasonOfEach() {
        AgreementReport report = report();

        var result = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.TRACE, 100);

        assertEquals(4, result.total());
        assertEquals(List.of(10L, 20L, 30L, 50L), traces(report, result));
        assertEquals(List.of(DisagreementOrder.Reason.JUDGE_DIFFERS, DisagreementOrder.Reason.NO_CONSENSUS,
                        DisagreementOrder.Reason.NO_CONSENSUS, DisagreementOrder.Reason.JUDGE_DIFFERS),
                result.first().stream().map(DisagreementOrder.Listed::reason).toList());
        assertEquals("judge_differs", DisagreementOrder.Reason.JUDGE_DIFFERS.code());
    }

    @Test
    void newestTraceFirst() {
        AgreementReport report = report();

        var result = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.NEWEST, 100);

        assertEquals(List.of(50L, 30L, 20L, 10L), traces(report, result));
    }

    @Test
    void mostLabelsFirstAndOldestFirstAmongEquals() {
        AgreementReport report = report();

        var result = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.LABELS, 100);

        assertEquals(List.of(20L, 10L, 50L, 30L), traces(report, result));
    }

    @Test
    void theLimitCutsTheListButNotTheTotal() {
        AgreementReport report = report();

        var byLabels = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.LABELS, 2);
        var newest = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.NEWEST, 1);
        var none = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.TRACE, 0);

        assertEquals(List.of(20L, 10L), traces(report, byLabels));
        assertEquals(4, byLabels.total());
        assertEquals(List.of(50L), traces(report, newest));
        assertEquals(List.of(), none.first());
        assertEquals(4, none.total());
    }

    @Test
    void anOffsetGivesTheNextPageInEveryOrderAndPastTheEndNothing() {
        AgreementReport report = report();

        var byLabels = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.LABELS, 1, 2);
        var newest = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.NEWEST, 2, 2);
        var oldest = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.TRACE, 3, 2);
        var past = DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.TRACE, 9, 2);

        assertEquals(List.of(10L, 50L), traces(report, byLabels));
        assertEquals(List.of(20L, 10L), traces(report, newest));
        assertEquals(List.of(50L), traces(report, oldest));
        assertEquals(List.of(), past.first());
        assertEquals(4, past.total());
        assertEquals(DisagreementOrder.Reason.NO_CONSENSUS,
                DisagreementOrder.of(report, "judge:q@v2", DisagreementOrder.Sort.LABELS, 0, 1).first().get(0).reason());
    }

    @Test
    void withoutAJudgeOnlyTracesWithoutAConsensusAreListed() {
        AgreementReport report = report();

        var result = DisagreementOrder.of(report, null, DisagreementOrder.Sort.TRACE, 100);

        assertEquals(2, result.total());
        assertEquals(List.of(20L, 30L), traces(report, result));
    }

    @Test
    void sortIsReadAsTheQueryStringSpellsIt() {
        assertEquals(DisagreementOrder.Sort.LABELS, DisagreementOrder.Sort.of("labels"));
        assertEquals(DisagreementOrder.Sort.NEWEST, DisagreementOrder.Sort.of(" Newest "));
        assertThrows(IllegalArgumentException.class, () -> DisagreementOrder.Sort.of("shuffled"));
    }
}
