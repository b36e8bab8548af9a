package dev.jury.llm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedding model in its own process (issue 16 item 6): a deployment that uses the offline judge keeps the ONNX
 * runtime, the model and the tokenizer (≈ 150 MB resident) out of the process that serves reviewers, and several
 * replicas share one model. Plain JDK HTTP server, no Quarkus: it starts in about a second and stays small.
 *
 * <p>{@code POST /embed} with {@code {"texts": ["…", …]}} (at most {@value #MAX_TEXTS}) answers
 * {@code {"model": "all-minilm-l6-v2-q", "vectors": [[…], …]}}, raw model output in order (the app normalises and
 * caches). Texts are trace content: the server listens on loopback unless told otherwise, and every request must
 * carry {@code Authorization: Bearer <token>} ({@code JURY_EMBEDDER_TOKEN}). {@code GET /health} answers without it.
 *
 * <p>Run from the built app: {@code java -Xmx128m -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*"
 * dev.jury.llm.embedded.EmbedderServer} with {@code JURY_EMBEDDER_TOKEN} (and optionally {@code JURY_EMBEDDER_PORT},
 * default 8091, {@code JURY_EMBEDDER_HOST}, default 127.0.0.1); the app then sets {@code jury.embeddings.url} and
 * {@code jury.embeddings.token} (docs/deployment.md, "The embedding model in its own process").
 */
public final class EmbedderServer implements AutoCloseable {

    static final int MAX_TEXTS = 256;
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService modelThreads;
    private final ExecutorService requestThreads;
    private final byte[] token;
    private volatile MiniLmModel model;

    private EmbedderServer(String host, int port, String token) throws IOException {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("JURY_EMBEDDER_TOKEN is required: the texts sent here are trace content");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        modelThreads = Executors.newFixedThreadPool(cores, daemon("jury-embedder-model"));
        requestThreads = Executors.newFixedThreadPool(cores, daemon("jury-embedder-http"));
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(requestThreads);
        server.createContext("/embed", this::embed);
        server.createContext("/health", exchange -> {
            try (exchange) {
                answer(exchange, 200, JSON.createObjectNode().put("status", "UP"));
            }
        });
    }

    /** Starts a server; port 0 picks a free one ({@link #port()}). */
    public static EmbedderServer start(String host, int port, String token) throws IOException {
        EmbedderServer embedder = new EmbedderServer(host, port, token);
        embedder.server.start();
        return embedder;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        requestThreads.shutdownNow();
        modelThreads.shutdownNow();
    }

    public static void main(String[] args) throws IOException {
        String host = System.getenv().getOrDefault("JURY_EMBEDDER_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("JURY_EMBEDDER_PORT", "8091"));
        EmbedderServer embedder = start(host, port, System.getenv("JURY_EMBEDDER_TOKEN"));
        Runtime.getRuntime().addShutdownHook(new Thread(embedder::close));
        System.out.printf("Jury embedder (%s) listening on http://%s:%d%n", EmbeddingService.MODEL_NAME, host,
                embedder.port());
    }

    private void embed(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                problem(exchange, 405, "Use POST /embed with {\"texts\": [...]}");
                return;
            }
            if (!authorised(exchange.getRequestHeaders().getFirst("Authorization"))) {
                problem(exchange, 401, "A valid bearer token (JURY_EMBEDDER_TOKEN) is required");
                return;
            }
            List<String> texts = texts(exchange.getRequestBody());
            if (texts == null) {
                problem(exchange, 400, "The body must be JSON {\"texts\": [\"...\"]} with 1 to " + MAX_TEXTS
                        + " strings and at most " + MAX_BODY_BYTES + " bytes");
                return;
            }
            List<Embedding> embeddings = loaded().embedAll(texts.stream()
                    .map(t -> TextSegment.from(t.isBlank() ? " " : t)).toList()).content();
            ObjectNode body = JSON.createObjectNode().put("model", EmbeddingService.MODEL_NAME);
            ArrayNode vectors = body.putArray("vectors");
            for (Embedding e : embeddings) {
                ArrayNode vector = vectors.addArray();
                for (float x : e.vector()) {
                    vector.add(x);
                }
            }
            answer(exchange, 200, body);
        } catch (RuntimeException | OutOfMemoryError e) {
            // answered, not dropped: the app's error then says what happened here (e.g. a heap too small for the batch)
            problem(exchange, 500, "The model failed: " + e);
        }
    }

    private boolean authorised(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        // constant time, so the token cannot be guessed byte by byte from response times
        return MessageDigest.isEqual(token, header.substring(7).getBytes(StandardCharsets.UTF_8));
    }

    /** The request's texts, or null when the body is not what {@code /embed} takes. */
    private static List<String> texts(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
        JsonNode texts = root == null ? null : root.get("texts");
        if (texts == null || !texts.isArray() || texts.isEmpty() || texts.size() > MAX_TEXTS) {
            return null;
        }
        List<String> result = new ArrayList<>(texts.size());
        for (JsonNode text : texts) {
            if (!text.isTextual()) {
                return null;
            }
            result.add(text.asText());
        }
        return result;
    }

    private MiniLmModel loaded() {
        MiniLmModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    model = new MiniLmModel(modelThreads);
                }
                m = model;
            }
        }
        return m;
    }

    private static void problem(HttpExchange exchange, int status, String detail) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", status).put("detail", detail);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
