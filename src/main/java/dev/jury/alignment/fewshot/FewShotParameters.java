package dev.jury.alignment.fewshot;

import dev.jury.alignment.ParameterSpec;
import dev.jury.alignment.ParameterSpec.Type;

import java.util.List;
import java.util.Map;

/**
 * Few-shot's knobs.
 *
 * @param maxDemos              most new demos (one per failure cluster)
 * @param demoInputFieldMaxlen  longest demo field kept whole, in characters; 0 keeps every field whole
 * @param evaluationTemperature judge temperature (the judge version's own; 0 when it has none)
 */
public record FewShotParameters(int maxDemos, int demoInputFieldMaxlen, double evaluationTemperature) {

    public static final List<ParameterSpec> SCHEMA = List.of(
            new ParameterSpec("max_demos", Type.INTEGER, 5L, 1L, 32L,
                    "Most demos to add, one per failure cluster (human label, wrong judge value)."),
            new ParameterSpec("demo_input_field_maxlen", Type.INTEGER, 100_000L, 0L, 10_000_000L,
                    "Longest demo field kept whole, in characters (0 = never cut)."),
            new ParameterSpec("evaluation_temperature", Type.NUMBER, 0.0, 0.0, 2.0,
                    "Judge temperature (use the judge's own)."),
            ParameterSpec.SEED,
            ParameterSpec.CONCURRENCY);

    public FewShotParameters {
        if (maxDemos < 1 || maxDemos > 32) {
            throw new IllegalArgumentException("max_demos must be between 1 and 32, got " + maxDemos);
        }
        if (demoInputFieldMaxlen < 0) {
            throw new IllegalArgumentException("demo_input_field_maxlen must be at least 0, got " + demoInputFieldMaxlen);
        }
        if (!(evaluationTemperature >= 0.0 && evaluationTemperature <= 2.0)) {
            throw new IllegalArgumentException("evaluation_temperature must be between 0 and 2, got " + evaluationTemperature);
        }
    }

    public static FewShotParameters defaults() {
        return from(Map.of());
    }

    /** From the admin form's values; {@code seed} and {@code concurrency} are accepted and ignored here. */
    public static FewShotParameters from(Map<String, ?> raw) {
        Map<String, Number> v = ParameterSpec.resolve(SCHEMA, raw);
        return new FewShotParameters(v.get("max_demos").intValue(), v.get("demo_input_field_maxlen").intValue(),
                v.get("evaluation_temperature").doubleValue());
    }
}
