package dev.jury.alignment;

import dev.jury.judges.prompt.Demo;

import java.util.List;

/**
 * What an optimizer returns: the winning program (instructions with accepted rules, demos), its train score against
 * the baseline's, what every step did, the calls used and the log.
 *
 * @param optimizer          the optimizer's name ({@code simba}, {@code few-shot})
 * @param baseline           the program the run started from
 * @param program            the winner; equal to {@code baseline} when nothing beat it
 * @param trainScore         the winner's mean score on the whole train set
 * @param baselineTrainScore the baseline's mean score on the whole train set, evaluated the same way
 * @param steps              one record per optimizer step (empty for optimizers without steps)
 * @param finalists          the programs evaluated on the whole train set, in evaluation order
 * @param calls              LLM calls made, cached, and the formula's numbers
 * @param log                every log line of the run, in order
 */
public record AlignmentResult(String optimizer, JudgeProgram baseline, JudgeProgram program, double trainScore,
                              double baselineTrainScore, List<Step> steps, List<Finalist> finalists, Calls calls,
                              List<AlignmentLog.Line> log) {

    public AlignmentResult {
        steps = List.copyOf(steps);
        finalists = List.copyOf(finalists);
        log = List.copyOf(log);
    }

    /** Base instructions followed by every accepted rule after a blank line. */
    public String instructions() {
        return program.instructions();
    }

    /** The accepted rules, in order, without duplicates. */
    public List<String> rules() {
        return program.rules();
    }

    public List<Demo> demos() {
        return program.demos();
    }

    /** True when the winner differs from the baseline. */
    public boolean changed() {
        return !program.equals(baseline);
    }

    /**
     * One optimizer step.
     *
     * @param step           1-based
     * @param batchTraceIds  the mini-batch, in order
     * @param batchScore     mean score of all trajectory samples of the step
     * @param percentile10   10th percentile of those scores (numpy's linear definition)
     * @param percentile90   90th percentile
     * @param attempts       every bucket processed, in order, whether it produced a candidate or not
     * @param winnerProgramId the step winner's program id; {@code null} when no candidate was built
     * @param winnerScore    the winner's mean mini-batch score; {@code NaN} without a winner
     */
    public record Step(int step, List<String> batchTraceIds, double batchScore, double percentile10,
                       double percentile90, List<Attempt> attempts, Integer winnerProgramId, double winnerScore) {
        public Step {
            batchTraceIds = List.copyOf(batchTraceIds);
            attempts = List.copyOf(attempts);
        }

        /** The candidates this step built, in order. */
        public List<Attempt> candidates() {
            return attempts.stream().filter(a -> a.programId() != null).toList();
        }
    }

    /**
     * One bucket turned (or not) into a candidate.
     *
     * @param traceId         the bucket's example
     * @param maxScore        best sampled score on it
     * @param minScore        worst sampled score on it
     * @param sourceProgramId the program the candidate was derived from
     * @param demosDropped    demos removed before the strategy
     * @param strategy        {@code demo} or {@code rule}
     * @param outcome         what happened, in words (the reason when declined)
     * @param programId       the new candidate's id; {@code null} when the strategy declined
     * @param program         the new candidate; {@code null} when declined
     * @param batchScore      the candidate's mean mini-batch score; {@code NaN} when declined
     */
    public record Attempt(String traceId, double maxScore, double minScore, int sourceProgramId, int demosDropped,
                          String strategy, String outcome, Integer programId, JudgeProgram program,
                          double batchScore) {
    }

    /**
     * A program of the final choice.
     *
     * @param programId  its id (0 = baseline)
     * @param step       the step it won (0 = baseline)
     * @param trainScore mean score on the whole train set
     */
    public record Finalist(int programId, int step, double trainScore) {
    }

    /**
     * LLM calls of the run.
     *
     * @param judgeCalls          judge calls actually made
     * @param cachedEvaluations   deterministic evaluations served from the run's cache
     * @param reflectionCalls     reflection-model calls made
     * @param judgeCallFormula    the budget formula with this run's actual numbers; equals
     *                            {@code judgeCalls + cachedEvaluations} for a run that was not cancelled
     * @param judgeCallBound      the formula's upper bound for these parameters and train size
     * @param reflectionCallBound upper bound on reflection calls
     */
    public record Calls(long judgeCalls, long cachedEvaluations, long reflectionCalls, long judgeCallFormula,
                        long judgeCallBound, long reflectionCallBound) {
    }
}
