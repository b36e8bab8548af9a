package dev.jury.rubrics;

/** The value type shared by a judge and its human reviewers. */
public enum RubricKind {
    /** Ordered named levels, best first (e.g. excellent, good, fair, poor). */
    CATEGORICAL,
    /** Exactly {@code yes} and {@code no}; {@code no} is the negative side unless the levels say otherwise. */
    BOOLEAN,
    /** Numbers on a scale (e.g. 1–5); values below the pass threshold are negative. */
    NUMERIC
}
