package dev.jury.judges;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a judge's model can be called here: its provider must be configured. A provider counts as configured when
 * {@code jury.llm.providers.<provider>.base-url} or {@code .api-key} is set (in application.properties, as a system
 * property, or as the environment variable {@code JURY_LLM_PROVIDERS_<PROVIDER>_BASE_URL} / {@code …_API_KEY});
 * {@code openai-compatible} has no default endpoint, so only its base URL counts. The {@code llm} package owns these
 * keys; this check stays here, behind one small bean, so the judge definition does not depend on the LLM client.
 */
@ApplicationScoped
public class ModelAvailability {

    static final String PREFIX = "jury.llm.providers.";

    @Inject
    Config config;

    /** Why {@code model} cannot be used here, naming the key(s) to set; empty when its provider is configured. */
    public Optional<String> problem(ModelUri model) {
        List<String> keys = keysFor(model.provider());
        if (keys.stream().anyMatch(this::isSet)) {
            return Optional.empty();
        }
        String settings = String.join(" or ", keys);
        String variables = String.join(" or ", keys.stream().map(ModelAvailability::environmentVariable).toList());
        return Optional.of("The model provider '" + model.provider() + "' of '" + model + "' is not configured: set "
                + settings + " (environment variable " + variables + ").");
    }

    /** The providers that are configured here, in {@link ModelUri#PROVIDERS} order (shown as a hint in forms). */
    public List<String> configuredProviders() {
        return ModelUri.PROVIDERS.stream().filter(p -> keysFor(p).stream().anyMatch(this::isSet)).toList();
    }

    /** The keys that configure {@code provider}, any one of which is enough. */
    public static List<String> keysFor(String provider) {
        String base = PREFIX + provider + ".";
        if (provider.equals("openai-compatible")) {
            return List.of(base + "base-url");
        }
        return List.of(base + "base-url", base + "api-key");
    }

    /** {@code jury.llm.providers.openai-compatible.base-url} → {@code JURY_LLM_PROVIDERS_OPENAI_COMPATIBLE_BASE_URL}. */
    static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private boolean isSet(String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
    }
}
