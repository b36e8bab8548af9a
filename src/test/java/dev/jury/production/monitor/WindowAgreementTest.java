package dev.jury.production.monitor;

import dev.jury.agreement.Bootstrap;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-window judge-vs-human agreement and the alert rule, against tables computed by hand. */
class WindowAgreementTest {

    private static final LocalDate WEEK_A = LocalDate.of(2026, 11, 23);
    private static final LocalDate WEEK_B = LocalDate.of(2026, 11, 30);

    private static void add(List<JudgedPair> pairs, int times, LocalDate window, int version, String judge,
                            String... humans) {
        for (int i = 0; i < times; i++) {
            pairs.add(new JudgedPair(window, version, judge, List.of(humans)));
        }
    }

    /**
     * Week A, version 1 only — human majority (rows) × judge (columns):
     * <pre>
     *              judge yes  judge no
     *   human yes      4          1      | 5
     *   human no       2          3      | 5
     *                  6          4        n = 10
     * </pre>
     * po = (4 + 3) / 10 = 0.7; pe = (5·6 + 5·4) / 10² = 50 / 100 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
     *
     * <p>Week B, version 1: yes/yes 2 (one of them with three reviewers yes, yes, no: majority yes), no/yes 1.
     * n = 3, po = 2/3; human yes 2, no 1; judge yes 3, no 0; pe = (2·3 + 1·0) / 9 = 2/3; κ = (2/3 − 2/3) / (1/3) = 0.
     * Week B, version 2: yes/yes 3, no/no 2. n = 5, po = 1; pe = (3·3 + 2·2) / 25 = 13/25; κ = (1 − 0.52)/(0.48) = 1.
     * Week B, all versions:
     * <pre>
     *              judge yes  judge no
     *   human yes      5          0      | 5
     *   human no       1          2      | 3
     *                  6          2        n = 8
     * </pre>
     * po = 7/8 = 0.875; pe = (5·6 + 3·2) / 64 = 36/64 = 0.5625; κ = (0.875 − 0.5625) / (1 − 0.5625) = 0.3125 / 0.4375
     * = 0.714. Plus one version-2 verdict whose two reviewers tie (yes, no): a tie, not a pair.
     */
    private static List<JudgedPair> handComputedCase() {
        var pairs = new ArrayList<JudgedPair>();
        add(pairs, 4, WEEK_A, 1, "yes", "yes");
        add(pairs, 1, WEEK_A, 1, "no", "yes");
        add(pairs, 2, WEEK_A, 1, "yes", "no");
        add(pairs, 3, WEEK_A, 1, "no", "no");
        add(pairs, 1, WEEK_B, 1, "yes", "yes");
        add(pairs, 1, WEEK_B, 1, "yes", "yes", "no", "yes");
        add(pairs, 1, WEEK_B, 1, "yes", "no");
        add(pairs, 3, WEEK_B, 2, "yes", "yes");
        add(pairs, 2, WEEK_B, 2, "no", "no");
        add(pairs, 1, WEEK_B, 2, "yes", "yes", "no");
        return pairs;
    }

    @Test
    void accuracyAndKappaPerWindowAndVersionMatchTheHandComputedTables() {
        List<AgreementRow> rows = WindowAgreement.compute(handComputedCase(), Bootstrap.none());

        assertEquals(5, rows.size(), rows.toString());
        // newest window first, the all-versions row before the versions
        AgreementRow b = rows.get(0);
        assertEquals(WEEK_B, b.window());
        assertNull(b.version());
        assertEquals(8, b.n());
        assertEquals(1, b.ties());
        assertEquals(0.875, b.accuracy(), 1e-3);
        assertEquals(0.714, b.kappa().value(), 1e-3);

        AgreementRow b1 = rows.get(1);
        assertEquals(1, b1.version());
        assertEquals(3, b1.n());
        assertEquals(0, b1.ties());
        assertEquals(0.667, b1.accuracy(), 1e-3);
        assertEquals(0.0, b1.kappa().value(), 1e-3);

        AgreementRow b2 = rows.get(2);
        assertEquals(2, b2.version());
        assertEquals(5, b2.n());
        assertEquals(1, b2.ties());
        assertEquals(1.0, b2.accuracy(), 1e-3);
        assertEquals(1.0, b2.kappa().value(), 1e-3);

        AgreementRow a = rows.get(3);
        assertEquals(WEEK_A, a.window());
        assertNull(a.version());
        assertEquals(10, a.n());
        assertEquals(0.7, a.accuracy(), 1e-3);
        assertEquals(0.4, a.kappa().value(), 1e-3);
        assertEquals(1, rows.get(4).version());
        assertEquals(0.4, rows.get(4).kappa().value(), 1e-3);
    }

