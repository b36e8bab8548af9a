package dev.jury.judges;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelUriTest {

    @ParameterizedTest
    @CsvSource({
            "openai:/gpt-4.1-mini, openai, gpt-4.1-mini",
            "anthropic:/claude-sonnet-4-5, anthropic, claude-sonnet-4-5",
            "ollama:/llama3.1:8b, ollama, llama3.1:8b",
            "databricks:/my-endpoint, databricks, my-endpoint",
            "openai-compatible:/Qwen/Qwen2.5-7B-Instruct, openai-compatible, Qwen/Qwen2.5-7B-Instruct",
    })
    void parsesEachProvider(String uri, String provider, String model) {
        ModelUri parsed = ModelUri.parse(uri);
        assertEquals(new ModelUri(provider, model), parsed);
        assertEquals(uri, parsed.toString());
    }

    @Test
    void dropsLeadingSlashesOfTheModelAndSurroundingSpaceAsMlflowDoes() {
        assertEquals(new ModelUri("openai", "gpt-4o"), ModelUri.parse(" openai://gpt-4o "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o", "openai/gpt-4o", "openai:gpt-4o", ":/gpt-4o", "databricks"})
    void refusesAUriWithoutProviderOrSeparator(String uri) {
        InvalidModelUriException e = assertThrows(InvalidModelUriException.class, () -> ModelUri.parse(uri));
        assertEquals("'" + uri + "' is a malformed model URI. The URI must be in the format of "
                + "<provider>:/<model-name>, e.g. 'openai:/gpt-4.1-mini'.", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai:/", "openai://", "openai:/   "})
    void refusesAnEmptyModel(String uri) {
        InvalidModelUriException e = assertThrows(InvalidModelUriException.class, () -> ModelUri.parse(uri));
        assertEquals("'" + uri.strip() + "' is a malformed model URI. The URI must be in the format of "
                + "<provider>:/<model-name>, e.g. 'openai:/gpt-4.1-mini'.", e.getMessage());
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNothing(String uri) {
        assertEquals(Optional.of("'' is a malformed model URI. The URI must be in the format of "
                + "<provider>:/<model-name>, e.g. 'openai:/gpt-4.1-mini'."), ModelUri.validate(uri));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bedrock:/claude-v1", "OpenAI:/gpt-4o", "endpoints:/my-endpoint"})
    void refusesAnUnknownProviderListingTheSupportedOnes(String uri) {
        InvalidModelUriException e = assertThrows(InvalidModelUriException.class, () -> ModelUri.parse(uri));
        String provider = uri.substring(0, uri.indexOf(":/"));
        assertEquals("Unknown model provider '" + provider + "' in '" + uri + "'. Supported providers: openai, "
                + "anthropic, ollama, databricks, openai-compatible, embedded.", e.getMessage());
    }

    @Test
    void constructorKeepsTheSameRules() {
        assertThrows(InvalidModelUriException.class, () -> new ModelUri("bedrock", "x"));
        assertThrows(InvalidModelUriException.class, () -> new ModelUri(null, "x"));
        assertThrows(InvalidModelUriException.class, () -> new ModelUri("openai", " "));
    }

    @Test
    void validateReturnsEmptyForAGoodUri() {
        assertEquals(Optional.empty(), ModelUri.validate("ollama:/llama3.1"));
    }
}
