import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OTLP/HTTP trace ingest: protobuf {@code ExportTraceServiceRequest}s of 5-span traces (a GenAI chat root with a
 * retriever, an embedding, a chat model call and a tool call below it) posted to {@code POST /v1/traces} from
 * several connections with a service token, as an application's batch span processor would send them. Bodies are
 * encoded before the clock starts (by hand: the protobuf wire format needs no library) and a warm-up runs first.
 * Afterwards the traces stored are counted in the database, so a refused span cannot pass unnoticed.
 *
 * <pre>java OtlpIngest BASE_URL KEYCLOAK_URL EXPERIMENT JDBC_URL TOTAL_TRACES TRACES_PER_REQUEST CONCURRENCY
 *                  MAX_SECONDS WARMUP_REQUESTS OUT_JSON</pre>
 */
public class OtlpIngest {

    static final int SPANS_PER_TRACE = 5;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String keycloak = args[1];
        String experiment = args[2];
        String jdbc = args[3];
        int total = Integer.parseInt(args[4]);
        int perRequest = Integer.parseInt(args[5]);
        int concurrency = Integer.parseInt(args[6]);
        int maxSeconds = Integer.parseInt(args[7]);
        int warmup = Integer.parseInt(args[8]);
        Path out = Path.of(args[9]);

        var client = BenchWorld.client();
        String token = BenchWorld.serviceToken(client, keycloak);
        int requests = (total + perRequest - 1) / perRequest;
        var bodies = new ArrayList<byte[]>();
        long bytes = 0;
        for (int r = 0; r < warmup + requests; r++) {
            byte[] body = request(experiment, r, perRequest);
            bodies.add(body);
            bytes += r >= warmup ? body.length : 0;
        }
        URI uri = URI.create(base + "/v1/traces");

        for (int r = 0; r < warmup; r++) {
            var response = post(client, uri, token, bodies.get(r));
            if (response.statusCode() != 200 || response.body().length != 0) {
                System.err.println("warm-up request failed: " + response.statusCode() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
                System.exit(1);
            }
        }

        var accepted = new AtomicLong();
        var loop = ClosedLoop.run(warmup, bodies.size(), concurrency, maxSeconds, r -> {
            var response = post(client, uri, token, bodies.get(r));
            // An empty ExportTraceServiceResponse: every span taken, no partial success.
            boolean ok = response.statusCode() == 200 && response.body().length == 0;
            if (ok) {
                accepted.addAndGet(perRequest);
            }
            return new ClosedLoop.Outcome(response.statusCode(), ok);
        });
        double seconds = loop.seconds();
        var errors = new AtomicLong(loop.errors());

        long stored;
        try (var connection = DriverManager.getConnection(jdbc, "postgres", "");
             var count = connection.prepareStatement("SELECT count(*), coalesce(sum(jsonb_array_length(t.spans)), 0) "
                     + "FROM trace t JOIN experiment e ON e.id = t.experiment_id WHERE e.name = ? AND t.source = 'otlp'")) {
            count.setString(1, experiment);
            try (var result = count.executeQuery()) {
                result.next();
                stored = result.getLong(1);
                long spans = result.getLong(2);
                if (spans != stored * SPANS_PER_TRACE) {
                    System.err.println("stored traces hold " + spans + " spans, expected " + stored * SPANS_PER_TRACE);
                    errors.incrementAndGet();
                }
            }
        }
        long expected = (long) (warmup) * perRequest + accepted.get();
        if (stored != expected) {
            System.err.println("stored " + stored + " traces, expected " + expected);
            errors.incrementAndGet();
        }

        double[] samples = loop.latenciesMs();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("traces_per_request", perRequest);
        extra.put("spans_per_trace", SPANS_PER_TRACE);
        extra.put("spans_per_s", Stats.round(accepted.get() * SPANS_PER_TRACE / seconds));
        extra.put("concurrency", concurrency);
        extra.put("traces_planned", (long) requests * perRequest);
        extra.put("warmup_requests", warmup);
        extra.put("body_mib", Stats.round(bytes / 1024.0 / 1024.0));
        extra.put("bytes_per_trace", requests == 0 ? 0 : bytes / ((long) requests * perRequest));
        extra.put("traces_stored_including_warmup", stored);
        extra.put("http_statuses", loop.statuses().toString());
        var result = Stats.result("otlp-ingest", samples, accepted.get(), "traces", seconds, errors.get(), extra);
        Stats.write(out, result);
        System.out.println(Stats.row(result));
        System.out.printf("%-22s %s spans/s (%d spans per trace)%n", "", extra.get("spans_per_s"), SPANS_PER_TRACE);
    }

