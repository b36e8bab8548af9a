package dev.jury.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * LangChain4j's HTTP client SPI over the JDK client, plugged into every chat model so that Jury sees what
 * LangChain4j's own client hides: the status <i>and headers</i> of an error answer ({@code Retry-After}), a hard
 * per-attempt deadline, and whether a 2xx body is JSON at all. Retries are Jury's ({@link LlmClient}); LangChain4j's
 * own are switched off.
 */
final class ProviderHttpClient implements HttpClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A non-2xx answer with everything needed to decide on a retry. The message is the (unredacted) body. */
    static final class ErrorResponse extends HttpException {
        private final Map<String, List<String>> headers;
        private final String body;

        ErrorResponse(int statusCode, Map<String, List<String>> headers, String body) {
            super(statusCode, body);
            this.headers = headers;
            this.body = body;
        }

        Map<String, List<String>> headers() {
            return headers;
        }

        String body() {
            return body;
        }
    }

    /** No answer within the attempt's deadline. */
    static final class Timeout extends RuntimeException {
        Timeout(Duration limit, Throwable cause) {
            super("no answer within " + limit.toMillis() + " ms", cause);
        }
    }

    /** The connection failed (refused, reset, DNS…) before an answer arrived. */
    static final class ConnectionFailure extends RuntimeException {
        ConnectionFailure(Throwable cause) {
            super(cause.getClass().getSimpleName(), cause);
        }
    }

    /** A 2xx answer whose body is not JSON (a proxy's HTML page, a truncated body…). */
    static final class NotJson extends RuntimeException {
        NotJson(String contentType) {
            super("2xx answer that is not JSON (content type " + contentType + ")");
        }
    }

    private final java.net.http.HttpClient client;
    private final Duration readTimeout;

    private ProviderHttpClient(Duration connectTimeout, Duration readTimeout) {
        this.client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        switch (request.method()) {
            case GET -> builder.GET();
            case DELETE -> builder.DELETE();
            default -> builder.POST(request.body() == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        }
        CompletableFuture<HttpResponse<byte[]>> pending =
                client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            // The JDK's request timeout stops waiting for the headers; this bounds the body as well.
            response = pending.get(readTimeout.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new Timeout(readTimeout, e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectionFailure(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new Timeout(readTimeout, cause);
            }
            throw new ConnectionFailure(cause);
        }
        Map<String, List<String>> headers = response.headers().map();
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new ErrorResponse(response.statusCode(), headers, body);
        }
        if (!isJson(body)) {
            throw new NotJson(response.headers().firstValue("content-type").orElse("none"));
        }
        return SuccessfulHttpResponse.builder().statusCode(response.statusCode()).headers(headers).body(body).build();
    }

    /** Jury never streams; LangChain4j only calls this for streaming models. */
    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("Jury does not use streaming chat models");
    }

    private static boolean isJson(String body) {
        try {
            JSON.readTree(body);
            return !body.isBlank();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** What LangChain4j's model builders take; they set the timeouts from the model's own {@code timeout}. */
    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration readTimeout = Duration.ofSeconds(60);

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            if (timeout != null) {
                connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            if (timeout != null) {
                readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new ProviderHttpClient(connectTimeout, readTimeout);
        }
    }
}
