package dev.jury.agreement;

import java.util.Locale;
import java.util.Objects;

/**
 * One agreement number, or the reason there is none.
 *
 * <p>Degenerate data never surfaces as NaN or an exception: a statistic that cannot be computed says why
 * ({@link Status#UNDEFINED}, {@link Status#NOT_ENOUGH_DATA}, {@link Status#NOT_APPLICABLE}), so a page can show
 * "undefined (every rating is the same category)" instead of a blank or a crash.
 */
public final class Estimate {

    public enum Status { OK, UNDEFINED, NOT_ENOUGH_DATA, NOT_APPLICABLE }

    private final Status status;
    private final double value;
    private final long n;
    private final String reason;
    private final boolean hasInterval;
    private final double lower;
    private final double upper;
    private final double level;

    private Estimate(Status status, double value, long n, String reason,
                     boolean hasInterval, double lower, double upper, double level) {
        this.status = status;
        this.value = value;
        this.n = n;
        this.reason = reason;
        this.hasInterval = hasInterval;
        this.lower = lower;
        this.upper = upper;
        this.level = level;
    }

    /** A computed value resting on {@code n} units (or unit pairs, for Cohen's κ). */
    public static Estimate of(double value, long n) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("an estimate must be finite, got " + value);
        }
        return new Estimate(Status.OK, value, n, "", false, 0, 0, 0);
    }

    public static Estimate undefined(String reason, long n) {
        return new Estimate(Status.UNDEFINED, 0, n, Objects.requireNonNull(reason), false, 0, 0, 0);
    }

    public static Estimate notEnoughData(long n) {
        return new Estimate(Status.NOT_ENOUGH_DATA, 0, n, "", false, 0, 0, 0);
    }

    public static Estimate notApplicable(String reason) {
        return new Estimate(Status.NOT_APPLICABLE, 0, 0, Objects.requireNonNull(reason), false, 0, 0, 0);
    }

    /** This value with a confidence interval; only a defined value can carry one. */
    Estimate withInterval(double lower, double upper, double level) {
        if (status != Status.OK) {
            throw new IllegalStateException("only a defined estimate has an interval: " + this);
        }
        if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower > upper) {
            throw new IllegalArgumentException("bad interval [" + lower + ", " + upper + "]");
        }
        return new Estimate(status, value, n, reason, true, lower, upper, level);
    }

    public Status status() {
        return status;
    }

    public boolean isOk() {
        return status == Status.OK;
    }

    /** The value; asking for it when there is none is a programming error, so check {@link #isOk()} first. */
    public double value() {
        requireOk();
        return value;
    }

    /** Units (or pairs) the value rests on; for {@link Status#NOT_ENOUGH_DATA} the number that was available. */
    public long n() {
        return n;
    }

    /** Why there is no value; empty for {@link Status#OK} and {@link Status#NOT_ENOUGH_DATA}. */
    public String reason() {
        return reason;
    }

    public boolean hasInterval() {
        return hasInterval;
    }

    public double lower() {
        requireInterval();
        return lower;
    }

    public double upper() {
        requireInterval();
        return upper;
    }

    /** Confidence level of the interval, e.g. 0.95. */
    public double level() {
        requireInterval();
        return level;
    }

    private void requireOk() {
        if (status != Status.OK) {
            throw new IllegalStateException("no value: " + this);
        }
    }

    private void requireInterval() {
        if (!hasInterval) {
            throw new IllegalStateException("no interval: " + this);
        }
    }

    /** {@code 0.62 [0.55, 0.69]}, {@code 0.62}, {@code undefined (…)}, {@code not enough data (1)}. */
    @Override
    public String toString() {
        return switch (status) {
            case OK -> hasInterval
                    ? format(value) + " [" + format(lower) + ", " + format(upper) + "]"
                    : format(value);
            case UNDEFINED -> "undefined (" + reason + ")";
            case NOT_ENOUGH_DATA -> "not enough data (" + n + ")";
            case NOT_APPLICABLE -> "not applicable (" + reason + ")";
        };
    }

    private static String format(double x) {
        String text = String.format(Locale.ROOT, "%.2f", x);
        // -0.001 rounds to "-0.00"; a signed zero reads like a finding, so drop the sign.
        return text.equals("-0.00") ? "0.00" : text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Estimate e
                && status == e.status && Double.compare(value, e.value) == 0 && n == e.n
                && reason.equals(e.reason) && hasInterval == e.hasInterval
                && Double.compare(lower, e.lower) == 0 && Double.compare(upper, e.upper) == 0
                && Double.compare(level, e.level) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, value, n, reason, hasInterval, lower, upper, level);
    }
}
