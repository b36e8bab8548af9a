package dev.jury.judges.prompt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one judge call produced: an allowed value with its rationale, or an error with its reason.
 *
 * @param value     the normalised rubric value; {@code null} when {@link #isError()}
 * @param rationale the judge's rationale; may be empty
 * @param error     why no valid value was obtained (parse failure, out-of-rubric value, provider fault); {@code null} on success
 * @param raw       the model's raw answer, truncated for storage; may be {@code null}
 * @param details   what a template judge adds to the stored verdict's metadata (a 1–5 judge's
 *                  {@code score/threshold/passed}, a per-chunk judge's {@code chunks/precision}); {@code null} for none
 */
public record Verdict(String value, String rationale, String error, String raw, JsonNode details) {

    public Verdict(String value, String rationale, String error, String raw) {
        this(value, rationale, error, raw, null);
    }

    public static Verdict of(String value, String rationale) {
        return new Verdict(value, rationale, null, null);
    }

    public static Verdict failed(String error, String raw) {
        return new Verdict(null, null, error, raw);
    }

    /** The same verdict with metadata details. */
    public Verdict withDetails(JsonNode newDetails) {
        return new Verdict(value, rationale, error, raw, newDetails);
    }

    public boolean isError() {
        return error != null;
    }
}
