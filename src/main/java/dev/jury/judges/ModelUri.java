package dev.jury.judges;

import dev.jury.llm.LlmProviders;

import java.util.List;
import java.util.Optional;

/**
 * Which model a judge calls, written as MLflow writes it: {@code provider:/model}, e.g. {@code openai:/gpt-4.1-mini}.
 * Parsing follows MLflow's {@code _parse_model_uri} ({@code mlflow/metrics/genai/model_utils.py}): split at the first
 * {@code :/}, provider and model both non-empty, leading slashes of the model dropped (so {@code openai://gpt-4o} is
 * {@code gpt-4o}). Whether the provider is configured is checked by the {@code llm} package, not here.
 *
 * @param provider one of {@link #PROVIDERS}
 * @param model    the provider's model or endpoint name, e.g. {@code gpt-4.1-mini}, {@code llama3.1:8b}
 */
public record ModelUri(String provider, String model) {

    /**
     * The providers Jury can call; {@code openai-compatible} is any OpenAI-compatible base URL (vLLM, LiteLLM, …).
     * Each is configured under {@code jury.llm.providers.<provider>}.
     */
    public static final List<String> PROVIDERS = List.of("openai", "anthropic", "ollama", "databricks",
            "openai-compatible", "embedded");

    /** Jury's in-process offline judge: the {@code embedded} provider's only model (docs/llm.md). */
    public static final String EMBEDDED = LlmProviders.EMBEDDED_MODEL_URI;

    public static final String EXAMPLE = "openai:/gpt-4.1-mini";

    public ModelUri {
        if (provider == null || !PROVIDERS.contains(provider)) {
            throw new InvalidModelUriException(unknownProviderMessage(provider + ":/" + model, provider));
        }
        if (model == null || model.isBlank()) {
            throw new InvalidModelUriException(malformedMessage(provider + ":/"));
        }
    }

    /**
     * @param uri e.g. {@code anthropic:/claude-sonnet-4-5}; surrounding whitespace is ignored
     * @throws InvalidModelUriException when the URI is malformed or the provider is not supported
     */
    public static ModelUri parse(String uri) {
        String text = uri == null ? "" : uri.strip();
        int separator = text.indexOf(":/");
        if (separator <= 0) {
            throw new InvalidModelUriException(malformedMessage(text));
        }
        String provider = text.substring(0, separator);
        String model = text.substring(separator + 2).replaceFirst("^/+", "");
        if (model.isBlank()) {
            throw new InvalidModelUriException(malformedMessage(text));
        }
        if (!PROVIDERS.contains(provider)) {
            throw new InvalidModelUriException(unknownProviderMessage(text, provider));
        }
        if (provider.equals("embedded") && !EMBEDDED.equals(provider + ":/" + model)) {
            throw new InvalidModelUriException("'" + text + "' names no offline model. The embedded provider has one "
                    + "model: '" + EMBEDDED + "'.");
        }
        return new ModelUri(provider, model);
    }

    /** Why {@code uri} is refused, or empty when it parses (for inline form errors). */
    public static Optional<String> validate(String uri) {
        try {
            parse(uri);
            return Optional.empty();
        } catch (InvalidModelUriException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The URI as stored and shown: {@code provider:/model}. */
    @Override
    public String toString() {
        return provider + ":/" + model;
    }

    /**
     * MLflow: "Malformed model uri '{uri}'. The URI must be in the format of &lt;provider&gt;:/&lt;model-name&gt;, e.g.,
     * 'openai:/gpt-4.1-mini'." Jury's wording keeps the phrase "malformed model URI" that its own docs use.
     */
    private static String malformedMessage(String uri) {
        return "'" + uri + "' is a malformed model URI. The URI must be in the format of <provider>:/<model-name>, "
                + "e.g. '" + EXAMPLE + "'.";
    }

    /** MLflow: "Unknown model uri prefix '{prefix}'"; Jury also lists what is supported. */
    private static String unknownProviderMessage(String uri, String provider) {
        return "Unknown model provider '" + provider + "' in '" + uri + "'. Supported providers: "
                + String.join(", ", PROVIDERS) + ".";
    }
}
