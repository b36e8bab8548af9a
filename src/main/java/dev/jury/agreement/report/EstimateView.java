package dev.jury.agreement.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jury.agreement.Estimate;

import java.util.List;
import java.util.Locale;

/**
 * One number of the report as JSON: {@code {value, ci: [lo, hi], n}} when it is defined, else
 * {@code {status: "undefined" | "not_enough_data" | "not_applicable", reason, n}} — never NaN.
 *
 * @param n the units (or rating pairs, for a pair of reviewers) the number rests on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EstimateView(Double value, List<Double> ci, Long n, String status, String reason) {

    public static EstimateView of(Estimate e) {
        return switch (e.status()) {
            case OK -> new EstimateView(e.value(), e.hasInterval() ? List.of(e.lower(), e.upper()) : null, e.n(),
                    null, null);
            case UNDEFINED -> new EstimateView(null, null, e.n(), "undefined", e.reason());
            case NOT_ENOUGH_DATA -> new EstimateView(null, null, e.n(), "not_enough_data",
                    e.n() == 0 ? "there is nothing to compute it from"
                            : "only " + e.n() + " usable unit" + (e.n() == 1 ? "" : "s") + "; at least 2 are needed");
            case NOT_APPLICABLE -> new EstimateView(null, null, null, "not_applicable", e.reason());
        };
    }

    /** For templates: defined or not. */
    public boolean defined() {
        return value != null;
    }

    /** {@code 0.62 [0.55, 0.69]}, {@code 0.62}, or {@code not enough data — only 1 usable unit; …}. */
    public String text() {
        if (value != null) {
            return ci == null ? format(value) : format(value) + " [" + format(ci.get(0)) + ", " + format(ci.get(1)) + "]";
        }
        return status.replace('_', ' ') + " — " + reason;
    }

    /** A share as a percentage with one decimal: {@code 91.3%}. */
    public String percent() {
        return value == null ? "—" : String.format(Locale.ROOT, "%.1f%%", value * 100);
    }

    static String format(double x) {
        String text = String.format(Locale.ROOT, "%.2f", x);
        return text.equals("-0.00") ? "0.00" : text;
    }
}
