package dev.jury.alignment.live;

import dev.jury.judges.JudgeVersion;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the built-in optimizer beans share. */
public final class Plugins {

    public static final String EVALUATION_TEMPERATURE = "evaluation_temperature";

    private Plugins() {
    }

    /**
     * The raw parameters with {@code evaluation_temperature} defaulting to the judge version's own temperature (0
     * when it has none), as the parameter's help says: candidates are scored the way the judge will answer.
     */
    public static Map<String, Object> withEvaluationTemperature(Map<String, Object> raw, JudgeVersion base) {
        Map<String, Object> params = new LinkedHashMap<>(raw);
        Object given = params.get(EVALUATION_TEMPERATURE);
        if (given == null || given instanceof String s && s.isBlank()) {
            params.put(EVALUATION_TEMPERATURE, evaluationTemperature(base));
        }
        return params;
    }

    /** The judge version's own temperature, 0 when it sets none. */
    public static double evaluationTemperature(JudgeVersion base) {
        var t = base.params().temperature();
        return t == null ? 0.0 : Math.min(2.0, Math.max(0.0, t.doubleValue()));
    }
}
