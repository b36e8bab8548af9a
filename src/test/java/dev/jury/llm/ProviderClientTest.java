package dev.jury.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        wireMock = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .dynamicHttpsPort());
        wireMock.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        wireMock.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
    }

    private static LlmConfig.ProviderConfig settings(String baseUrl, String key) {
        return settings(baseUrl, key, Duration.ofSeconds(5));
    }

    private static LlmConfig.ProviderConfig settings(String baseUrl, String key, Duration timeout) {
        return new LlmConfig.ProviderConfig() {
            public Optional<String> baseUrl() {
                return Optional.of(baseUrl);
            }

            public Optional<String> apiKey() {
                return Optional.ofNullable(key);
            }

            public Duration timeout() {
                return timeout;
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
        return client(provider, settings(baseUrl, key));
    }

    private static ProviderClient client(Provider provider, LlmConfig.ProviderConfig settings) {
        return new ProviderClient(provider, settings, new CircuitBreaker(10, Duration.ofSeconds(30), System::nanoTime),
                vertx);
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

    @Test
    void anAnswerTooLateIsATimeoutAndFreesItsConnection() throws Exception {
        // The body trickles in (a chunk every 100 ms for 5 s), so the connection is never idle for the 300 ms
        // timeout and only the attempt's own deadline ends the wait. maxConcurrency is 2, so the pool has two
        // connections: if a timed-out exchange kept its connection, the third call would wait for the trickle.
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("late", 4, 1)).withChunkedDribbleDelay(50, 5_000)));
        var slow = client(Provider.OPENAI_COMPATIBLE,
                settings("http://127.0.0.1:" + wireMock.port() + "/v1", null, Duration.ofMillis(300)));

        for (int i = 0; i < 2; i++) {
            var late = assertThrows(ProviderClient.AttemptFailure.class,
                    () -> slow.attempt("m", request("openai-compatible:/m"), false));
            assertEquals(LlmException.Kind.TIMEOUT, late.kind);
            assertEquals("no answer within 300 ms", late.getMessage());
        }
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("now", 4, 1))));
        assertEquals("now", slow.attempt("m", request("openai-compatible:/m"), false).text(),
                "answered on a fresh connection, not after the abandoned ones' trickle");
    }

    @Test
    void aCertificateThatProvesNothingIsRefused() {
        // WireMock's HTTPS port presents a self-signed certificate, not issued for localhost: the call must not go
        // through (it does with the client's TLS checks switched off — tried).
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("ok", 4, 1))));
        var untrusted = client(Provider.OPENAI_COMPATIBLE, "https://localhost:" + wireMock.httpsPort() + "/v1", "sk-x");

        var refused = assertThrows(ProviderClient.AttemptFailure.class,
                () -> untrusted.attempt("m", request("openai-compatible:/m"), false));

        assertEquals(LlmException.Kind.SERVER_ERROR, refused.kind, refused.getMessage());
        assertTrue(refused.getMessage().startsWith("the connection to https://localhost:"), refused.getMessage());
        assertEquals(0, wireMock.getAllServeEvents().size(), "nothing reached the server: " + refused.getMessage());
    }

    @Test
    void aProviderCallOnAnEventLoopIsRefusedInsteadOfWaitingForever() throws Exception {
        var vllm = client(Provider.OPENAI_COMPATIBLE, "http://127.0.0.1:" + wireMock.port() + "/v1", null);
        var outcome = new CompletableFuture<Throwable>();
        vertx.runOnContext(ignored -> {
            try {
                vllm.attempt("m", request("openai-compatible:/m"), false);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(thrown instanceof IllegalStateException, String.valueOf(thrown));
        assertEquals(0, wireMock.getAllServeEvents().size(), "nothing was sent");
    }

    @Test
    void aCallFromAWorkerContextIsAnswered() throws Exception {
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("ok", 4, 1))));
        var vllm = client(Provider.OPENAI_COMPATIBLE, "http://127.0.0.1:" + wireMock.port() + "/v1", null);
        String text = vertx.executeBlocking(() -> vllm.attempt("m", request("openai-compatible:/m"), false).text())
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("ok", text);
    }

    @Test
    void aMegabytePromptAndAnOddCharacterGoThrough() throws Exception {
        wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(LlmClientTest.completion("ok", 4, 1))));
        var vllm = client(Provider.OPENAI_COMPATIBLE, "http://127.0.0.1:" + wireMock.port() + "/v1", null);
        var big = new ChatRequest("openai-compatible:/m", List.of(ChatMessage.system("Be a judge."),
                ChatMessage.user("x".repeat(1024 * 1024 + 1) + "a\ud800b\u0000")), 0.0, 64, null, null, null);
        for (int i = 0; i < 12; i++) { // more than the pool's connections
            assertEquals("ok", vllm.attempt("m", big, false).text());
        }
    }
}
