package dev.jury.traces.ingest;

import java.util.Locale;

/** Byte counts as people read them in error messages. */
final class Sizes {

    private Sizes() {
    }

    static String describe(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return (bytes / (1024 * 1024)) + " MiB";
        }
        if (bytes >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes / 1024) + " KiB";
        }
        return bytes + " bytes";
    }

    static String traceTooLarge(long bytes, long limit) {
        return "The trace is " + describe(bytes) + ", over the limit of " + describe(limit)
                + " per trace (jury.traces.max-trace-bytes).";
    }
}
