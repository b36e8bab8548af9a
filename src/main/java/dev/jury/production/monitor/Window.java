package dev.jury.production.monitor;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The monitor's time buckets, in UTC: a calendar day, or an ISO week (Monday to Sunday, PostgreSQL's
 * {@code date_trunc('week', …)}). A bucket is named by its first day. The monitor shows the last {@link #count()}
 * buckets, the current (incomplete) one included.
 */
public enum Window {
    DAY("day", 30),
    WEEK("week", 26);

    private final String unit;
    private final int count;

    Window(String unit, int count) {
        this.unit = unit;
        this.count = count;
    }

    /** {@code day} or {@code week}: the query parameter, and the unit {@code date_trunc} takes. */
    public String unit() {
        return unit;
    }

    /** Buckets shown: 30 days or 26 weeks. */
    public int count() {
        return count;
    }

    /**
     * The window named by {@code text} ({@code day} or {@code week}, any case); a missing one is {@link #DAY}.
     *
     * @throws IllegalArgumentException with a message for the user for anything else
     */
    public static Window parse(String text) {
        if (text == null || text.isBlank()) {
            return DAY;
        }
        for (Window w : values()) {
            if (w.unit.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("window is 'day' (the last 30 days) or 'week' (the last 26 weeks)");
    }

    /** The first day of the bucket {@code date} falls in. */
    public LocalDate startOf(LocalDate date) {
        return this == DAY ? date : date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** The first day of the bucket after the one starting on {@code start}. */
    public LocalDate next(LocalDate start) {
        return this == DAY ? start.plusDays(1) : start.plusWeeks(1);
    }

    /** The first day of the oldest bucket shown when today is {@code today}. */
    public LocalDate first(LocalDate today) {
        LocalDate current = startOf(today);
        return this == DAY ? current.minusDays(count - 1L) : current.minusWeeks(count - 1L);
    }

    /** Every bucket shown, newest first. */
    public List<LocalDate> starts(LocalDate today) {
        var starts = new ArrayList<LocalDate>(count);
        LocalDate first = first(today);
        for (LocalDate d = startOf(today); !d.isBefore(first); d = this == DAY ? d.minusDays(1) : d.minusWeeks(1)) {
            starts.add(d);
        }
        return starts;
    }
}
