package dev.jury.judges;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Inference parameters that cannot be used; {@link #errors()} maps each field to a message shown as is. */
public class InvalidInferenceParamsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> errors;

    public InvalidInferenceParamsException(Map<String, String> errors) {
        super(String.join(" ", errors.values()));
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** Field ({@code inference_params.temperature}, or {@code inference_params} for an unknown name) → message. */
    public Map<String, String> errors() {
        return errors;
    }
}
