package dev.jury.alignment.run;

import dev.jury.alignment.AlignmentResult;
import dev.jury.judges.memory.Guideline;

import java.util.List;

/**
 * What a finished run measured, as stored in {@code alignment_run.metrics}: the held-out numbers of the base version
 * and of the result (the same object when the base won), the train scores ({@code null} when the optimizer did not
 * score on the train set, as MemAlign does not score its result), the accepted rules, the calls, and the result's
 * memory: how many examples and the guidelines with the traces they were distilled from.
 */
public record RunMetrics(HeldOutMetrics before, HeldOutMetrics after, boolean sameAsBaseline,
                         Double trainScoreBefore, Double trainScoreAfter, List<String> rules, int demos,
                         AlignmentResult.Calls calls, int memoryExamples, List<Guideline> guidelines) {

    public RunMetrics {
        guidelines = guidelines == null ? List.of() : guidelines; // runs finished before MemAlign stored none
    }
}
