package dev.jury.alignment;

/**
 * What a progress listener receives after each optimizer step and once at the end.
 *
 * @param phase      {@link Phase#STEP} after step {@code step} of {@code steps}; {@link Phase#FINAL} after the final choice
 * @param batchScore the mean score of the step's trajectory samples; on FINAL, the winner's train score
 * @param bestScore  the best mean score of any program so far (as the optimizer ranks them); on FINAL, the winner's train score
 */
public record AlignmentProgress(Phase phase, int step, int steps, double batchScore, double bestScore) {

    public enum Phase { STEP, FINAL }
}
