package dev.jury.llm.embedded;

import dev.langchain4j.data.segment.TextSegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding model in its own process: the real server and its client, over loopback. */
class EmbedderServerTest {

    private static final String TOKEN = "test-embedder-token-not-a-secret";
    private static EmbedderServer server;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        server = EmbedderServer.start("127.0.0.1", 0, TOKEN);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersTheInProcessModelsVectorsInOrderAcrossBatches() {
        // more texts than one request takes, so the client splits them and keeps the order
        List<String> texts = IntStream.range(0, EmbedderServer.MAX_TEXTS + 3)
                .mapToObj(i -> i % 2 == 0 ? "refund policy question number " + i : "weather in city " + i).toList();

        List<float[]> remote = new RemoteEmbeddings(url, TOKEN, Duration.ofSeconds(60)).embed(texts);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            var local = new MiniLmModel(threads);
            assertEquals(texts.size(), remote.size());
            for (int i : new int[]{0, 1, EmbedderServer.MAX_TEXTS, EmbedderServer.MAX_TEXTS + 2}) {
                float[] expected = local.embed(TextSegment.from(texts.get(i))).content().vector();
                assertArrayEquals(expected, remote.get(i), 1e-5f, "text " + i);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void refusesAWrongTokenWithoutEmbeddingAndTheClientSaysWhy() {
        var wrong = new RemoteEmbeddings(url, "not-the-token", Duration.ofSeconds(10));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.embed(List.of("secret text")));

        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("jury.embeddings.token"), e.getMessage());
    }

    @Test
    void malformedBodiesGetAProblemNotAStackTrace() throws Exception {
        for (String body : List.of("{not json", "{\"texts\": []}", "{\"texts\": [1, 2]}", "{\"text\": \"a\"}", "[]")) {
            HttpResponse<String> response = post(body);
            assertEquals(400, response.statusCode(), body);
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
            assertTrue(response.body().contains("256 strings"), response.body());
        }
    }

    @Test
    void healthAnswersWithoutAToken() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("UP"));
    }

    @Test
    void aServerThatIsNotThereIsNamedInTheError() throws Exception {
        int freePort;
        try (var socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        var nobody = new RemoteEmbeddings("http://127.0.0.1:" + freePort, TOKEN, Duration.ofSeconds(2));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> nobody.embed(List.of("x")));

        assertTrue(e.getMessage().contains("127.0.0.1:" + freePort) && e.getMessage().contains("did not answer"),
                e.getMessage());
    }

    @Test
    void aServerThatComesUpWhileTheClientRetriesAnswers() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int late = port;
        var starting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(100); // after the first try, before the last
                return EmbedderServer.start("127.0.0.1", late, TOKEN);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            List<float[]> vectors = new RemoteEmbeddings("http://127.0.0.1:" + port, TOKEN, Duration.ofSeconds(60))
                    .embed(List.of("Is the parcel late?"));
            assertEquals(1, vectors.size());
            assertEquals(384, vectors.get(0).length);
        } finally {
            starting.get().close();
        }
    }

    @Test
    void doesNotStartWithoutAToken() {
        assertThrows(IllegalArgumentException.class, () -> EmbedderServer.start("127.0.0.1", 0, " "));
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/embed"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
