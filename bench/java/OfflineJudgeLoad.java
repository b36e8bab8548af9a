import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The offline judge ({@code embedded:/minilm-knn}) and its in-process embedding model: defines a judge on the offline
 * model, ingests TRACES traces of fresh text, and runs the judge twice — cold (every text goes through the model)
 * and warm (a new version over the same traces: every vector comes from the cache). Reports traces/s of both runs,
 * the model's own texts/s (from Jury's Micrometer counters), and the app's resident memory before the first text
 * (model not loaded) and after the runs. Texts/s of the model = texts it embedded in the cold run / that run's wall
 * time (the cold run is dominated by the model).
 *
 * <pre>java OfflineJudgeLoad BASE_URL TOKEN EXPERIMENT TRACES MAX_SECONDS JDBC_URL APP_PID OUT_JSON</pre>
 */
public class OfflineJudgeLoad {

    private static final String[] WORDS = ("parcel refund kettle invoice delivery warranty battery screen router "
            + "password account subscription upgrade discount voucher courier address receipt exchange repair "
            + "charger cable headphones laptop printer tablet camera speaker keyboard monitor").split(" ");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        int traces = Integer.parseInt(args[3]);
        int maxSeconds = Integer.parseInt(args[4]);
        String jdbc = args[5];
        long appPid = Long.parseLong(args[6]);
        Path out = Path.of(args[7]);
        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;

        long rssBefore = rssKb(appPid);
        JudgeRunLoad.call(client, token, "PUT", api + "/rubrics/offline_judge", """
                {"kind": "boolean", "levels": [
                  {"value": "yes", "label": "Helpful", "definition": "The answer solves the customer's problem.", "negative": false},
                  {"value": "no", "label": "Unhelpful", "definition": "The answer ignores or worsens the problem.", "negative": true}],
                 "rationale_required": false}""", 201, 200);
        String judge = """
                {"name": "offline_judge", "instructions": "Is the support answer {{ outputs }} helpful for {{ inputs }}?",
                 "model": "embedded:/minilm-knn"}""";
        JudgeRunLoad.call(client, token, "POST", api + "/judges", judge, 201);
        String tag = "off" + Long.toString(System.currentTimeMillis(), 36);
        var random = new Random(tag.hashCode());
        var ndjson = new StringBuilder();
        for (int i = 0; i < traces; i++) {
            ndjson.append("{\"inputs\": {\"question\": \"").append(sentence(random, 14)).append(' ').append(tag)
                    .append(i).append("\"}, \"outputs\": {\"answer\": \"").append(sentence(random, 30))
                    .append("\"}, \"tags\": {\"bench\": \"").append(tag).append("\"}}\n");
        }
        var ingested = client.send(HttpRequest.newBuilder(URI.create(api + "/traces"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (ingested.statusCode() != 200) {
            throw new IllegalStateException("ingest failed: " + ingested.statusCode() + " " + ingested.body());
        }
        double modelTexts0 = metric(client, base, token, "jury_embeddings_texts_total\\{[^}]*source=\"model\"[^}]*}");
        double modelSeconds0 = metric(client, base, token, "jury_embeddings_model_time_seconds_sum");
        Run cold = run(client, token, api, tag, maxSeconds, jdbc);
        double modelTexts = metric(client, base, token, "jury_embeddings_texts_total\\{[^}]*source=\"model\"[^}]*}")
                - modelTexts0;
        double modelSeconds = metric(client, base, token, "jury_embeddings_model_time_seconds_sum") - modelSeconds0;
        // A second version (same definition) has no verdicts yet: the same traces again, all vectors cached.
        JudgeRunLoad.call(client, token, "POST", api + "/judges", judge, 201, 200);
        Run warm = run(client, token, api, tag, maxSeconds, jdbc);
        long rssAfter = rssKb(appPid);

        var extra = new LinkedHashMap<String, Object>();
        extra.put("cold_traces_per_s", round(cold.traces / cold.seconds));
        extra.put("warm_traces_per_s", round(warm.traces / warm.seconds));
        extra.put("model_texts", (long) modelTexts);
        // The cold run is the model's work: texts it embedded over the run's wall time, on all cores.
        extra.put("model_texts_per_s", round(modelTexts / cold.seconds));
        extra.put("model_ms_per_call", modelTexts > 0 ? round(1000 * modelSeconds / modelTexts) : 0);
        extra.put("rss_before_mb", rssBefore / 1024);
        extra.put("rss_after_mb", rssAfter / 1024);
        extra.put("rss_added_mb", (rssAfter - rssBefore) / 1024);
        extra.put("note", "latency = one offline judge call as Jury recorded it (warm run); model texts/s = texts "
                + "the model embedded during the cold run / its wall time; model ms per call = time inside the model "
                + "per text, with the run's concurrent calls sharing the cores");
        double[] lat = warm.latencies.stream().mapToDouble(Double::doubleValue).toArray();
        var result = Stats.result("offline-judge", lat, warm.traces, "traces", warm.seconds,
                cold.errors + warm.errors, Map.copyOf(extra));
        Stats.write(out, result);
        System.out.println(Stats.row(result));
        System.out.println("  offline judge: cold " + extra.get("cold_traces_per_s") + " traces/s, warm "
                + extra.get("warm_traces_per_s") + " traces/s; model " + extra.get("model_texts_per_s")
                + " texts/s (" + extra.get("model_texts") + " texts); RSS " + extra.get("rss_before_mb") + " → "
                + extra.get("rss_after_mb") + " MB");
    }

    private record Run(int traces, double seconds, long errors, java.util.List<Double> latencies) {
    }

    private static Run run(HttpClient client, String token, String api, String tag, int maxSeconds, String jdbc)
            throws Exception {
        String started = JudgeRunLoad.call(client, token, "POST", api + "/judges/offline_judge/runs",
                "{\"tag\": \"bench=" + tag + "\"}", 202);
        long job = JudgeRunLoad.jobId(started);
        String base = api.substring(0, api.indexOf("/api/v1/"));
        String status = JudgeRunLoad.awaitJob(client, token, base, job, maxSeconds);
        try (var c = DriverManager.getConnection(jdbc, "postgres", "")) {
            double seconds;
            long errors;
            int done;
            var outcome = BenchWorld.jobOutcome(c, job);
            seconds = outcome.seconds();
            errors = outcome.errors() + (status.equals("SUCCEEDED") ? 0 : 1);
            done = (int) outcome.done();
            var latencies = new ArrayList<Double>();
            Thread.sleep(500); // llm_call rows are written in batches every 200 ms
            try (var s = c.prepareStatement("SELECT latency_ms FROM llm_call WHERE job_id = ?")) {
                s.setLong(1, job);
                var rs = s.executeQuery();
                while (rs.next()) {
                    latencies.add(rs.getDouble(1));
                }
            }
            return new Run(done, Math.max(seconds, 1e-3), errors, latencies);
        }
    }

    private static String sentence(Random random, int words) {
        var s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }

    /** A Prometheus sample's value (summed over matching lines); 0 when absent. */
    private static double metric(HttpClient client, String base, String token, String nameRegex) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        var p = Pattern.compile("^" + nameRegex + "\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);
        var m = p.matcher(response.body());
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
