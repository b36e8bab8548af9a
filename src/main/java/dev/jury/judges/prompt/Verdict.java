package dev.jury.judges.prompt;

/**
 * What one judge call produced: an allowed value with its rationale, or an error with its reason.
 *
 * @param value     the normalised rubric value; {@code null} when {@link #isError()}
 * @param rationale the judge's rationale; may be empty
 * @param error     why no valid value was obtained (parse failure, out-of-rubric value, provider fault); {@code null} on success
 * @param raw       the model's raw answer, truncated for storage; may be {@code null}
 */
public record Verdict(String value, String rationale, String error, String raw) {

    public static Verdict of(String value, String rationale) {
        return new Verdict(value, rationale, null, null);
    }

    public static Verdict failed(String error, String raw) {
        return new Verdict(null, null, error, raw);
    }

    public boolean isError() {
        return error != null;
    }
}
