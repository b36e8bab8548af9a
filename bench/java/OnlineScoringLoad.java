import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Online scoring keeping up with a stream (issue 14): a judge on {@code openai-compatible:/bench-online} (the fake
 * LLM, fixed latency, temperature 0.7 so nothing is served from the cache) is registered and set to score
 * production traffic at SAMPLE_RATE; then RATE traces/s are ingested through the API for SECONDS seconds (a batch
 * every 100 ms), and once a second the bench reads how many sampled traces wait to be scored. After the stream it
 * waits for the backlog to drain (at most DRAIN_SECONDS).
 * <p>
 * Reported: the lag from a trace's ingest to its stored verdict (p50/p95/p99, from {@code trace.created_at} and
 * {@code online_scoring_item.finished_at}), scored traces/s, the waiting backlog each second with its slope over the
 * second half of the stream (keeping up = a slope near 0 and a small backlog at the end), the time to drain, the
 * share sampled, and traces with two verdicts of the version (must be 0).
 *
 * <pre>java OnlineScoringLoad BASE_URL TOKEN EXPERIMENT JDBC_URL RATE SECONDS SAMPLE_RATE DRAIN_SECONDS OUT_JSON</pre>
 */
public class OnlineScoringLoad {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        String jdbc = args[3];
        int rate = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        double sampleRate = Double.parseDouble(args[6]);
        int drainSeconds = Integer.parseInt(args[7]);
        Path out = Path.of(args[8]);
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String api = base + "/api/v1/experiments/" + experiment;

        JudgeRunLoad.call(client, token, "PUT", api + "/rubrics/bench_online", """
                {"kind": "boolean", "levels": [
                  {"value": "yes", "label": "Good", "definition": "The answer is right.", "negative": false},
                  {"value": "no", "label": "Bad", "definition": "The answer is wrong.", "negative": true}],
                 "rationale_required": false}""", 201, 200);
        JudgeRunLoad.call(client, token, "POST", api + "/judges", """
                {"name": "bench_online", "instructions": "Is {{ outputs }} right for {{ inputs }}?",
                 "model": "openai-compatible:/bench-online", "inference_params": {"temperature": 0.7}}""", 201);
        JudgeRunLoad.call(client, token, "POST", api + "/judges/bench_online/versions/1/register", null, 200);
        JudgeRunLoad.call(client, token, "PUT", api + "/judges/bench_online/online-scoring",
                "{\"enabled\": true, \"sample_rate\": " + sampleRate + "}", 200);

