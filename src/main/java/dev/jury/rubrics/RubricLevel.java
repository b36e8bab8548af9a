package dev.jury.rubrics;

/**
 * One level of a rubric.
 *
 * @param value      the stored label, e.g. {@code poor} or {@code 4}
 * @param label      what reviewers see
 * @param definition what earns this level, ideally with an example
 * @param negative   true for the failing side of the boundary
 */
public record RubricLevel(String value, String label, String definition, boolean negative) {
}
