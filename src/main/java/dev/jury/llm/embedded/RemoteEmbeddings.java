package dev.jury.llm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client of {@link EmbedderServer}: the embedding model when it runs in its own process
 * ({@code jury.embeddings.url}). Texts go in batches of at most {@link EmbedderServer#MAX_TEXTS}. A batch that finds
 * the server unreachable or answering 5xx is tried again twice (0.2 s, then 1 s later: a server restarting beside
 * the app); after that, or on any other answer, the failure says which server and why, and the judge call that needed
 * the vectors fails with it (recorded as that trace's error; nothing already stored is touched).
 */
final class RemoteEmbeddings {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pauses before the second and third try of a batch. */
    private static final long[] RETRY_PAUSES_MS = {200, 1000};

    private final URI embed;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    RemoteEmbeddings(String url, String token, Duration timeout) {
        this.embed = URI.create(url.endsWith("/") ? url + "embed" : url + "/embed");
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Raw model output, one vector per text, in order. */
    List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += EmbedderServer.MAX_TEXTS) {
            vectors.addAll(batch(texts.subList(from, Math.min(texts.size(), from + EmbedderServer.MAX_TEXTS))));
        }
        return vectors;
    }

    private List<float[]> batch(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        texts.forEach(body.putArray("texts")::add);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(embed).timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt == RETRY_PAUSES_MS.length;
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() < 500 || last) {
                    return vectors(response, texts.size());
                }
            } catch (IOException e) {
                if (last) {
                    throw failure("did not answer (" + e + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("was interrupted");
            }
            pause(RETRY_PAUSES_MS[attempt]);
        }
    }

    private List<float[]> vectors(HttpResponse<byte[]> response, int texts) {
        if (response.statusCode() != 200) {
            throw failure("answered HTTP " + response.statusCode() + ": " + detail(response.body()));
        }
        try {
            JsonNode vectors = JSON.readTree(response.body()).get("vectors");
            if (vectors == null || !vectors.isArray() || vectors.size() != texts) {
                throw failure("answered " + (vectors == null ? "no vectors" : vectors.size() + " vectors")
                        + " for " + texts + " texts");
            }
            List<float[]> result = new ArrayList<>(texts);
            for (JsonNode vector : vectors) {
                float[] v = new float[vector.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) vector.get(i).asDouble();
                }
                result.add(v);
            }
            return result;
        } catch (IOException e) {
            throw failure("answered something that is not JSON");
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("was interrupted");
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException("The embedding server at " + embed + " " + what
                + "; check that it runs (docs/deployment.md, \"The embedding model in its own process\")"
                + " and that jury.embeddings.token matches its JURY_EMBEDDER_TOKEN.");
    }

    private static String detail(byte[] body) {
        try {
            JsonNode detail = JSON.readTree(body).get("detail");
            return detail == null ? "(no detail)" : detail.asText();
        } catch (IOException e) {
            return "(no detail)";
        }
    }
}
