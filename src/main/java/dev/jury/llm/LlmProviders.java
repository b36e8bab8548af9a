package dev.jury.llm;

import dev.jury.llm.embedded.EmbeddedJudge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which providers are usable, for forms and validation elsewhere (a judge with an unconfigured provider is refused
 * with the key to set). Never exposes keys.
 */
@ApplicationScoped
public class LlmProviders {

    @Inject
    LlmConfig config;

    /** The model alignment uses for reflection when a run names none; unset by default. */
    @ConfigProperty(name = "jury.alignment.reflection-model")
    Optional<String> reflectionModel;

    /** Provider ids as written in model URIs: {@code openai}, {@code anthropic}, … */
    public List<String> providers() {
        return Provider.ids();
    }

    /** The providers that can be called here, in {@link #providers()} order (shown as a hint in forms). */
    public List<String> configuredProviders() {
        return providers().stream().filter(this::isConfigured).toList();
    }

    /**
     * The remote LLM providers that are configured: empty on a fresh install with no key, where only the offline
     * {@code embedded} judge can run.
     */
    public List<String> configuredLlmProviders() {
        return Provider.ids().stream().filter(id -> !Provider.byId(id).orElseThrow().isLocal())
                .filter(this::isConfigured).toList();
    }

    /** The offline judge's model URI: {@code embedded:/minilm-knn}. */
    public static final String EMBEDDED_MODEL_URI = "embedded:/" + EmbeddedJudge.MODEL;

    /** Whether {@code modelUri} names Jury's in-process offline judge ({@code embedded:/…}). */
    public static boolean isEmbedded(String modelUri) {
        return modelUri != null && modelUri.strip().startsWith(Provider.EMBEDDED.id + ":/");
    }

    /** The offline judge's model URI. */
    public static String embeddedModelUri() {
        return EMBEDDED_MODEL_URI;
    }

    public boolean isConfigured(String provider) {
        return missingConfiguration(provider).isEmpty();
    }

    /**
     * Why {@code provider} cannot be called yet, naming the config keys and environment variables to set; empty when
     * it is configured. An unknown provider is reported as such.
     */
    public Optional<String> missingConfiguration(String provider) {
        Optional<Provider> known = Provider.byId(provider);
        if (known.isEmpty()) {
            return Optional.of("Unknown model provider '" + LlmException.abbreviate(provider, 60)
                    + "'. Supported providers: " + String.join(", ", Provider.ids()) + ".");
        }
        Provider p = known.get();
        if (p.requirement == Provider.Requirement.NONE) {
            return Optional.empty();
        }
        LlmConfig.ProviderConfig settings = configOf(p);
        boolean hasKey = settings.apiKey().filter(k -> !k.isBlank()).isPresent();
        boolean hasUrl = settings.baseUrl().filter(u -> !u.isBlank()).isPresent();
        List<String> missing = new ArrayList<>();
        switch (p.requirement) {
            case KEY_OR_BASE_URL -> {
                if (!hasKey && !hasUrl) {
                    return Optional.of("The LLM provider '" + p.id + "' is not configured: set "
                            + p.setting("api-key") + ", or point " + p.setting("base-url")
                            + " at an OpenAI-compatible server.");
                }
            }
            case KEY -> {
                if (!hasKey) {
                    missing.add(p.setting("api-key"));
                }
            }
            case BASE_URL -> {
                if (!hasUrl) {
                    missing.add(p.setting("base-url") + exampleUrl(p));
                }
            }
            case BASE_URL_AND_KEY -> {
                if (!hasUrl) {
                    missing.add(p.setting("base-url") + exampleUrl(p));
                }
                if (!hasKey) {
                    missing.add(p.setting("api-key"));
                }
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("The LLM provider '" + p.id + "' is not configured: set " + String.join(" and ", missing)
                + ".");
    }

    /** The default reflection model URI ({@code jury.alignment.reflection-model}), if one is configured. */
    public Optional<String> defaultReflectionModel() {
        return reflectionModel.filter(m -> !m.isBlank()).map(String::strip);
    }

    LlmConfig.ProviderConfig configOf(Provider provider) {
        var providers = config.providers();
        return switch (provider) {
            case OPENAI -> providers.openai();
            case ANTHROPIC -> providers.anthropic();
            case OLLAMA -> providers.ollama();
            case DATABRICKS -> providers.databricks();
            case OPENAI_COMPATIBLE -> providers.openaiCompatible();
            case EMBEDDED -> throw new IllegalArgumentException("the embedded provider has no configuration");
        };
    }

    private static String exampleUrl(Provider provider) {
        return switch (provider) {
            case OLLAMA -> ", e.g. http://localhost:11434/v1";
            case DATABRICKS -> ", e.g. https://<workspace>.cloud.databricks.com/serving-endpoints";
            case OPENAI_COMPATIBLE -> ", e.g. http://127.0.0.1:8000/v1 for vLLM";
            default -> "";
        };
    }
}
