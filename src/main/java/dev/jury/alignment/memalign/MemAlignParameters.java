package dev.jury.alignment.memalign;

import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.ParameterSpec.Type;
import dev.jury.judges.memory.JudgeMemory;

import java.util.List;
import java.util.Map;

/**
 * MemAlign's knobs (docs/alignment.md, "MemAlign").
 *
 * @param retrievalK            examples recalled from episodic memory at every judge call (MLflow's
 *                              {@code retrieval_k}, default 5)
 * @param maxGuidelines         most guidelines the semantic memory holds (the base version's included); 0 distils
 *                              nothing
 * @param distillationBatchSize feedback records per distillation call; MLflow packs at most 50 per call
 * @param scoreBase             1: run the base judge on the train traces first (N judge calls) so distillation is
 *                              told where it disagreed with the experts; 0: no judge call, as MLflow does
 * @param onlyMistakes          1: only the train examples the base judge got wrong enter episodic memory; 0: all
 * @param evaluationTemperature judge temperature for the base run (the judge version's own; 0 when it has none)
 */
public record MemAlignParameters(int retrievalK, int maxGuidelines, int distillationBatchSize, boolean scoreBase,
                                 boolean onlyMistakes, double evaluationTemperature) {

    /** MLflow's {@code _MAX_RECORDS_PER_BATCH}: feedback records per distillation call. */
    public static final int DEFAULT_BATCH_SIZE = 50;

    public static final List<ParameterSpec> SCHEMA = List.of(
            new ParameterSpec("retrieval_k", Type.INTEGER, (long) JudgeMemory.DEFAULT_K, 1L, 50L,
                    "Examples recalled from episodic memory at every judge call (MLflow's default: 5)."),
            new ParameterSpec("max_guidelines", Type.INTEGER, 20L, 0L, 200L,
                    "Most guidelines kept in semantic memory (0 = distil none, episodic memory only)."),
            new ParameterSpec("distillation_batch_size", Type.INTEGER, (long) DEFAULT_BATCH_SIZE, 1L, 500L,
                    "Feedback records per distillation call of the reflection model (MLflow packs at most 50)."),
            new ParameterSpec("score_base", Type.INTEGER, 1L, 0L, 1L,
                    "1 = run the base judge on the train traces first (N judge calls) so distillation sees where it "
                            + "disagreed with the experts; 0 = no judge call, as MLflow."),
            new ParameterSpec("only_mistakes", Type.INTEGER, 0L, 0L, 1L,
                    "Episodic memory: 0 = every train example (MLflow), 1 = only those the base judge got wrong "
                            + "(needs score_base = 1)."),
            new ParameterSpec("evaluation_temperature", Type.NUMBER, 0.0, 0.0, 2.0,
                    "Judge temperature for the base run (use the judge's own)."),
            ParameterSpec.SEED,
            ParameterSpec.CONCURRENCY);

    public MemAlignParameters {
        if (retrievalK < 1 || retrievalK > 50) {
            throw new IllegalArgumentException("retrieval_k must be between 1 and 50, got " + retrievalK);
        }
        if (maxGuidelines < 0 || maxGuidelines > 200) {
            throw new IllegalArgumentException("max_guidelines must be between 0 and 200, got " + maxGuidelines);
        }
        if (distillationBatchSize < 1) {
            throw new IllegalArgumentException("distillation_batch_size must be at least 1, got "
                    + distillationBatchSize);
        }
        if (onlyMistakes && !scoreBase) {
            throw new IllegalArgumentException("only_mistakes = 1 needs score_base = 1: the base judge must run to "
                    + "know its mistakes");
        }
        if (!(evaluationTemperature >= 0.0 && evaluationTemperature <= 2.0)) {
            throw new IllegalArgumentException("evaluation_temperature must be between 0 and 2, got "
                    + evaluationTemperature);
        }
    }

    public static MemAlignParameters defaults() {
        return from(Map.of());
    }

    /** From the admin form's values; {@code seed} and {@code concurrency} are accepted and read from the context. */
    public static MemAlignParameters from(Map<String, ?> raw) {
        Map<String, Number> v = ParameterSpec.resolve(SCHEMA, raw);
        return new MemAlignParameters(v.get("retrieval_k").intValue(), v.get("max_guidelines").intValue(),
                v.get("distillation_batch_size").intValue(), v.get("score_base").intValue() == 1,
                v.get("only_mistakes").intValue() == 1, v.get("evaluation_temperature").doubleValue());
    }

    /** Judge calls of a run on {@code n} train examples: N with {@code score_base}, else none. */
    public long judgeCalls(int n) {
        return scoreBase ? n : 0;
    }

    /** Most distillation calls on {@code n} train examples: one per batch, ⌈N / batch⌉, none when nothing is kept. */
    public long maxDistillationCalls(int n) {
        return maxGuidelines == 0 || n == 0 ? 0 : (n + distillationBatchSize - 1L) / distillationBatchSize;
    }
}
