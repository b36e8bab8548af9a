package dev.jury.alignment.memalign;

import dev.jury.alignment.AlignmentExample;

import java.util.Objects;

/**
 * One piece of expert feedback shown to the distillation call: a train example with the human consensus value and
 * rationale, and — when the base judge was run — what the judge said.
 *
 * @param id             the record's number in its batch (1-based); the model cites it as a guideline's source
 * @param example        the trace with its human label and rationale
 * @param judgeValue     the base judge's value; {@code null} when it was not run or its call failed
 * @param judgeRationale the base judge's rationale; empty when none
 * @param judgeAgreed    whether the base judge agreed with the experts; {@code null} when unknown
 */
public record FeedbackRecord(int id, AlignmentExample example, String judgeValue, String judgeRationale,
                             Boolean judgeAgreed) {

    public FeedbackRecord {
        Objects.requireNonNull(example, "example");
        judgeRationale = judgeRationale == null ? "" : judgeRationale;
    }
}
