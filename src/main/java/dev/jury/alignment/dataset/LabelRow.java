package dev.jury.alignment.dataset;

/**
 * One current, valid HUMAN label of the judge's name on a trace of the experiment, as the data-set query reads it
 * (superseded, invalid and failed rows never get here).
 *
 * @param assessmentId  orders two labels of one source: the newer wins
 * @param traceId       the trace
 * @param sourceId      the reviewer, or {@code adjudication:<admin>}
 * @param value         the stored value (matched to the rubric after trim and case-fold)
 * @param rationale     the reviewer's rationale; may be null
 * @param rubricVersion the rubric version number the label was given under (labels without one count for the
 *                      current version, as the agreement report counts them)
 * @param adjudication  an admin's adjudication: it decides the consensus and is never a rater
 */
public record LabelRow(long assessmentId, long traceId, String sourceId, String value, String rationale,
                       int rubricVersion, boolean adjudication) {
}
