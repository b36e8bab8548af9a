import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Bulk ingest over HTTP: NDJSON batches posted from several connections to
 * {@code POST /api/v1/experiments/{exp}/traces}. Bodies are generated before the clock starts; a warm-up of a few
 * batches runs first and is not counted. Stops after all batches or the time limit, whichever comes first.
 *
 * <pre>java BulkIngest BASE_URL TOKEN EXPERIMENT TOTAL BATCH CONCURRENCY MAX_SECONDS WARMUP_BATCHES OUT_JSON</pre>
 */
public class BulkIngest {

    private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*(\\d+)");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        int total = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        int maxSeconds = Integer.parseInt(args[6]);
        int warmupBatches = Integer.parseInt(args[7]);
        Path out = Path.of(args[8]);

        String run = Long.toString(System.currentTimeMillis(), 36);
        int batches = (total + batch - 1) / batch;
        var bodies = new ArrayList<byte[]>();
        long bytes = 0;
        for (int b = 0; b < warmupBatches + batches; b++) {
            byte[] body = body(run, b, batch);
            bodies.add(body);
            bytes += b >= warmupBatches ? body.length : 0;
        }
        var client = BenchWorld.client();
        URI uri = URI.create(base + "/api/v1/experiments/" + experiment + "/traces");

        // Warm-up: the JIT and the connection pool, not counted.
        for (int b = 0; b < warmupBatches; b++) {
            var response = post(client, uri, token, bodies.get(b));
            if (response.statusCode() != 200) {
                System.err.println("warm-up batch failed: " + response.statusCode() + " " + response.body());
                System.exit(1);
            }
        }

        var created = new AtomicLong();
        var loop = ClosedLoop.run(warmupBatches, bodies.size(), concurrency, maxSeconds, b -> {
            var response = post(client, uri, token, bodies.get(b));
            var m = CREATED.matcher(response.body());
            long n = response.statusCode() == 200 && m.find() ? Long.parseLong(m.group(1)) : 0;
            created.addAndGet(n);
            return new ClosedLoop.Outcome(response.statusCode(), response.statusCode() == 200 && n == batch);
        });
        double seconds = loop.seconds();
        double[] samples = loop.latenciesMs();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("batch_size", batch);
        extra.put("concurrency", concurrency);
        extra.put("traces_planned", (long) batches * batch);
        extra.put("warmup_batches", warmupBatches);
        extra.put("body_mib", Stats.round(bytes / 1024.0 / 1024.0));
        extra.put("http_statuses", loop.statuses().toString());
        var result = Stats.result("bulk-ingest", samples, created.get(), "traces", seconds, loop.errors(), extra);
        Stats.write(out, result);
        System.out.println(Stats.row(result));
    }

    static HttpResponse<String> post(HttpClient client, URI uri, String token, byte[] body) throws Exception {
        var request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A realistic support-bot batch: a chat question, a few sentences of answer, two tags, a unique request id. */
    static byte[] body(String run, int batchNo, int size) {
        var sb = new StringBuilder(size * 420);
        for (int i = 0; i < size; i++) {
            long n = (long) batchNo * size + i;
            sb.append("{\"client_request_id\":\"bench-").append(run).append('-').append(n).append("\",")
              .append("\"inputs\":{\"messages\":[{\"role\":\"user\",\"content\":\"Order #").append(n)
              .append(" has not arrived after ").append(n % 14 + 1).append(" days. Can you check where it is?\"}]},")
              .append("\"outputs\":\"I'm sorry for the delay with order #").append(n)
              .append(". I have asked the carrier to trace the parcel and will email you within 48 hours. ")
              .append("If it cannot be found we will send a replacement at no cost.\",")
              .append("\"tags\":{\"env\":\"bench\",\"shard\":\"").append(n % 16).append("\"}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
