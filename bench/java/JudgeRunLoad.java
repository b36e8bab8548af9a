import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Judge run against the fake LLM: defines a rubric and a judge on {@code openai-compatible:/bench-judge}, ingests
 * TRACES traces with a fresh tag, starts a run over that tag, polls the job until it finishes, and reports traces/s
 * (from the job's own start and finish times) and the judge-call latencies Jury recorded in {@code llm_call}.
 *
 * <pre>java JudgeRunLoad BASE_URL TOKEN EXPERIMENT TRACES MAX_SECONDS JDBC_URL OUT_JSON</pre>
 */
public class JudgeRunLoad {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        int traces = Integer.parseInt(args[3]);
        int maxSeconds = Integer.parseInt(args[4]);
        String jdbc = args[5];
        Path out = Path.of(args[6]);
        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;

        BenchWorld.yesNoJudge(client, token, api, "bench_judge", "openai-compatible:/bench-judge");
        // BENCH_JUDGE_WARMUPS runs of the same size first, unmeasured: a fresh JVM still compiles through most of
        // a first run, which a long-running replica does not.
        int warmups = Integer.parseInt(System.getenv().getOrDefault("BENCH_JUDGE_WARMUPS", "0"));
        for (int w = 0; w < warmups; w++) {
            String warmTag = "warm" + w + Long.toString(System.currentTimeMillis(), 36);
            BenchWorld.taggedTraces(client, token, api, warmTag, traces);
            String warm = call(client, token, "POST", api + "/judges/bench_judge/runs",
                    "{\"tag\": \"bench=" + warmTag + "\"}", 202);
            System.out.println("warm-up run " + (w + 1) + " of " + warmups + ": "
                    + awaitJob(client, token, base, jobId(warm), maxSeconds));
        }
        String tag = "run" + Long.toString(System.currentTimeMillis(), 36);
        BenchWorld.taggedTraces(client, token, api, tag, traces);
        // CPU of the run alone (not of ingesting its traces): ticks when it is started and when it has finished.
        long app0 = ServerTimings.appTicks();
        long pg0 = ServerTimings.postgresTicks();
        String started = call(client, token, "POST", api + "/judges/bench_judge/runs",
                "{\"tag\": \"bench=" + tag + "\"}", 202);
        long job = jobId(started);
        String status = awaitJob(client, token, base, job, maxSeconds);
        long app1 = ServerTimings.appTicks();
        long pg1 = ServerTimings.postgresTicks();
        double seconds;
        long errors;
        var latencies = new ArrayList<Double>();
        try (var c = DriverManager.getConnection(jdbc, "postgres", "")) {
            var outcome = BenchWorld.jobOutcome(c, job);
            seconds = outcome.seconds();
            errors = outcome.errors();
            traces = (int) outcome.done();
            try (var s = c.prepareStatement("SELECT latency_ms FROM llm_call WHERE job_id = ?")) {
                s.setLong(1, job);
                var rs = s.executeQuery();
                while (rs.next()) {
                    latencies.add(rs.getDouble(1));
                }
            }
        }
        double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        var result = Stats.result("judge-run", lat, traces, "traces", seconds, errors + (status.equals("SUCCEEDED") ? 0 : 1),
                runCpu(status, traces, app0, app1, pg0, pg1));
        Stats.write(out, result);
        System.out.println(Stats.row(result));
    }

    /** The run's own CPU per trace (app and PostgreSQL, from the start request to the finished job). */
    static Map<String, Object> runCpu(String status, int traces, long app0, long app1, long pg0, long pg1) {
        var extra = new java.util.LinkedHashMap<String, Object>();
        extra.put("job_status", status);
        extra.put("note", "latency = judge call as Jury recorded it (fake LLM: fixed latency), of the run's own job");
        if (app0 > 0 && app1 > app0) {
            extra.put("run_app_cpu_s", Math.round((app1 - app0) / ServerTimings.HZ * 10) / 10.0);
            extra.put("run_postgres_cpu_s", Math.round((pg1 - pg0) / ServerTimings.HZ * 10) / 10.0);
            extra.put("run_app_cpu_ms_per_trace", Math.round((app1 - app0) / ServerTimings.HZ * 1000 / Math.max(1, traces) * 100) / 100.0);
            extra.put("run_postgres_cpu_ms_per_trace", Math.round((pg1 - pg0) / ServerTimings.HZ * 1000 / Math.max(1, traces) * 100) / 100.0);
        }
        return extra;
    }

    /** The {@code job_id} of a 202 answer. */
    static long jobId(String accepted) {
        var m = Pattern.compile("\"job_id\"\\s*:\\s*(\\d+)").matcher(accepted);
        if (!m.find()) {
            throw new IllegalStateException("no job_id in " + accepted);
        }
        return Long.parseLong(m.group(1));
    }

    /** Polls job {@code job} until it has finished (cancelling it after {@code maxSeconds}); its last status. */
    static String awaitJob(HttpClient client, String token, String base, long job, int maxSeconds) throws Exception {
        Instant deadline = Instant.now().plusSeconds(maxSeconds);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            String body = call(client, token, "GET", base + "/api/v1/jobs/" + job, null, 200);
            var s = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"").matcher(body);
            s.find();
            status = s.group(1);
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                return status;
            }
            Thread.sleep(250);
        }
        call(client, token, "POST", base + "/api/v1/jobs/" + job + "/cancel", "{}", 200, 202, 204);
        return status;
    }

    static String call(HttpClient client, String token, String method, String url, String json, int... ok)
            throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        builder = json == null ? builder.method(method, HttpRequest.BodyPublishers.noBody())
                : builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        for (int code : ok) {
            if (response.statusCode() == code) {
                return response.body();
            }
        }
        throw new IllegalStateException(method + " " + url + " → " + response.statusCode() + " " + response.body());
    }
}
