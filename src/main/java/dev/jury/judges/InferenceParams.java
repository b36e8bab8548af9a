package dev.jury.judges;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optional sampling settings a judge version keeps with its model (MLflow's {@code inference_params}). Only
 * three are accepted, because they mean the same thing for every provider Jury calls; anything else is refused, so a
 * typo cannot silently do nothing.
 *
 * @param temperature 0 to 2, or {@code null} for the provider's default
 * @param maxTokens   more than 0, or {@code null}
 * @param topP        0 to 1, or {@code null}
 */
public record InferenceParams(BigDecimal temperature, Integer maxTokens, BigDecimal topP) {

    public static final String TEMPERATURE = "temperature";
    public static final String MAX_TOKENS = "max_tokens";
    public static final String TOP_P = "top_p";
    public static final List<String> ALLOWED = List.of(TEMPERATURE, MAX_TOKENS, TOP_P);

    /** The field every error is reported under; single parameters add {@code .name}. */
    public static final String FIELD = "inference_params";

    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    public static InferenceParams none() {
        return new InferenceParams(null, null, null);
    }

    /**
     * Reads parameters given as JSON numbers or as text (a form field); {@code null} and blank values mean "not set".
     *
     * @throws InvalidInferenceParamsException listing every problem, keyed {@code inference_params.<name>} (or
     *                                         {@code inference_params} for an unknown name)
     */
    public static InferenceParams parse(Map<String, ?> raw) {
        Map<String, String> errors = new LinkedHashMap<>();
        BigDecimal temperature = null;
        Integer maxTokens = null;
        BigDecimal topP = null;
        for (var entry : (raw == null ? Map.<String, Object>of() : raw).entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (!ALLOWED.contains(name)) {
                errors.putIfAbsent(FIELD, "Unknown inference parameter '" + name + "'; the allowed ones are "
                        + String.join(", ", ALLOWED) + ".");
                continue;
            }
            if (value == null || (value instanceof String s && s.isBlank())) {
                continue;
            }
            BigDecimal n = number(value);
            String field = FIELD + "." + name;
            switch (name) {
                case TEMPERATURE -> {
                    if (n == null || n.signum() < 0 || n.compareTo(TWO) > 0) {
                        errors.put(field, "temperature must be a number from 0 to 2; got " + shown(value) + ".");
                    } else {
                        temperature = n;
                    }
                }
                case MAX_TOKENS -> {
                    if (n == null || n.signum() <= 0 || n.stripTrailingZeros().scale() > 0
                            || n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                        errors.put(field, "max_tokens must be a whole number greater than 0; got " + shown(value)
                                + ".");
                    } else {
                        maxTokens = n.intValueExact();
                    }
                }
                default -> {
                    if (n == null || n.signum() < 0 || n.compareTo(BigDecimal.ONE) > 0) {
                        errors.put(field, "top_p must be a number from 0 to 1; got " + shown(value) + ".");
                    } else {
                        topP = n;
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInferenceParamsException(errors);
        }
        return new InferenceParams(temperature, maxTokens, topP);
    }

    /** Only the parameters that are set, in the documented order: what is stored and returned by the API. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (temperature != null) {
            map.put(TEMPERATURE, temperature);
        }
        if (maxTokens != null) {
            map.put(MAX_TOKENS, maxTokens);
        }
        if (topP != null) {
            map.put(TOP_P, topP);
        }
        return map;
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
        }
        if (value instanceof String s) {
            try {
                return new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String shown(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
