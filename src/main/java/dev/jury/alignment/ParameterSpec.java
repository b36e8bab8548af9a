package dev.jury.alignment;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One optimizer parameter as the admin form shows it.
 *
 * @param name         snake_case name, as in DSPy/MLflow where they have one
 * @param type         integer or number
 * @param defaultValue used when the form leaves the field empty
 * @param min          smallest allowed value (inclusive)
 * @param max          largest allowed value (inclusive)
 * @param help         one sentence for the form
 */
public record ParameterSpec(String name, Type type, Number defaultValue, Number min, Number max, String help) {

    public enum Type {
        INTEGER, NUMBER;

        /** The JSON-schema style name ({@code integer}, {@code number}). */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The run's seed; carried by {@link AlignmentContext#seed()}, listed here so the form shows it. */
    public static final ParameterSpec SEED = new ParameterSpec("seed", Type.INTEGER, 42L, 0L, Long.MAX_VALUE,
            "Random seed; the same seed with the same labels and a deterministic model reproduces the run (0 is valid).");

    /** Parallel LLM calls; carried by {@link AlignmentContext#maxParallelism()}, listed here so the form shows it. */
    public static final ParameterSpec CONCURRENCY = new ParameterSpec("concurrency", Type.INTEGER, 8L, 1L, 64L,
            "Most judge calls in flight at once (the provider's own limit still applies).");

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /**
     * The value for this parameter: the default when {@code raw} is null or blank, else the parsed number, which must
     * lie in [min, max] (and be whole for an integer).
     *
     * @return a {@link Long} for an integer, a {@link Double} for a number
     * @throws IllegalArgumentException naming the parameter and its allowed range
     */
    public Number parse(Object raw) {
        if (raw == null || raw instanceof String s && s.isBlank()) {
            return defaultValue;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(raw.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be " + (type == Type.INTEGER ? "an integer" : "a number")
                    + ", got '" + raw + "'");
        }
        if (value.compareTo(new BigDecimal(min.toString())) < 0 || value.compareTo(new BigDecimal(max.toString())) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + raw);
        }
        if (type == Type.INTEGER) {
            if (value.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException(name + " must be an integer, got " + raw);
            }
            return value.longValueExact();
        }
        return value.doubleValue();
    }

    /**
     * Resolves raw form values against a schema: every parameter of the schema gets a value, unknown names are refused.
     */
    public static Map<String, Number> resolve(List<ParameterSpec> schema, Map<String, ?> raw) {
        Map<String, ParameterSpec> byName = schema.stream()
                .collect(Collectors.toMap(ParameterSpec::name, p -> p, (a, b) -> a, LinkedHashMap::new));
        for (String given : raw.keySet()) {
            if (!byName.containsKey(given)) {
                throw new IllegalArgumentException("unknown parameter '" + given + "'; allowed: "
                        + String.join(", ", byName.keySet()));
            }
        }
        Map<String, Number> values = new LinkedHashMap<>();
        for (ParameterSpec spec : schema) {
            values.put(spec.name(), spec.parse(raw.get(spec.name())));
        }
        return values;
    }
}
