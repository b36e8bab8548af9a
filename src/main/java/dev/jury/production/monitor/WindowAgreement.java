package dev.jury.production.monitor;

import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.CohenKappa;
import dev.jury.agreement.ConfusionMatrix;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judge-vs-human agreement per window and per judge version (docs/production.md, "Monitoring a judge against
 * humans"). A pair is a valid verdict and the <b>majority</b> of the current human labels on its trace; a trace
 * whose human labels tie has no majority and its verdicts are counted as ties, not compared. Agreement is the share
 * of pairs whose values are equal and unweighted Cohen's κ with the human majority as the reference; the
 * categories are every value met in the pairs given, so κ is comparable across windows.
 */
public final class WindowAgreement {

    private WindowAgreement() {
    }

    /**
     * Rows newest window first; in each window the row over all versions (version null) first, then one per version,
     * ascending.
     */
    public static List<AgreementRow> compute(List<JudgedPair> pairs, Bootstrap bootstrap) {
        var categories = new TreeSet<String>();
        for (JudgedPair p : pairs) {
            categories.add(p.judge());
            categories.addAll(p.humans());
        }
        Map<String, Integer> index = new HashMap<>();
        for (String c : categories) {
            index.put(c, index.size());
        }
        int k = categories.size();
        Map<LocalDate, Map<Integer, Cell>> byWindow = new TreeMap<>(Comparator.reverseOrder());
        for (JudgedPair p : pairs) {
            String human = majority(p.humans());
            Map<Integer, Cell> versions = byWindow.computeIfAbsent(p.window(), w -> new TreeMap<>(
                    Comparator.nullsFirst(Comparator.naturalOrder())));
            for (Integer v : new Integer[]{null, p.version()}) {
                Cell cell = versions.computeIfAbsent(v, x -> new Cell(k));
                if (human == null) {
                    cell.ties++;
                } else {
                    cell.counts[index.get(human)][index.get(p.judge())]++;
                }
            }
        }
        var rows = new ArrayList<AgreementRow>();
        byWindow.forEach((window, versions) -> versions.forEach((version, cell) -> {
            ConfusionMatrix matrix = ConfusionMatrix.of(cell.counts);
            long agreeing = 0;
            for (int i = 0; i < k; i++) {
                agreeing += cell.counts[i][i];
            }
            rows.add(new AgreementRow(window, version, matrix.total(), cell.ties, agreeing,
                    CohenKappa.of(matrix, CohenKappa.Weighting.UNWEIGHTED, bootstrap)));
        }));
        return rows;
    }

    /** The value most reviewers gave, or null when two or more values share the top count. */
    static String majority(List<String> humans) {
        Map<String, Integer> counts = new HashMap<>();
        for (String h : humans) {
            counts.merge(h, 1, Integer::sum);
        }
        String best = null;
        int top = 0;
        boolean tie = false;
        for (var e : counts.entrySet()) {
            if (e.getValue() > top) {
                best = e.getKey();
                top = e.getValue();
                tie = false;
            } else if (e.getValue() == top) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    private static final class Cell {
        final long[][] counts;
        long ties;

        Cell(int k) {
            counts = new long[k][k];
        }
    }
}
