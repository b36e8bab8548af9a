package dev.jury.agreement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which units of a report need an admin's eye, and which of them are listed first: units without a consensus, and
 * units where one judge (the report shows the latest version) differs from the consensus. Unit keys are trace ids
 * ({@code Long}), so "oldest" means the smallest id.
 *
 * <p>Only one page ({@code limit} units after {@code offset}) is returned, by sorting primitive ids: a large report
 * can have a hundred thousand disagreements, of which a page shows fifty.
 */
public final class DisagreementOrder {

    /** How the list is ordered: by trace id ascending, descending, or most human labels first. */
    public enum Sort {
        /** Oldest trace first. */
        TRACE,
        /** Newest trace first. */
        NEWEST,
        /** Most human labels first, oldest trace first among equals. */
        LABELS;

        /** {@code trace}, {@code newest} or {@code labels}, as the query string spells them. */
        public static Sort of(String name) {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        }
    }

    public enum Reason {
        NO_CONSENSUS, JUDGE_DIFFERS;

        /** {@code no_consensus} or {@code judge_differs}, as the API spells them. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One listed unit (an index into the report's table) and why it is listed. */
    public record Listed(int unit, Reason reason) {
    }

    /**
     * @param first the requested page of units in the requested order, at most the limit
     * @param total every unit that is listed for either reason
     */
    public record Result(List<Listed> first, int total) {
    }

    private DisagreementOrder() {
    }

    /**
     * @param judge the judge whose differences are listed, or {@code null} for only the units without a consensus;
     *              a unit without a consensus is never also a judge difference
     * @param limit how many to return; the total counts them all
     */
    public static Result of(AgreementReport report, String judge, Sort sort, int limit) {
        return of(report, judge, sort, 0, limit);
    }

    /**
     * One page of the list: the units at positions {@code offset} to {@code offset + limit - 1} in the order.
     *
     * @param offset how many units in the order come before the page; past the end gives an empty page
     */
    public static Result of(AgreementReport report, String judge, Sort sort, int offset, int limit) {
        RatingTable table = report.table();
        Reason[] reason = new Reason[table.unitCount()];
        for (int u : report.unitsWithoutConsensus()) {
            reason[u] = Reason.NO_CONSENSUS;
        }
        if (judge != null) {
            for (int u : report.unitsWhereJudgeDiffers(judge)) {
                reason[u] = Reason.JUDGE_DIFFERS;
            }
        }
        int total = 0;
        for (Reason r : reason) {
            total += r != null ? 1 : 0;
        }
        int[] units = pageInOrder(table, reason, total, sort, Math.max(0, offset), Math.max(0, limit));
        List<Listed> first = new ArrayList<>(units.length);
        for (int u : units) {
            first.add(new Listed(u, reason[u]));
        }
        return new Result(List.copyOf(first), total);
    }

    private static int[] pageInOrder(RatingTable table, Reason[] listed, int total, Sort sort, int offset,
                                     int limit) {
        long[] traces = new long[total];
        int n = 0;
        for (int u = 0; u < listed.length; u++) {
            if (listed[u] != null) {
                traces[n++] = (Long) table.unitKey(u);
            }
        }
        Arrays.sort(traces);
        int skip = Math.min(offset, total);
        int take = Math.min(limit, total - skip);
        int[] units = new int[take];
        if (sort == Sort.LABELS) {
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
                int at = before[most - ratings[i]]++ - skip;
                if (at >= 0 && at < take) {
                    units[at] = table.unitIndex(traces[i]);
                }
            }
            return units;
        }
        for (int i = 0; i < take; i++) {
            int position = skip + i;
            units[i] = table.unitIndex(sort == Sort.NEWEST ? traces[total - 1 - position] : traces[position]);
        }
        return units;
    }
}
