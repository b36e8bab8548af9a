package dev.jury.llm;

/**
 * A model URI {@code provider:/model} split into its parts, with the same syntax as {@code judges.ModelUri}
 * (MLflow's). Parsed again here because {@code judges} depends on {@code llm}, never the other way round.
 */
record ProviderModel(Provider provider, String model) {

    static ProviderModel parse(String uri) {
        String text = uri == null ? "" : uri.strip();
        int separator = text.indexOf(":/");
        String model = separator <= 0 ? "" : text.substring(separator + 2).replaceFirst("^/+", "");
        if (separator <= 0 || model.isBlank()) {
            throw new LlmException(LlmException.Kind.BAD_REQUEST, null, 0, "'" + LlmException.abbreviate(text, 120)
                    + "' is a malformed model URI. The URI must be in the format of <provider>:/<model-name>, "
                    + "e.g. 'openai:/gpt-4.1-mini'.");
        }
        String providerId = text.substring(0, separator);
        Provider provider = Provider.byId(providerId).orElseThrow(() -> new LlmException(
                LlmException.Kind.UNKNOWN_PROVIDER, null, 0, "Unknown model provider '"
                + LlmException.abbreviate(providerId, 60) + "' in '" + LlmException.abbreviate(text, 120)
                + "'. Supported providers: " + String.join(", ", Provider.ids()) + "."));
        return new ProviderModel(provider, model);
    }

    @Override
    public String toString() {
        return provider.id + ":/" + model;
    }
}
