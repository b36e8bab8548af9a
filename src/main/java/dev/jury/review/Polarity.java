package dev.jury.review;

/** Which side of the rubric's boundary a value falls on; UNKNOWN when the judge has not assessed the trace. */
public enum Polarity {
    NEGATIVE, POSITIVE, UNKNOWN
}
