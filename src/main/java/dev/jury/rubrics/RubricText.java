package dev.jury.rubrics;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/** The few string rules every rubric class must apply identically, so "the same value" means one thing. */
final class RubricText {

    private RubricText() {
    }

    /** Surrounding (Unicode) whitespace removed, {@code null} read as empty. */
    static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Stripped, line endings unified: a textarea posts CRLF, an API client LF, and both mean the same text. */
    static String tidy(String s) {
        return strip(s).replace("\r\n", "\n").replace('\r', '\n');
    }

    /**
     * Trim and case-fold. Upper- then lower-casing (in the root locale, after NFC) folds what a plain
     * {@code toLowerCase} misses, e.g. the Kelvin sign or {@code ß} vs {@code SS}, so labels typed on different
     * keyboards still match. Plain ASCII, what nearly every label is, takes the short way: NFC leaves it as it is
     * and upper- then lower-casing it is lower-casing it. The normaliser was 3 % of the review loop's app CPU
     * (docs/performance.md, "Sixth pass"): every submit folds the value and each of the rubric's levels.
     */
    static String fold(String s) {
        String stripped = strip(s);
        if (isAscii(stripped)) {
            return stripped.toLowerCase(Locale.ROOT);
        }
        String nfc = Normalizer.normalize(stripped, Normalizer.Form.NFC);
        return nfc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A number written as text ({@code 4}, {@code 4.0}, {@code " 4 "}, {@code 4.5}), or empty. */
    static Optional<BigDecimal> parseNumber(String s) {
        String t = strip(s);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(t));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code 3.0} → {@code 3}, {@code 2.50} → {@code 2.5}: how a threshold is shown and fingerprinted. */
    static String plain(BigDecimal n) {
        return n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString();
    }
}
