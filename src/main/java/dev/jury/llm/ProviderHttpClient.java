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

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * LangChain4j's HTTP client SPI over Vert.x's HTTP client, plugged into every chat model so that Jury sees what
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

    private final io.vertx.core.http.HttpClient client;
    private final Context context;
    private final Duration readTimeout;

    private ProviderHttpClient(Vertx vertx, int maxConnections, Duration connectTimeout, Duration readTimeout) {
        // Vert.x's client rather than the JDK's: the JDK client hands every exchange between its selector thread,
        // its executor and the waiting caller, which cost ≈ 0.8 ms of CPU per call at 128 in flight against
        // ≈ 0.1–0.3 ms here (docs/performance.md, "Judge runs: the HTTP client"). TLS is verified against the JVM's
        // trust store with host name checks, as the JDK client did.
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setConnectTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())))
                        .setVerifyHost(true)
                        .setTcpNoDelay(true)
                        .setKeepAlive(true)
                        .setName("jury-llm"),
                new PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections)));
        this.context = vertx.getOrCreateContext();
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        var options = new RequestOptions()
                .setMethod(switch (request.method()) {
                    case GET -> HttpMethod.GET;
                    case DELETE -> HttpMethod.DELETE;
                    default -> HttpMethod.POST;
                })
                .setAbsoluteURI(request.url())
                .setIdleTimeout(readTimeout.toMillis());
        request.headers().forEach((name, values) -> values.forEach(value -> options.addHeader(name, value)));
        var sent = new AtomicReference<HttpClientRequest>();
        Buffer body = request.body() == null ? null : Buffer.buffer(request.body(), "UTF-8");
        Promise<Answer> answered = Promise.promise();
        // The whole exchange runs on the client's own event loop context. Started from the caller's thread, the
        // response's head and body could be handed to different threads, and a body that arrived before its
        // handler was set was lost: the call waited for it until its deadline (seen in HostileApiBodiesTest).
        context.runOnContext(ignored -> client.request(options)
                .compose(outgoing -> {
                    sent.set(outgoing);
                    return body == null ? outgoing.send() : outgoing.send(body);
                })
                .compose(incoming -> incoming.body().map(bytes -> new Answer(incoming.statusCode(),
                        headersOf(incoming.headers()), bytes.toString(StandardCharsets.UTF_8))))
                .onComplete(answered));
        CompletableFuture<Answer> pending = answered.future().toCompletionStage().toCompletableFuture();
        Answer answer;
        try {
            // The idle timeout stops a silent connection; this bounds the whole exchange, a trickling body included.
            answer = pending.get(readTimeout.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(sent, pending);
            throw new Timeout(readTimeout, e);
        } catch (InterruptedException e) {
            abandon(sent, pending);
            Thread.currentThread().interrupt();
            throw new ConnectionFailure(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof TimeoutException) {
                throw new Timeout(readTimeout, cause);
            }
            throw new ConnectionFailure(cause);
        }
        if (answer.status < 200 || answer.status > 299) {
            throw new ErrorResponse(answer.status, answer.headers, answer.body);
        }
        if (!isJson(answer.body)) {
            List<String> type = answer.headers.get("content-type");
            throw new NotJson(type == null || type.isEmpty() ? "none" : type.get(0));
        }
        return SuccessfulHttpResponse.builder().statusCode(answer.status).headers(answer.headers).body(answer.body)
                .build();
    }

    private record Answer(int status, Map<String, List<String>> headers, String body) {
    }

    /** Closes the connection of an exchange nobody waits for any more, so it does not hold a pool slot. */
    private static void abandon(AtomicReference<HttpClientRequest> sent, CompletableFuture<Answer> pending) {
        pending.cancel(true);
        HttpClientRequest outgoing = sent.get();
        if (outgoing != null) {
            outgoing.reset();
        }
    }

    /** Header names looked up in any case, as HTTP wants (RetryPolicy reads {@code Retry-After}). */
    private static Map<String, List<String>> headersOf(MultiMap headers) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach(header -> map.computeIfAbsent(header.getKey(), name -> new ArrayList<>())
                .add(header.getValue()));
        return map;
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
        private final Vertx vertx;
        private final int maxConnections;
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration readTimeout = Duration.ofSeconds(60);

        /** @param maxConnections the provider's concurrency limit: more calls than that are never in flight */
        Builder(Vertx vertx, int maxConnections) {
            this.vertx = vertx;
            this.maxConnections = maxConnections;
        }

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
            return new ProviderHttpClient(vertx, maxConnections, connectTimeout, readTimeout);
        }
    }
}
