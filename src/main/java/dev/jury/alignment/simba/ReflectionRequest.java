package dev.jury.alignment.simba;

import dev.jury.alignment.AlignmentExample;
import dev.jury.judges.prompt.Verdict;
import dev.jury.rubrics.RubricSpec;

import java.util.Objects;

/**
 * Everything the reflection model sees for one bucket (DSPy's {@code OfferFeedback} inputs, judge-shaped): the
 * judge's current instructions and rubric, the trace, the human label and rationale (oracle metadata, hidden from the
 * judge), and the better and the worse trajectory sample.
 */
public record ReflectionRequest(String instructions, RubricSpec rubric, AlignmentExample example, Run better,
                                Run worse) {

    public ReflectionRequest {
        Objects.requireNonNull(instructions, "instructions");
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(better, "better");
        Objects.requireNonNull(worse, "worse");
    }

    /**
     * One judge run on the example.
     *
     * @param value     the verdict's value; {@code null} when the call failed
     * @param rationale the judge's rationale; empty when none
     * @param error     why the call failed; {@code null} on success
     * @param score     1 if the value equals the human label, else 0
     */
    public record Run(String value, String rationale, String error, double score) {
        public static Run of(Verdict verdict, double score) {
            return new Run(verdict.value(), verdict.rationale() == null ? "" : verdict.rationale(), verdict.error(), score);
        }
    }
}
