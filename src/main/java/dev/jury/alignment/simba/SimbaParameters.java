package dev.jury.alignment.simba;

import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.ParameterSpec.Type;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SIMBA's knobs, named as in DSPy's {@code SIMBA.__init__} ({@code bsize} is {@code batch_size}, as MLflow calls it).
 * The seed and the call concurrency are run-level and travel in the {@code AlignmentContext}; {@link #SCHEMA} lists
 * them too so the admin form shows one complete list.
 *
 * @param batchSize                requested mini-batch size; the run uses {@code min(batchSize, train size)}
 * @param numCandidates            C: trajectory samples per example, and new candidates per step (up to C + 1)
 * @param maxSteps                 S: optimization steps
 * @param maxDemos                 most demos a program may hold; 0 disables the demo strategy
 * @param temperatureForSampling   softmax temperature for picking the program of each trajectory sample
 * @param temperatureForCandidates softmax temperature for picking the source program of each new candidate
 * @param demoInputFieldMaxlen     longest demo field kept whole, in characters; 0 keeps every field whole
 * @param evaluationTemperature    judge temperature when evaluating candidates and finalists (the judge version's own
 *                                 inference temperature; 0 when it has none). Trajectory samples always use 1.0.
 */
public record SimbaParameters(int batchSize, int numCandidates, int maxSteps, int maxDemos,
                              double temperatureForSampling, double temperatureForCandidates,
                              int demoInputFieldMaxlen, double evaluationTemperature) {

    public static final List<ParameterSpec> SCHEMA = List.of(
            new ParameterSpec("batch_size", Type.INTEGER, 32L, 1L, 1000L,
                    "Examples per mini-batch; capped at the train size (DSPy bsize 32, MLflow uses 10)."),
            new ParameterSpec("num_candidates", Type.INTEGER, 6L, 1L, 32L,
                    "Trajectory samples per example, and new candidate programs per step (up to this + 1)."),
            new ParameterSpec("max_steps", Type.INTEGER, 8L, 1L, 100L,
                    "Optimization steps; each costs batch_size x (num_candidates + new candidates) judge calls."),
            new ParameterSpec("max_demos", Type.INTEGER, 4L, 0L, 32L,
                    "Most demos a judge may hold; older ones are dropped at random. 0 = rules only."),
            new ParameterSpec("temperature_for_sampling", Type.NUMBER, 0.2, 0.01, 10.0,
                    "Softmax temperature over mean scores when picking which program to sample; lower = greedier."),
            new ParameterSpec("temperature_for_candidates", Type.NUMBER, 0.2, 0.01, 10.0,
                    "Softmax temperature over mean scores when picking the program to improve; lower = greedier."),
            new ParameterSpec("demo_input_field_maxlen", Type.INTEGER, 100_000L, 0L, 10_000_000L,
                    "Longest demo field kept whole, in characters (0 = never cut)."),
            new ParameterSpec("evaluation_temperature", Type.NUMBER, 0.0, 0.0, 2.0,
                    "Judge temperature for scoring candidates (use the judge's own; samples always use 1.0)."),
            ParameterSpec.SEED,
            ParameterSpec.CONCURRENCY);

    public SimbaParameters {
        requireRange("batch_size", batchSize, 1, 1000);
        requireRange("num_candidates", numCandidates, 1, 32);
        requireRange("max_steps", maxSteps, 1, 100);
        requireRange("max_demos", maxDemos, 0, 32);
        requirePositive("temperature_for_sampling", temperatureForSampling);
        requirePositive("temperature_for_candidates", temperatureForCandidates);
        requireRange("demo_input_field_maxlen", demoInputFieldMaxlen, 0, 10_000_000);
        if (!(evaluationTemperature >= 0.0 && evaluationTemperature <= 2.0)) {
            throw new IllegalArgumentException("evaluation_temperature must be between 0 and 2, got " + evaluationTemperature);
        }
    }

    /** DSPy's defaults, except that the batch is later capped at the train size. */
    public static SimbaParameters defaults() {
        return from(Map.of());
    }

    /**
     * From the admin form's values (numbers or text); empty fields take their defaults, {@code seed} and
     * {@code concurrency} are accepted and ignored here (they belong to the context).
     *
     * @throws IllegalArgumentException for an unknown name or a value out of range, naming it
     */
    public static SimbaParameters from(Map<String, ?> raw) {
        Map<String, Number> v = ParameterSpec.resolve(SCHEMA, raw);
        return new SimbaParameters(v.get("batch_size").intValue(), v.get("num_candidates").intValue(),
                v.get("max_steps").intValue(), v.get("max_demos").intValue(),
                v.get("temperature_for_sampling").doubleValue(), v.get("temperature_for_candidates").doubleValue(),
                v.get("demo_input_field_maxlen").intValue(), v.get("evaluation_temperature").doubleValue());
    }

    /** The values as the form names them (without seed and concurrency), for recording on the run. */
    public Map<String, Number> asMap() {
        Map<String, Number> m = new HashMap<>();
        m.put("batch_size", batchSize);
        m.put("num_candidates", numCandidates);
        m.put("max_steps", maxSteps);
        m.put("max_demos", maxDemos);
        m.put("temperature_for_sampling", temperatureForSampling);
        m.put("temperature_for_candidates", temperatureForCandidates);
        m.put("demo_input_field_maxlen", demoInputFieldMaxlen);
        m.put("evaluation_temperature", evaluationTemperature);
        return m;
    }

    public SimbaParameters withBatchSize(int value) {
        return new SimbaParameters(value, numCandidates, maxSteps, maxDemos, temperatureForSampling,
                temperatureForCandidates, demoInputFieldMaxlen, evaluationTemperature);
    }

    public SimbaParameters withNumCandidates(int value) {
        return new SimbaParameters(batchSize, value, maxSteps, maxDemos, temperatureForSampling,
                temperatureForCandidates, demoInputFieldMaxlen, evaluationTemperature);
    }

    public SimbaParameters withMaxSteps(int value) {
        return new SimbaParameters(batchSize, numCandidates, value, maxDemos, temperatureForSampling,
                temperatureForCandidates, demoInputFieldMaxlen, evaluationTemperature);
    }

    public SimbaParameters withMaxDemos(int value) {
        return new SimbaParameters(batchSize, numCandidates, maxSteps, value, temperatureForSampling,
                temperatureForCandidates, demoInputFieldMaxlen, evaluationTemperature);
    }

    public SimbaParameters withEvaluationTemperature(double value) {
        return new SimbaParameters(batchSize, numCandidates, maxSteps, maxDemos, temperatureForSampling,
                temperatureForCandidates, demoInputFieldMaxlen, value);
    }

    /** B = min(batch_size, train size). */
    public int effectiveBatchSize(int trainSize) {
        return Math.min(batchSize, trainSize);
    }

    /** Most candidates one step can build: K ≤ min(B, C + 1) (one per bucket, stop at C + 1). */
    public int maxCandidatesPerStep(int trainSize) {
        return Math.min(effectiveBatchSize(trainSize), numCandidates + 1);
    }

    /** Judge-call upper bound: S·B·(C + min(B, C+1)) + (C+1)·N. Show it before the run starts. */
    public long maxJudgeCalls(int trainSize) {
        long b = effectiveBatchSize(trainSize);
        return (long) maxSteps * b * (numCandidates + maxCandidatesPerStep(trainSize))
                + (long) (numCandidates + 1) * trainSize;
    }

    /** Reflection-call upper bound: S·min(B, C+1). */
    public long maxReflectionCalls(int trainSize) {
        return (long) maxSteps * maxCandidatesPerStep(trainSize);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be greater than 0, got " + value);
        }
    }
}
