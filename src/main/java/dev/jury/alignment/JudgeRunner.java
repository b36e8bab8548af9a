package dev.jury.alignment;

import dev.jury.judges.prompt.Verdict;

/**
 * Runs a candidate judge on one example: one LLM call with the program's instructions and demos (the prompt and
 * parsing of the judges package). Must be thread-safe when the context carries an executor.
 */
@FunctionalInterface
public interface JudgeRunner {

    /**
     * May throw or return {@link Verdict#failed}; either way the run scores 0.
     *
     * @param temperature {@code 1.0} while sampling trajectories; the evaluation temperature otherwise
     */
    Verdict assess(JudgeProgram program, AlignmentExample example, double temperature);

    /**
     * The call the optimizers make. {@code sample} is 0 for an evaluation and 1…C for SIMBA's trajectory samples
     * (DSPy's {@code rollout_id}); a live runner ignores it, a deterministic fake uses it to vary its answers without
     * depending on call order.
     */
    default Verdict assess(JudgeProgram program, AlignmentExample example, double temperature, int sample) {
        return assess(program, example, temperature);
    }
}