        String tag = "online" + Long.toString(System.currentTimeMillis(), 36);
        int perBatch = Math.max(1, rate / 10);
        var sent = new AtomicLong();
        var ingestErrors = new AtomicLong();
        var ingestLatencies = new java.util.concurrent.ConcurrentLinkedQueue<Double>();
        var sender = Executors.newScheduledThreadPool(4);
        long start = System.nanoTime();
        var stream = sender.scheduleAtFixedRate(() -> {
            var ndjson = new StringBuilder();
            long first = sent.getAndAdd(perBatch);
            for (long i = first; i < first + perBatch; i++) {
                ndjson.append("{\"inputs\": {\"q\": \"question ").append(i).append("\"}, \"outputs\": \"answer ")
                        .append(i).append("\", \"tags\": {\"bench\": \"").append(tag).append("\"}}\n");
            }
            long t0 = System.nanoTime();
            try {
                var response = client.send(HttpRequest.newBuilder(URI.create(api + "/traces"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    ingestErrors.incrementAndGet();
                }
            } catch (Exception e) {
                ingestErrors.incrementAndGet();
            }
            ingestLatencies.add((System.nanoTime() - t0) / 1e6);
        }, 0, 100, TimeUnit.MILLISECONDS);

        var backlog = new ArrayList<long[]>(); // {second, waiting, scored}
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            long configId = scalar(c, """
                    SELECT s.id FROM online_scoring s JOIN judge j ON j.id = s.judge_id
                      JOIN experiment e ON e.id = j.experiment_id WHERE e.name = ? AND j.name = 'bench_online'""",
                    experiment);
            for (int second = 1; second <= seconds; second++) {
                sleepUntil(start, second);
                backlog.add(sample(c, configId, second));
            }
            stream.cancel(false);
            sender.shutdown();
            sender.awaitTermination(30, TimeUnit.SECONDS);
            long ingested = scalar(c, "SELECT count(*) FROM trace WHERE tags ->> 'bench' = ?", tag);
            long expected = Math.round(ingested * sampleRate);
            // drain: until everything sampled is scored and discovery has seen every trace
            int drained = -1;
            for (int second = seconds + 1; second <= seconds + drainSeconds; second++) {
                sleepUntil(start, second);
                long[] b = sample(c, configId, second);
                backlog.add(b);
                long examined = scalar(c, """
                        SELECT count(*) FROM trace t WHERE t.tags ->> 'bench' = ? AND t.id <= (SELECT max(trace_id)
                          FROM online_scoring_item WHERE config_id = ?)""", tag, configId);
                if (b[1] == 0 && examined >= ingested - perBatch * 10L) {
                    drained = second - seconds;
                    break;
                }
            }
            long sampled = scalar(c, "SELECT count(*) FROM online_scoring_item WHERE config_id = ?", configId);
            long scored = scalar(c, "SELECT count(*) FROM online_scoring_item WHERE config_id = ? AND status = 'DONE'",
                    configId);
            long failed = scalar(c, "SELECT count(*) FROM online_scoring_item WHERE config_id = ? AND status = 'FAILED'",
                    configId);
            long duplicates = scalar(c, """
                    SELECT count(*) FROM (SELECT a.trace_id FROM assessment a JOIN trace t ON t.id = a.trace_id
                     WHERE t.tags ->> 'bench' = ? AND a.source_id = 'judge:bench_online@v1' AND a.valid
                     GROUP BY a.trace_id HAVING count(*) > 1) d""", tag);
            var lags = new ArrayList<Double>();
            try (var s = c.prepareStatement("""
                    SELECT extract(epoch FROM i.finished_at - t.created_at) * 1000
                      FROM online_scoring_item i JOIN trace t ON t.id = i.trace_id
                     WHERE i.config_id = ? AND i.finished_at IS NOT NULL""")) {
                s.setLong(1, configId);
                var rs = s.executeQuery();
                while (rs.next()) {
                    lags.add(rs.getDouble(1));
                }
            }
            double slope = slope(backlog.subList(seconds / 2, seconds));
            long maxWaiting = backlog.stream().limit(seconds).mapToLong(b -> b[1]).max().orElse(0);
            long endWaiting = backlog.get(seconds - 1)[1];
            double scoredPerSecond = (backlog.get(seconds - 1)[2] - backlog.get(seconds / 2 - 1)[2])
                    / (double) (seconds - seconds / 2);
            var extra = new LinkedHashMap<String, Object>();
            extra.put("note", "latency = ingest → stored verdict of a sampled trace; fake LLM at fixed latency");
            extra.put("stream_traces_per_s", rate);
            extra.put("ingested", ingested);
            extra.put("ingest_errors", ingestErrors.get());
            extra.put("sample_rate", sampleRate);
            extra.put("sampled", sampled);
            extra.put("sampled_share", Stats.round(sampled / (double) Math.max(1, ingested)));
            extra.put("expected_sampled", expected);
            extra.put("scored", scored);
            extra.put("failed", failed);
            extra.put("scored_per_s_second_half", Stats.round(scoredPerSecond));
            extra.put("backlog_slope_per_s_second_half", Stats.round(slope));
            extra.put("backlog_max", maxWaiting);
            extra.put("backlog_at_stream_end", endWaiting);
            extra.put("drain_seconds", drained);
            extra.put("duplicate_verdicts", duplicates);
            extra.put("keeps_up", drained >= 0 && slope < 1.0 && duplicates == 0);
            var timeline = new StringBuilder();
            for (long[] b : backlog) {
                timeline.append(timeline.isEmpty() ? "" : " ").append(b[1]);
            }
            extra.put("waiting_each_second", timeline.toString());
            double[] lat = lags.stream().mapToDouble(Double::doubleValue).toArray();
            var result = Stats.result("online-scoring", lat, scored, "traces", seconds, failed + ingestErrors.get()
                    + duplicates, extra);
            Stats.write(out, result);
            System.out.println(Stats.row(result));
            System.out.println("  backlog each second: " + timeline);
        }
        JudgeRunLoad.call(client, token, "PUT", api + "/judges/bench_online/online-scoring", "{\"enabled\": false}",
                200);
    }

    private static long[] sample(Connection c, long configId, int second) throws Exception {
        try (var s = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE status IN ('PENDING', 'CLAIMED')),
                       count(*) FILTER (WHERE status IN ('DONE', 'FAILED'))
                  FROM online_scoring_item WHERE config_id = ?""")) {
            s.setLong(1, configId);
            var rs = s.executeQuery();
            rs.next();
            return new long[]{second, rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Least-squares slope of waiting over seconds. */
    static double slope(List<long[]> points) {
        double n = points.size();
        if (n < 2) {
            return 0;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (long[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += (double) p[0] * p[0];
            sxy += (double) p[0] * p[1];
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    private static long scalar(Connection c, String sql, Object... params) throws Exception {
        try (var s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleepUntil(long start, int second) throws InterruptedException {
        long wait = start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
