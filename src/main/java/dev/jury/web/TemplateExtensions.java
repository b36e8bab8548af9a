package dev.jury.web;

import io.quarkus.qute.TemplateExtension;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting used by every template, so numbers and times look the same everywhere. */
@TemplateExtension
public class TemplateExtensions {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** {@code 2026-11-23 14:05 UTC}. */
    public static String display(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** ISO-8601 for {@code <time datetime>}. */
    public static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    /** Three decimals, the precision statistics are shown at: {@code 0.812}. */
    public static String fixed3(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** A share as a whole percentage: {@code 31%}. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
