package dev.jury.llm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The LLM providers Jury can call, as written before {@code :/} in a model URI. All remote ones but Anthropic speak
 * the OpenAI-compatible chat-completions API through a base URL (Ollama, Databricks serving endpoints, vLLM, LM
 * Studio…); {@code embedded} is Jury's in-process offline judge.
 */
enum Provider {
    OPENAI("openai", "https://api.openai.com/v1", Requirement.KEY_OR_BASE_URL),
    ANTHROPIC("anthropic", "https://api.anthropic.com/v1/", Requirement.KEY),
    OLLAMA("ollama", null, Requirement.BASE_URL),
    DATABRICKS("databricks", null, Requirement.BASE_URL_AND_KEY),
    OPENAI_COMPATIBLE("openai-compatible", null, Requirement.BASE_URL),
    /** Jury's offline judge, in-process: nothing to configure, no network (llm.embedded.EmbeddedJudge). */
    EMBEDDED("embedded", null, Requirement.NONE);

    /** What must be set before the provider counts as configured. */
    enum Requirement {
        /** A key for the default endpoint, or a base URL of a (keyless) compatible server. */
        KEY_OR_BASE_URL,
        KEY,
        BASE_URL,
        BASE_URL_AND_KEY,
        /** Runs in-process: always available. */
        NONE
    }

    final String id;
    final String defaultBaseUrl;
    final Requirement requirement;

    Provider(String id, String defaultBaseUrl, Requirement requirement) {
        this.id = id;
        this.defaultBaseUrl = defaultBaseUrl;
        this.requirement = requirement;
    }

    static Optional<Provider> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(p -> p.id).toList();
    }

    /** Whether the wire protocol is OpenAI's chat completions (everything remote but Anthropic). */
    boolean speaksOpenAi() {
        return this != ANTHROPIC && this != EMBEDDED;
    }

    /** Whether calls are answered in-process, with no provider behind them. */
    boolean isLocal() {
        return this == EMBEDDED;
    }

    /** {@code jury.llm.providers.openai-compatible.api-key} for {@code property = "api-key"}. */
    String configKey(String property) {
        return "jury.llm.providers." + id + "." + property;
    }

    /** {@code JURY_LLM_PROVIDERS_OPENAI_COMPATIBLE_API_KEY} for {@code property = "api-key"}. */
    String envVar(String property) {
        return configKey(property).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** "jury.llm.providers.x.api-key (environment variable JURY_LLM_PROVIDERS_X_API_KEY)". */
    String setting(String property) {
        return configKey(property) + " (environment variable " + envVar(property) + ")";
    }
}
