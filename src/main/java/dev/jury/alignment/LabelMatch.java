package dev.jury.alignment;

import dev.jury.judges.prompt.Verdict;

import java.math.BigDecimal;
import java.util.Locale;

/** The metric every optimizer maximises: does the judge's verdict equal the human label? */
public final class LabelMatch {

    private LabelMatch() {
    }

    /** 1 when the verdict equals the label (see {@link #matches}); 0 otherwise and for a failed call. */
    public static double score(Verdict verdict, String label) {
        if (verdict == null || verdict.isError() || verdict.value() == null) {
            return 0.0;
        }
        return matches(verdict.value(), label) ? 1.0 : 0.0;
    }

    /**
     * Equal after trimming and case-folding; when both sides are numbers they are compared as numbers, so
     * {@code 4} equals {@code 4.0} (MLflow's {@code agreement_metric} compares strings only).
     */
    public static boolean matches(String value, String label) {
        if (value == null || label == null) {
            return false;
        }
        String a = normalise(value);
        String b = normalise(label);
        if (a.equals(b)) {
            return true;
        }
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        return x != null && y != null && x.compareTo(y) == 0;
    }

    public static String normalise(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }

    private static BigDecimal number(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
