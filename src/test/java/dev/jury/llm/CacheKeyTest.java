package dev.jury.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CacheKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProviderModel MODEL = ProviderModel.parse("openai:/gpt-4.1-mini");
    private static final String ENDPOINT = "https://api.openai.com/v1";

    private static ChatRequest request(String user) {
        return ChatRequest.of("openai:/gpt-4.1-mini", List.of(ChatMessage.system("judge"), ChatMessage.user(user)))
                .withTemperature(0.0);
    }

    @Test
    void equalRequestsShareAKeyAndAnyDifferenceChangesIt() throws Exception {
        String key = CacheKey.of(ENDPOINT, MODEL, request("a"));
        assertEquals(64, key.length());
        assertEquals(key, CacheKey.of(ENDPOINT, MODEL, request("a")));
        assertNotEquals(key, CacheKey.of(ENDPOINT, MODEL, request("b")));
        assertNotEquals(key, CacheKey.of("http://127.0.0.1:8000/v1", MODEL, request("a")));
        assertNotEquals(key, CacheKey.of(ENDPOINT, ProviderModel.parse("openai:/gpt-4o"), request("a")));
        var withMax = new ChatRequest("openai:/gpt-4.1-mini", request("a").messages(), 0.0, 100, null, null, null);
        assertNotEquals(key, CacheKey.of(ENDPOINT, MODEL, withMax));
        var roles = ChatRequest.of("openai:/gpt-4.1-mini", List.of(ChatMessage.user("judge"), ChatMessage.user("a")))
                .withTemperature(0.0);
        assertNotEquals(key, CacheKey.of(ENDPOINT, MODEL, roles));
        var withSchema = request("a").withResponseSchema(JSON.readTree("{\"type\":\"object\"}"));
        assertNotEquals(key, CacheKey.of(ENDPOINT, MODEL, withSchema));
    }

    @Test
    void jobIdDoesNotMatterAndSchemaKeyOrderDoesNot() throws Exception {
        assertEquals(CacheKey.of(ENDPOINT, MODEL, request("a")),
                CacheKey.of(ENDPOINT, MODEL, request("a").withJobId(42L)));
        var one = request("a").withResponseSchema(JSON.readTree("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"enum\":[\"b\",\"a\"]}}}"));
        var two = request("a").withResponseSchema(JSON.readTree("{\"properties\":{\"x\":{\"enum\":[\"b\",\"a\"],\"type\":\"string\"}},\"type\":\"object\"}"));
        assertEquals(CacheKey.of(ENDPOINT, MODEL, one), CacheKey.of(ENDPOINT, MODEL, two));
        var reordered = request("a").withResponseSchema(JSON.readTree("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}}}"));
        assertNotEquals(CacheKey.of(ENDPOINT, MODEL, one), CacheKey.of(ENDPOINT, MODEL, reordered),
                "array order is meaningful");
    }

    @Test
    void modelUriIsParsedLikeMlflow() {
        assertEquals("gpt-4o", ProviderModel.parse(" openai://gpt-4o ").model());
        assertEquals(Provider.OPENAI_COMPATIBLE, ProviderModel.parse("openai-compatible:/my-vllm").provider());
        assertEquals("JURY_LLM_PROVIDERS_OPENAI_COMPATIBLE_BASE_URL", Provider.OPENAI_COMPATIBLE.envVar("base-url"));
    }
}
