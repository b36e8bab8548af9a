package dev.jury.rubrics;

/**
 * One reason a rubric is refused, addressed to the form field it concerns so the editor can show it inline
 * and the API can list it in a 422 problem+json.
 *
 * @param field   path of the offending field, e.g. {@code levels[2].definition}, {@code passThreshold}, {@code levels}
 * @param message what is wrong and how to fix it, in plain words
 */
public record RubricError(String field, String message) {
}