    static HttpResponse<byte[]> post(HttpClient client, URI uri, String token, byte[] body) throws Exception {
        var request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    // ---- The OTLP protobuf messages, written field by field (opentelemetry/proto/trace/v1/trace.proto) ----------

    /** One request: one resource (the service and its experiment), one scope, {@code traces} 5-span traces. */
    static byte[] request(String experiment, int requestNo, int traces) {
        var scope = new Proto().message(1, new Proto().string(1, "bench.support-bot").string(2, "1.0"));
        long t0 = 1_760_000_000_000_000_000L + requestNo * 1_000_000_000L;
        for (int i = 0; i < traces; i++) {
            long n = (long) requestNo * traces + i;
            byte[] traceId = randomId(16);
            byte[] root = randomId(8);
            long start = t0 + i * 1000L;
            String question = "Order #" + n + " has not arrived after " + (n % 14 + 1) + " days. Can you check where it is?";
            String answer = "I'm sorry for the delay with order #" + n + ". I have asked the carrier to trace the parcel "
                    + "and will email you within 48 hours.";
            scope.message(2, span(traceId, root, null, "invoke_agent support", 1, start, start + 900_000_000L,
                    new Proto().message(9, kv("gen_ai.operation.name", "invoke_agent"))
                            .message(9, kv("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\""
                                    + question + "\"}]}]"))
                            .message(9, kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\""
                                    + answer + "\"}],\"finish_reason\":\"stop\"}]"))
                            .message(9, kv("gen_ai.conversation.id", "conv-" + n))));
            scope.message(2, span(traceId, randomId(8), root, "embeddings text-embedding-3-small", 3, start + 1_000_000L,
                    start + 30_000_000L, new Proto().message(9, kv("gen_ai.operation.name", "embeddings"))
                            .message(9, kv("gen_ai.request.model", "text-embedding-3-small"))
                            .message(9, kvInt("gen_ai.usage.input_tokens", 18))));
            scope.message(2, span(traceId, randomId(8), root, "retrieve orders", 1, start + 31_000_000L,
                    start + 80_000_000L, new Proto().message(9, kv("openinference.span.kind", "RETRIEVER"))
                            .message(9, kv("input.value", "order " + n))
                            .message(9, kv("output.value", "[{\"doc\":\"order-" + n + "\",\"status\":\"in transit\"}]"))));
            scope.message(2, span(traceId, randomId(8), root, "execute_tool carrier_status", 1, start + 81_000_000L,
                    start + 200_000_000L, new Proto().message(9, kv("gen_ai.operation.name", "execute_tool"))
                            .message(9, kv("gen_ai.tool.name", "carrier_status"))));
            scope.message(2, span(traceId, randomId(8), root, "chat gpt-4o-mini", 3, start + 201_000_000L,
                    start + 890_000_000L, new Proto().message(9, kv("gen_ai.operation.name", "chat"))
                            .message(9, kv("gen_ai.request.model", "gpt-4o-mini"))
                            .message(9, kvInt("gen_ai.usage.input_tokens", 412))
                            .message(9, kvInt("gen_ai.usage.output_tokens", 38))));
        }
        var resource = new Proto().message(1, kv("service.name", "support-bot"))
                .message(1, kv("service.version", "2.3.1"))
                .message(1, kv("deployment.environment.name", "bench"))
                .message(1, kv("jury.experiment", experiment));
        var resourceSpans = new Proto().message(1, resource).message(2, scope);
        return new Proto().message(1, resourceSpans).bytes();
    }

    static Proto span(byte[] traceId, byte[] spanId, byte[] parent, String name, int kind, long start, long end,
                      Proto attributes) {
        var span = new Proto().raw(1, traceId).raw(2, spanId);
        if (parent != null) {
            span.raw(4, parent);
        }
        return span.string(5, name).varint(6, kind).fixed64(7, start).fixed64(8, end).append(attributes)
                .message(15, new Proto().varint(3, 1)); // status OK
    }

    static Proto kv(String key, String value) {
        return new Proto().string(1, key).message(2, new Proto().string(1, value));
    }

    static Proto kvInt(String key, long value) {
        return new Proto().string(1, key).message(2, new Proto().varint(3, value));
    }

    static byte[] randomId(int length) {
        byte[] id = new byte[length];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] |= 1;
        return id;
    }

    /** A protobuf message being written: tags, varints, fixed64s and length-delimited fields. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto fixed64(int field, long value) {
            tag(field, 1);
            for (int i = 0; i < 8; i++) {
                out.write((int) (value >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Proto raw(int field, byte[] bytes) {
            tag(field, 2);
            writeVarint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return raw(field, message.bytes());
        }

        /** The fields of {@code other} as fields of this message (repeated attributes written elsewhere). */
        Proto append(Proto other) {
            out.writeBytes(other.bytes());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