    @Test
    void theBootstrapGivesKappaA95PercentInterval() {
        AgreementRow a = WindowAgreement.compute(handComputedCase(), Bootstrap.percentile(500, 7)).get(3);
        assertTrue(a.kappa().hasInterval());
        assertEquals(0.95, a.kappa().level(), 1e-9);
        assertTrue(a.kappa().lower() < 0.4 && 0.4 < a.kappa().upper(), a.kappa().toString());
    }

    @Test
    void aWindowWhereEveryoneSaysTheSameHasAnUndefinedKappaButAnAccuracy() {
        var pairs = new ArrayList<JudgedPair>();
        add(pairs, 3, WEEK_A, 1, "yes", "yes");
        AgreementRow row = WindowAgreement.compute(pairs, Bootstrap.none()).get(0);
        assertEquals(1.0, row.accuracy(), 1e-9);
        assertFalse(row.kappa().isOk());
    }

    @Test
    void theMajorityIsNullOnATie() {
        assertEquals("yes", WindowAgreement.majority(List.of("yes", "no", "yes")));
        assertNull(WindowAgreement.majority(List.of("yes", "no")));
        assertNull(WindowAgreement.majority(List.of("a", "b", "c")));
        assertEquals("a", WindowAgreement.majority(List.of("a")));
    }

    @Test
    void theAlertLooksAtTheNewestWindowWithEnoughPairs() {
        List<AgreementRow> rows = WindowAgreement.compute(handComputedCase(), Bootstrap.none());
        // week B has 8 pairs < 9: passed over; week A has κ 0.4 < 0.5: fires
        AlertRule.State state = new AlertRule(Window.WEEK, 0.5, 9).evaluate(rows);
        assertTrue(state.firing());
        assertEquals(WEEK_A, state.row().window());
        assertEquals(0.4, state.kappa(), 1e-3);
        // with 5 pairs enough, week B (κ 0.714 ≥ 0.5) decides: quiet
        state = new AlertRule(Window.WEEK, 0.5, 5).evaluate(rows);
        assertFalse(state.firing());
        assertEquals(WEEK_B, state.row().window());
        // no window has 11 pairs: nothing to judge by
        state = new AlertRule(Window.WEEK, 0.5, 11).evaluate(rows);
        assertFalse(state.firing());
        assertNull(state.row());
    }

    @Test
    void windowsAreUtcDaysOrIsoWeeks() {
        LocalDate sunday = LocalDate.of(2026, 12, 6);
        assertEquals(LocalDate.of(2026, 11, 30), Window.WEEK.startOf(sunday));
        assertEquals(LocalDate.of(2026, 11, 30), Window.WEEK.startOf(LocalDate.of(2026, 11, 30)));
        assertEquals(sunday, Window.DAY.startOf(sunday));
        assertEquals(LocalDate.of(2026, 11, 7), Window.DAY.first(sunday));
        assertEquals(30, Window.DAY.starts(sunday).size());
        assertEquals(sunday, Window.DAY.starts(sunday).get(0));
        assertEquals(26, Window.WEEK.starts(sunday).size());
        assertEquals(LocalDate.of(2026, 6, 8), Window.WEEK.first(sunday));
        assertEquals(Window.WEEK, Window.parse(" Week "));
        assertEquals(Window.DAY, Window.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Window.parse("month"));
    }
}
