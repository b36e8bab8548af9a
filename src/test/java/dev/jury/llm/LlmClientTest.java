package dev.jury.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LlmClient against a WireMock OpenAI-compatible fake: retries, limits, circuit, cache, accounting, secrecy. */
@QuarkusTest
@QuarkusTestResource(LlmFakeServer.class)
class LlmClientTest {

    private static final String COMPLETIONS = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectLlmFake
    WireMockServer wireMock;

    @Inject
    LlmClient llm;

    @Inject
    LlmProviders providers;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void resetFake() {
        wireMock.resetAll();
    }

    /**
     * The fake is shared by every test in the JVM and these stubs answer any model: leaving them behind made the
     * next test class's judge get "no choices" answers.
     */
    @AfterEach
    void leaveNoStubsBehind() {
        wireMock.resetAll();
    }

    static String completion(String text, int promptTokens, int completionTokens) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"test-model",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(quote(text), promptTokens, completionTokens, promptTokens + completionTokens);
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void answer(String text) {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(completion(text, 12, 3))));
    }

    private static ChatRequest request(String model, String userText) {
        return ChatRequest.of(model, List.of(ChatMessage.system("You are a judge."), ChatMessage.user(userText)));
    }

    private static String unique() {
        return UUID.randomUUID().toString();
    }

    // ---- success and accounting -------------------------------------------------------------------------------

    @Test
    void answersWithTokenCountsAndRecordsTheCall() {
        answer("hello");
        long jobId = 900_000 + (long) (Math.random() * 99_999);

        ChatResponse response = llm.chat(request("openai-compatible:/test-model", "hi " + unique())
                .withJobId(jobId).withTemperature(0.3));

        assertEquals("hello", response.text());
        assertEquals(12, response.inputTokens());
        assertEquals(3, response.outputTokens());
        assertEquals(1, response.attempts());
        assertFalse(response.cached());
        wireMock.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS))
                .withHeader("Authorization", equalTo("Bearer " + LlmFakeServer.COMPATIBLE_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("test-model")))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.3")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("user"))));

        LlmCall.Usage usage = llm.usageForJob(jobId);
        assertEquals(new LlmCall.Usage(1, 0, 0, 12, 3), usage);
        assertEquals("openai-compatible|test-model|ok|1|false", recordedCall(jobId));
        String metrics = io.restassured.RestAssured.given().auth().oauth2(dev.jury.testenv.Tokens.forService()).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_llm_calls_seconds_count{")
                && l.contains("outcome=\"ok\"") && l.contains("provider=\"openai-compatible\"")), "call timer");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jury_llm_tokens_total{")
                && l.contains("direction=\"input\"")), "token counter");
    }

    // ---- retries ----------------------------------------------------------------------------------------------

    @Test
    void rateLimitHonoursRetryAfterThenSucceeds() {
        wireMock.stubFor(post(COMPLETIONS).inScenario("429").whenScenarioStateIs(STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"error\":{\"message\":\"Rate limit reached\"}}")));
        wireMock.stubFor(post(COMPLETIONS).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(completion("after the wait", 5, 2))));

        long started = System.nanoTime();
        ChatResponse response = llm.chat(request("openai-compatible:/test-model", unique()));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals("after the wait", response.text());
        assertEquals(2, response.attempts());
        assertTrue(waitedMillis >= 1000, "Retry-After: 1 must be honoured, waited only " + waitedMillis + " ms");
        wireMock.verify(2, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    @Test
    void serverErrorsAreRetriedUntilSuccess() {
        wireMock.stubFor(post(COMPLETIONS).inScenario("5xx").whenScenarioStateIs(STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\"}}")));
        wireMock.stubFor(post(COMPLETIONS).inScenario("5xx").whenScenarioStateIs("second").willSetStateTo("third")
                .willReturn(aResponse().withStatus(503)));
        wireMock.stubFor(post(COMPLETIONS).inScenario("5xx").whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200).withBody(completion("third time lucky", 1, 1))));

        ChatResponse response = llm.chat(request("openai-compatible:/test-model", unique()));

        assertEquals("third time lucky", response.text());
        assertEquals(3, response.attempts());
    }

    @Test
    void persistentServerErrorFailsAfterMaxRetries() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"message\":\"The server had an error\"}}")));

        var e = assertThrows(LlmException.class, () -> llm.chat(request("openai-compatible:/test-model", unique())));

        assertEquals(LlmException.Kind.SERVER_ERROR, e.kind());
        assertEquals(5, e.attempts(), "1 attempt + jury.llm.providers.openai-compatible.max-retries (4)");
        wireMock.verify(5, postRequestedFor(urlEqualTo(COMPLETIONS)));
        assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("The server had an error"),
                e.getMessage());
    }

    @Test
    void badRequestIsNotRetried() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"max_tokens is too large\"}}")));

        var e = assertThrows(LlmException.class, () -> llm.chat(request("openai-compatible:/test-model", unique())));

        assertEquals(LlmException.Kind.BAD_REQUEST, e.kind());
        assertEquals(1, e.attempts());
        assertTrue(e.getMessage().contains("max_tokens is too large"), e.getMessage());
        wireMock.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    @Test
    void authenticationFailureIsNotRetriedAndNamesTheKeySetting() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"message\":\"Invalid API key\"}}")));

        var e = assertThrows(LlmException.class, () -> llm.chat(request("openai-compatible:/test-model", unique())));

        assertEquals(LlmException.Kind.AUTHENTICATION, e.kind());
        assertEquals(1, e.attempts());
        assertTrue(e.getMessage().contains("jury.llm.providers.openai-compatible.api-key"), e.getMessage());
        assertTrue(e.getMessage().contains("JURY_LLM_PROVIDERS_OPENAI_COMPATIBLE_API_KEY"), e.getMessage());
        wireMock.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    @Test
    void slowAnswersTimeOutAfterRetries() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200).withFixedDelay(1500)
                .withBody(completion("too late", 1, 1))));

        long started = System.nanoTime();
        var e = assertThrows(LlmException.class, () -> llm.chat(request("ollama:/llama3.1", unique())));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(LlmException.Kind.TIMEOUT, e.kind());
        assertEquals(3, e.attempts(), "1 attempt + jury.llm.providers.ollama.max-retries (2)");
        assertTrue(e.getMessage().contains("jury.llm.providers.ollama.timeout"), e.getMessage());
        assertTrue(tookMillis < 3 * 1500, "attempts must be cut at the 300 ms timeout, took " + tookMillis + " ms");
        wireMock.verify(3, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    @Test
    void malformedBodyIsAMalformedResponse() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"choices\": [ this is not json")));

        var e = assertThrows(LlmException.class, () -> llm.chat(request("openai-compatible:/test-model", unique())));

        assertEquals(LlmException.Kind.MALFORMED_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("jury.llm.providers.openai-compatible.base-url"), e.getMessage());
        wireMock.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    @Test
    void completionWithoutChoicesIsAMalformedResponse() {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}")));

        var e = assertThrows(LlmException.class, () -> llm.chat(request("openai-compatible:/test-model", unique())));

        assertEquals(LlmException.Kind.MALFORMED_RESPONSE, e.kind());
    }

    // ---- structured output -----------------------------------------------------------------------------------

    @Test
    void refusedResponseFormatIsRetriedWithoutTheSchemaAndRemembered() throws Exception {
        String model = "no-schema-" + unique().substring(0, 8);
        wireMock.stubFor(post(COMPLETIONS).withRequestBody(containing("response_format")).willReturn(aResponse()
                .withStatus(400).withBody("{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type "
                        + "'json_schema' is not supported with this model.\"}}")));
        wireMock.stubFor(post(COMPLETIONS).withRequestBody(notContaining("response_format")).willReturn(aResponse()
                .withStatus(200).withBody(completion("{\"result\":\"good\",\"rationale\":\"fine\"}", 20, 9))));
        JsonNode schema = JSON.readTree("""
                {"type":"object","properties":{"result":{"type":"string","enum":["good","bad"]},
                 "rationale":{"type":"string"}},"required":["result","rationale"],"additionalProperties":false}""");

        ChatResponse first = llm.chat(request("openai-compatible:/" + model, unique()).withResponseSchema(schema));

        assertEquals("{\"result\":\"good\",\"rationale\":\"fine\"}", first.text());
        assertEquals(2, first.attempts());
        List<ServeEvent> events = wireMock.getAllServeEvents();
        assertEquals(2, events.size());
        assertTrue(events.stream().anyMatch(e -> e.getRequest().getBodyAsString().contains("\"json_schema\"")
                && e.getRequest().getBodyAsString().contains("\"enum\"")), "the schema was sent first");

        ChatResponse second = llm.chat(request("openai-compatible:/" + model, unique()).withResponseSchema(schema));
        assertEquals(1, second.attempts(), "the refusal is remembered per model");
        wireMock.verify(3, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    // ---- cache ------------------------------------------------------------------------------------------------

    @Test
    void identicalTemperatureZeroRequestIsServedFromTheCache() {
        answer("cached verdict");
        ChatRequest deterministic = request("openai-compatible:/test-model", "same " + unique()).withTemperature(0.0);

        ChatResponse first = llm.chat(deterministic);
        ChatResponse second = llm.chat(deterministic);

        assertFalse(first.cached());
        assertTrue(second.cached());
        assertEquals(0, second.attempts());
        assertEquals("cached verdict", second.text());
        assertEquals(first.inputTokens(), second.inputTokens());
        wireMock.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS)));

        llm.chat(deterministic.withTemperature(0.7));
        llm.chat(deterministic.withTemperature(null));
        wireMock.verify(3, postRequestedFor(urlEqualTo(COMPLETIONS)));
    }

    // ---- concurrency limit ------------------------------------------------------------------------------------

    @Test
    void concurrencyLimitIsHonoured() throws Exception {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200).withFixedDelay(300)
                .withBody(completion("slow", 1, 1))));
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            List<Callable<ChatResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                String text = "parallel " + i + " " + unique();
                calls.add(() -> llm.chat(request("openai-compatible:/test-model", text).withTemperature(0.7)));
            }
            for (Future<ChatResponse> f : pool.invokeAll(calls)) {
                assertEquals("slow", f.get().text());
            }
        } finally {
            pool.shutdownNow();
        }
        int maxInFlight = maxConcurrentRequests(wireMock.getAllServeEvents());
        assertTrue(maxInFlight <= 3, "jury.llm.providers.openai-compatible.max-concurrency is 3, saw " + maxInFlight);
        assertTrue(maxInFlight >= 2, "calls should still run in parallel, saw " + maxInFlight);
    }

    /** The most requests WireMock was serving at one moment: a sweep over [received, received + total time). */
    static int maxConcurrentRequests(List<ServeEvent> events) {
        List<long[]> edges = new ArrayList<>();
        for (ServeEvent e : events) {
            long start = e.getRequest().getLoggedDate().getTime();
            long end = start + e.getTiming().getTotalTime();
            edges.add(new long[]{start, +1});
            edges.add(new long[]{end, -1});
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int max = 0;
        for (long[] edge : edges) {
            current += (int) edge[1];
            max = Math.max(max, current);
        }
        return max;
    }

    // ---- circuit breaker --------------------------------------------------------------------------------------

    @Test
    void circuitOpensAfterRepeatedFailuresFailsFastAndRecovers() throws Exception {
        wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(502)));

        for (int call = 0; call < 2; call++) { // 2 calls × 5 attempts = jury.llm.circuit.failure-threshold (10)
            var e = assertThrows(LlmException.class, () -> llm.chat(request("databricks:/endpoint", unique())));
            assertEquals(LlmException.Kind.SERVER_ERROR, e.kind());
        }
        wireMock.verify(10, postRequestedFor(urlEqualTo(COMPLETIONS)));

        long started = System.nanoTime();
        var open = assertThrows(LlmException.class, () -> llm.chat(request("databricks:/endpoint", unique())));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(LlmException.Kind.CIRCUIT_OPEN, open.kind());
        assertEquals(0, open.attempts());
        assertTrue(tookMillis < 200, "an open circuit fails fast, took " + tookMillis + " ms");
        assertTrue(open.getMessage().contains("jury.llm.circuit.open-duration"), open.getMessage());
        wireMock.verify(10, postRequestedFor(urlEqualTo(COMPLETIONS)));

        wireMock.resetAll();
        answer("recovered");
        Thread.sleep(1100); // %test.jury.llm.circuit.open-duration=1s
        assertEquals("recovered", llm.chat(request("databricks:/endpoint", unique())).text());
        assertEquals("recovered", llm.chat(request("databricks:/endpoint", unique())).text());
        wireMock.verify(postRequestedFor(urlEqualTo(COMPLETIONS))
                .withHeader("Authorization", equalTo("Bearer " + LlmFakeServer.DATABRICKS_KEY)));
    }

    // ---- configuration ----------------------------------------------------------------------------------------

    @Test
    void unconfiguredProviderNamesTheKeyAndTheEnvironmentVariable() {
        var e = assertThrows(LlmException.class, () -> llm.chat(request("anthropic:/claude-sonnet-4-5", "hi")));

        assertEquals(LlmException.Kind.NOT_CONFIGURED, e.kind());
        assertEquals(0, e.attempts());
        assertTrue(e.getMessage().contains("jury.llm.providers.anthropic.api-key"), e.getMessage());
        assertTrue(e.getMessage().contains("JURY_LLM_PROVIDERS_ANTHROPIC_API_KEY"), e.getMessage());
        assertFalse(providers.isConfigured("anthropic"));
        assertEquals(e.getMessage(), providers.missingConfiguration("anthropic").orElseThrow());
        assertTrue(providers.isConfigured("openai-compatible"));
        assertTrue(providers.isConfigured("openai"), "a base URL override configures openai without the default key");
        assertTrue(providers.missingConfiguration("nope").orElseThrow().contains("Supported providers"));
        assertTrue(providers.defaultReflectionModel().isEmpty(), "no reflection model unless configured");
    }

    @Test
    void unknownProviderAndMalformedUriAreRefusedWithoutACall() {
        var unknown = assertThrows(LlmException.class, () -> llm.chat(request("gemini:/pro", "hi")));
        assertEquals(LlmException.Kind.UNKNOWN_PROVIDER, unknown.kind());
        assertTrue(unknown.getMessage().contains("openai-compatible"), unknown.getMessage());

        var malformed = assertThrows(LlmException.class, () -> llm.chat(request("gpt-4o", "hi")));
        assertEquals(LlmException.Kind.BAD_REQUEST, malformed.kind());
        assertTrue(malformed.getMessage().contains("malformed model URI"), malformed.getMessage());
        assertEquals(0, wireMock.getAllServeEvents().size());
    }

    // ---- secrecy ----------------------------------------------------------------------------------------------

    @Test
    void apiKeyNeverAppearsInExceptionsLogsOrRecordedRows() throws Exception {
        // A hostile or careless endpoint that echoes the Authorization header back in every error.
        String echo = "{\"error\":{\"message\":\"Incorrect API key provided: {{request.headers.Authorization}}\"}}";
        var captured = new CapturingHandler();
        Logger root = Logger.getLogger("");
        Logger llmLogger = Logger.getLogger("dev.jury.llm");
        Level previous = llmLogger.getLevel();
        root.addHandler(captured);
        llmLogger.setLevel(Level.FINE);
        List<String> messages = new ArrayList<>();
        long jobId = 800_000 + (long) (Math.random() * 99_999);
        try {
            for (int status : new int[]{401, 400, 500, 429}) {
                wireMock.resetAll();
                wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(status)
                        .withTransformers("response-template").withBody(echo)));
                var e = assertThrows(LlmException.class,
                        () -> llm.chat(request("openai:/gpt-4.1-mini", unique()).withJobId(jobId)));
                messages.add(e.getMessage());
                assertNotNull(wireMock.getAllServeEvents().get(0).getResponse().getBodyAsString());
                assertTrue(wireMock.getAllServeEvents().get(0).getResponse().getBodyAsString()
                        .contains(LlmFakeServer.OPENAI_KEY), "the fake must really echo the key");
            }
            wireMock.resetAll();
            wireMock.stubFor(post(COMPLETIONS).willReturn(aResponse().withStatus(200)
                    .withTransformers("response-template")
                    .withBody(completion("your key is {{request.headers.Authorization}}", 1, 1))));
            llm.chat(request("openai:/gpt-4.1-mini", unique()).withJobId(jobId).withTemperature(0.0));
        } finally {
            root.removeHandler(captured);
            llmLogger.setLevel(previous);
        }

        for (String message : messages) {
            assertFalse(message.contains(LlmFakeServer.OPENAI_KEY), message);
            assertTrue(message.contains("[redacted]"), message);
        }
        assertFalse(captured.text().contains(LlmFakeServer.OPENAI_KEY), "the key leaked into the log");
        llm.usageForJob(jobId); // flushes pending llm_call rows
        assertEquals(5, llm.usageForJob(jobId).calls());
        for (String table : new String[]{"llm_call", "llm_cache"}) {
            try (var connection = dataSource.getConnection();
                 var rows = connection.createStatement().executeQuery("SELECT t::text FROM " + table + " t")) {
                while (rows.next()) {
                    assertFalse(rows.getString(1).contains(LlmFakeServer.OPENAI_KEY.substring(3)),
                            "the key leaked into " + table);
                }
            }
        }
    }

    private String recordedCall(long jobId) {
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement(
                     "SELECT provider, model, outcome, attempts, cached FROM llm_call WHERE job_id = ?")) {
            select.setLong(1, jobId);
            try (var rows = select.executeQuery()) {
                assertTrue(rows.next(), "no llm_call row for job " + jobId);
                return rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getString(3) + "|" + rows.getInt(4)
                        + "|" + rows.getBoolean(5);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Collects every log record (message, parameters and stack traces) the application writes meanwhile. */
    static final class CapturingHandler extends Handler {
        private final StringBuilder text = new StringBuilder();

        CapturingHandler() {
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            text.append(record.getMessage()).append('\n');
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    text.append(parameter).append('\n');
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(t).append('\n');
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
