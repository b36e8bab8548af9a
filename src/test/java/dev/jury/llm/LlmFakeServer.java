package dev.jury.llm;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The only fake in the suite: an OpenAI-compatible endpoint (WireMock on a random loopback port) that the test
 * profile's providers point at. Anthropic stays unconfigured so the NOT_CONFIGURED path is real.
 * <ul>
 *   <li>{@code openai-compatible}: most tests; max 3 calls in flight (concurrency test)</li>
 *   <li>{@code openai}: the key-leak test (a base URL override, as {@code JURY_LLM_PROVIDERS_OPENAI_BASE_URL} does)</li>
 *   <li>{@code ollama}: the timeout test (300 ms timeout, 2 retries)</li>
 *   <li>{@code databricks}: the circuit-breaker test, alone so that its failures do not add up with others'</li>
 * </ul>
 */
public class LlmFakeServer implements QuarkusTestResourceLifecycleManager {

    static final String COMPATIBLE_KEY = "sk-jury-compatible-7f3a9c2e51";
    static final String OPENAI_KEY = "sk-jury-openai-SECRET-c0ffee1234";
    static final String DATABRICKS_KEY = "dapi-jury-test-0badc0de99";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(40)
                .globalTemplating(false));
        server.start();
        String v1 = "http://127.0.0.1:" + server.port() + "/v1";
        return Map.ofEntries(
                Map.entry("jury.llm.providers.openai-compatible.base-url", v1),
                Map.entry("jury.llm.providers.openai-compatible.api-key", COMPATIBLE_KEY),
                Map.entry("jury.llm.providers.openai-compatible.max-concurrency", "3"),
                Map.entry("jury.llm.providers.openai.base-url", v1),
                Map.entry("jury.llm.providers.openai.api-key", OPENAI_KEY),
                Map.entry("jury.llm.providers.openai.max-retries", "1"),
                Map.entry("jury.llm.providers.ollama.base-url", v1),
                Map.entry("jury.llm.providers.ollama.timeout", "300ms"),
                Map.entry("jury.llm.providers.ollama.max-retries", "2"),
                Map.entry("jury.llm.providers.databricks.base-url", v1),
                Map.entry("jury.llm.providers.databricks.api-key", DATABRICKS_KEY));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectLlmFake.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * An OpenAI chat-completion body whose assistant message is {@code content} (20 prompt and 5 completion
     * tokens), the answer every judge-facing test stubs.
     */
    public static String completion(String content) {
        return """
                {"id":"c1","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}"""
                .formatted(com.fasterxml.jackson.databind.node.TextNode.valueOf(content).toString());
    }
}
