package dev.jury.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One attempt through LangChain4j and Jury's HTTP client, per wire protocol: what goes out and how answers and
 * failures are read. Plain JUnit with its own WireMock (no application), so Anthropic's protocol is covered too.
 */
class ProviderClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer wireMock;

    @BeforeAll
    static void start() {
        wireMock = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stop() {
        wireMock.stop();
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
    }

    private static LlmConfig.ProviderConfig settings(String baseUrl, String key) {
        return new LlmConfig.ProviderConfig() {
            public Optional<String> baseUrl() {
                return Optional.of(baseUrl);
            }

            public Optional<String> apiKey() {
                return Optional.ofNullable(key);
            }

            public Duration timeout() {
                return Duration.ofSeconds(5);
            }

            public int maxConcurrency() {
                return 2;
            }

            public int maxRetries() {
                return 0;
            }
        };
    }

    private static ProviderClient client(Provider provider, String baseUrl, String key) {
        return new ProviderClient(provider, settings(baseUrl, key),
                new CircuitBreaker(10, Duration.ofSeconds(30), System::nanoTime));
    }

    private static ChatRequest request(String model) {
        return new ChatRequest(model, List.of(ChatMessage.system("Be a judge."), ChatMessage.user("Rate this.")),
                0.0, 64, null, null, null);
    }

    @Test
    void anthropicMessagesApi() throws Exception {
        wireMock.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200).withBody("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"{\\"result\\":\\"good\\"}"}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":31,"output_tokens":7}}""")));
        var anthropic = client(Provider.ANTHROPIC, "http://127.0.0.1:" + wireMock.port() + "/v1/", "sk-ant-test-key");

        ProviderClient.Reply reply = anthropic.attempt("claude-sonnet-4-5", request("anthropic:/claude-sonnet-4-5"),
                false);

        assertEquals(new ProviderClient.Reply("{\"result\":\"good\"}", 31, 7), reply);
        wireMock.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo("sk-ant-test-key"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("Authorization", absent())
                .withRequestBody(matchingJsonPath("$.model", equalTo("claude-sonnet-4-5")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("64")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user"))));
        String body = wireMock.getAllServeEvents().get(0).getRequest().getBodyAsString();
        assertTrue(body.contains("Be a judge."), "the system message travels in Anthropic's system field: " + body);
    }

    @Test
    void anthropicOverloadedIsAServerErrorWithItsRetryAfter() {
        wireMock.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(529).withHeader("retry-after", "7")
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        var anthropic = client(Provider.ANTHROPIC, "http://127.0.0.1:" + wireMock.port() + "/v1", "sk-ant-test-key");

        var failure = assertThrows(ProviderClient.AttemptFailure.class,
                () -> anthropic.attempt("claude", request("anthropic:/claude"), false));

        assertEquals(LlmException.Kind.SERVER_ERROR, failure.kind);
        assertEquals(529, failure.status);
        assertEquals(Optional.of(Duration.ofSeconds(7)), failure.retryAfter);
        assertEquals("HTTP 529: Overloaded", failure.getMessage());
    }

    @Test
    void openAiCompatibleSendsMaxTokensAndTheSchemaAsStrictJsonSchema() throws Exception {
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("ok", 4, 1))));
        var vllm = client(Provider.OPENAI_COMPATIBLE, "http://127.0.0.1:" + wireMock.port() + "/v1", null);
        var schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"string\"}},"
                + "\"required\":[\"result\"],\"additionalProperties\":false}");

        vllm.attempt("Qwen/Qwen2.5-7B-Instruct", request("openai-compatible:/x").withResponseSchema(schema), true);

        wireMock.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", absent())
                .withRequestBody(matchingJsonPath("$.model", equalTo("Qwen/Qwen2.5-7B-Instruct")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("64")))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.0")))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.name", equalTo("jury_response")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.strict", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema.required[0]",
                        equalTo("result"))));
    }

    @Test
    void htmlFromAProxyIsMalformedAndConnectionRefusedIsAServerError() {
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Sign in to the proxy</body></html>")));
        var proxied = client(Provider.OPENAI_COMPATIBLE, "http://127.0.0.1:" + wireMock.port() + "/v1", null);
        var malformed = assertThrows(ProviderClient.AttemptFailure.class,
                () -> proxied.attempt("m", request("openai-compatible:/m"), false));
        assertEquals(LlmException.Kind.MALFORMED_RESPONSE, malformed.kind);

        var nobody = client(Provider.OLLAMA, "http://127.0.0.1:1/v1", null);
        var refused = assertThrows(ProviderClient.AttemptFailure.class,
                () -> nobody.attempt("llama3.1", request("ollama:/llama3.1"), false));
        assertEquals(LlmException.Kind.SERVER_ERROR, refused.kind);
        assertTrue(refused.getMessage().contains("http://127.0.0.1:1/v1"), refused.getMessage());
    }

    @Test
    void providerTextIsRedacted() {
        var openai = client(Provider.OPENAI, "http://127.0.0.1:" + wireMock.port() + "/v1", "sk-proj-abcdef123456");
        String said = openai.providerMessage("{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abcdef123456."
                + " Header was Bearer sk-other-zyxwvu987654\"}}");
        assertFalse(said.contains("abcdef123456"), said);
        assertFalse(said.contains("zyxwvu987654"), said);
        assertTrue(said.startsWith("Incorrect API key provided: [redacted]."), said);
        assertEquals("plain text body", openai.providerMessage("  plain\n text   body "));
    }
}
