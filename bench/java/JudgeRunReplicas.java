import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two replicas against one on a judge run (issue 16 item 5; bench/scenarios/judge-run-replicas.sh). Each replica
 * runs in a cgroup with a CPU quota, standing in for a small machine of its own, so the replicas' CPU — not the fake
 * LLM, not PostgreSQL — is what limits the run.
 *
 * <p>{@code run}: defines a yes/no judge on the fake LLM, ingests the measured run's traces, runs warm-up runs of
 * WARMUP_TRACES traces each (a tag of their own) until the JIT has settled — at least WARMUPS, then until a run is
 * no more than 5 % faster than the one before, at most WARMUPS + 6 —, then the measured run through
 * {@code BASE_URL}, and writes what it measured: traces/s (the job's own started → finished), the judge calls' latency
 * as Jury recorded it, per replica the chunks and traces it worked (from {@code judge_run_chunk} joined with the
 * claiming job's {@code worker_id}, which names the replica's PID), its CPU (cores used, ms per trace) and how often
 * its cgroup was throttled; PostgreSQL's, the fake LLM's and this program's CPU; and whether every trace of the run
 * has exactly one current verdict. A fresh admin token is fetched before each run (they live 5 minutes).
 *
 * TRACES 0: the warm-up runs only (the scenario's uncapped warm-up).
 *
 * <pre>java JudgeRunReplicas run LABEL BASE_URL KEYCLOAK_URL EXPERIMENT TRACES WARMUP_TRACES WARMUPS MAX_SECONDS
 *      JDBC_URL REPLICAS LLM_PID OUT_JSON</pre>
 * REPLICAS: {@code name=pid=cgroup_dir,…} (the cgroup directory may be empty).
 *
 * <p>{@code summary}: the scenario's result from the phases' JSON files — the two-replica run against the one-replica
 * run with the same settings (the ratio, target ≥ 1.8), and against the one-replica run with {@code run-helpers=0}.
 *
 * <pre>java JudgeRunReplicas summary OUT_JSON ONE_JSON TWO_JSON [ONE_HELPERS0_JSON]</pre>
 */
public class JudgeRunReplicas {

    record Replica(String name, long pid, String cgroup) {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("summary")) {
            summary(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                    args.length > 4 && !args[4].isEmpty() ? Path.of(args[4]) : null);
            return;
        }
        String label = args[1];
        String base = args[2];
        String keycloak = args[3];
        String experiment = args[4];
        int traces = Integer.parseInt(args[5]);
        int warmupTraces = Integer.parseInt(args[6]);
        int warmups = Integer.parseInt(args[7]);
        int maxSeconds = Integer.parseInt(args[8]);
        String jdbc = args[9];
        List<Replica> replicas = new ArrayList<>();
        for (String r : args[10].split(",")) {
            String[] f = r.split("=", 3);
            replicas.add(new Replica(f[0], Long.parseLong(f[1]), f.length > 2 ? f[2] : ""));
        }
        long llmPid = Long.parseLong(args[11]);
        Path out = Path.of(args[12]);

        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;
        String judge = "bench_replicas_" + label.replace('-', '_');
        String token = adminToken(client, keycloak);
        BenchWorld.yesNoJudge(client, token, api, judge, "openai-compatible:/bench-judge");
        String stamp = Long.toString(System.currentTimeMillis(), 36);
        String tag = label + "m" + stamp;
        if (traces > 0) {
            BenchWorld.taggedTraces(client, token, api, tag, traces);
        }

        // Warm-up runs until the replicas' JIT has settled: at least WARMUPS, then until a run is no more than 5 %
        // faster than the one before (at most WARMUPS + 6). A JVM capped at 0.4 CPU compiles slowly.
        var warmRates = new StringBuilder();
        double previous = 0;
        for (int w = 0; w < warmups + 6; w++) {
            token = adminToken(client, keycloak);
            String warmTag = label + "w" + w + stamp;
            BenchWorld.taggedTraces(client, token, api, warmTag, warmupTraces);
            long warmJob = JudgeRunLoad.jobId(JudgeRunLoad.call(client, token, "POST",
                    api + "/judges/" + judge + "/runs", "{\"tag\": \"bench=" + warmTag + "\"}", 202));
            String status = JudgeRunLoad.awaitJob(client, token, base, warmJob, maxSeconds);
            double rate = jobRate(jdbc, warmJob);
            System.out.printf(Locale.ROOT, "%s: warm-up run %d of %d traces %s, %.1f traces/s%n", label, w + 1,
                    warmupTraces, status, rate);
            warmRates.append(warmRates.length() == 0 ? "" : " ").append(round(rate, 1));
            if (w + 1 >= warmups && previous > 0 && rate < previous * 1.05) {
                break;
            }
            previous = rate;
        }
        if (traces == 0) {
            return; // warm-up runs only
        }

        token = adminToken(client, keycloak);
        Map<String, long[]> before = counters(replicas);
        long pg0 = ServerTimings.postgresTicks();
        long llm0 = ticks(llmPid);
        long self0 = selfCpuNanos();
        long wall0 = System.nanoTime();
        long job = JudgeRunLoad.jobId(JudgeRunLoad.call(client, token, "POST", api + "/judges/" + judge + "/runs",
                "{\"tag\": \"bench=" + tag + "\"}", 202));
        String status = JudgeRunLoad.awaitJob(client, token, base, job, maxSeconds);
        double wall = (System.nanoTime() - wall0) / 1e9;
        Map<String, long[]> after = counters(replicas);
        long pg1 = ServerTimings.postgresTicks();
        long llm1 = ticks(llmPid);
        long self1 = selfCpuNanos();

        var extra = new LinkedHashMap<String, Object>();
        extra.put("label", label);
        extra.put("job_status", status);
        extra.put("replicas", replicas.size());
        extra.put("warmup_traces_per_s", warmRates.toString());
        double seconds;
        long errors;
        long done;
        var latencies = new ArrayList<Double>();
        Map<String, long[]> perReplica = new LinkedHashMap<>(); // name → chunks, traces, assessed
        long unattributed = 0;
        long[] verdicts;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            var outcome = BenchWorld.jobOutcome(c, job);
            seconds = outcome.seconds();
            errors = outcome.errors();
            done = outcome.done();
            // the calls of the run's job and of its helper jobs (each records its own job id)
            try (var s = c.prepareStatement("SELECT latency_ms FROM llm_call WHERE job_id = ? OR job_id IN (SELECT id"
                    + " FROM job WHERE type = 'judge-run-helper' AND (payload ->> 'run_job_id')::bigint = ?)")) {
                s.setLong(1, job);
                s.setLong(2, job);
                var rs = s.executeQuery();
                while (rs.next()) {
                    latencies.add(rs.getDouble(1));
                }
            }
            // who worked which chunk: the claiming job's worker_id is host/PID/random
            try (var s = c.prepareStatement("""
                    SELECT j.worker_id, count(*), sum(cardinality(k.trace_ids)), sum(k.assessed),
                           count(*) FILTER (WHERE NOT k.done)
                      FROM judge_run_chunk k LEFT JOIN job j ON j.id = k.claimed_by
                     WHERE k.run_job_id = ? GROUP BY j.worker_id""")) {
                s.setLong(1, job);
                var rs = s.executeQuery();
                long notDone = 0;
                while (rs.next()) {
                    String worker = rs.getString(1);
                    notDone += rs.getLong(5);
                    Replica owner = null;
                    for (Replica r : replicas) {
                        if (worker != null && worker.contains("/" + r.pid() + "/")) {
                            owner = r;
                        }
                    }
                    if (owner == null) {
                        unattributed += rs.getLong(3);
                        continue;
                    }
                    long[] n = perReplica.computeIfAbsent(owner.name(), k -> new long[3]);
                    n[0] += rs.getLong(2);
                    n[1] += rs.getLong(3);
                    n[2] += rs.getLong(4);
                }
                extra.put("chunks_not_done", notDone);
            }
            verdicts = BenchWorld.verdicts(c, judge, tag);
        }
        extra.put("traces_without_verdict", verdicts[0]);
        extra.put("traces_with_two", verdicts[1]);
        extra.put("traces_of_other_workers", unattributed);
        double hz = ServerTimings.HZ;
        double appCpuTotal = 0;
        double jitTotal = 0;
        int withChunks = 0;
        var split = new StringBuilder();
        for (Replica r : replicas) {
            long[] b = before.get(r.name());
            long[] a = after.get(r.name());
            double cpu = (a[0] - b[0]) / hz;
            appCpuTotal += cpu;
            long[] n = perReplica.getOrDefault(r.name(), new long[3]);
            if (n[0] > 0) {
                withChunks++;
            }
            String p = r.name() + "_";
            extra.put(p + "chunks", n[0]);
            extra.put(p + "traces", n[1]);
            extra.put(p + "cpu_s", round(cpu, 1));
            extra.put(p + "cpu_cores", round(cpu / wall, 2));
            extra.put(p + "cpu_ms_per_own_trace", n[1] == 0 ? -1 : round(cpu * 1000 / n[1], 2));
            extra.put(p + "jit_cpu_s", round((a[3] - b[3]) / hz, 1));
            // what a trace costs once the JIT is done: the replica's CPU without its compiler threads
            extra.put(p + "cpu_ms_per_own_trace_without_jit", n[1] == 0 ? -1
                    : round((cpu - (a[3] - b[3]) / hz) * 1000 / n[1], 2));
            jitTotal += (a[3] - b[3]) / hz;
            if (!r.cgroup().isEmpty()) {
                extra.put(p + "throttled_periods", a[1] - b[1]);
                extra.put(p + "throttled_s", round((a[2] - b[2]) / 1e9, 1));
            }
            split.append(split.length() == 0 ? "" : ", ").append(r.name()).append(' ').append(n[0]).append(" chunks / ")
                    .append(n[1]).append(" traces");
        }
        extra.put("replicas_with_chunks", withChunks);
        extra.put("chunk_split", split.toString());
        extra.put("app_cpu_s", round(appCpuTotal, 1));
        extra.put("app_cpu_ms_per_trace", round(appCpuTotal * 1000 / Math.max(1, done), 2));
        extra.put("app_cpu_ms_per_trace_without_jit", round((appCpuTotal - jitTotal) * 1000 / Math.max(1, done), 2));
        extra.put("postgres_cpu_s", round((pg1 - pg0) / hz, 1));
        extra.put("postgres_cpu_cores", round((pg1 - pg0) / hz / wall, 2));
        extra.put("postgres_cpu_ms_per_trace", round((pg1 - pg0) / hz * 1000 / Math.max(1, done), 2));
        extra.put("fake_llm_cpu_cores", round((llm1 - llm0) / hz / wall, 2));
        extra.put("load_program_cpu_cores", round((self1 - self0) / 1e9 / wall, 2));
        extra.put("cpu_window_s", round(wall, 1));
        long bad = errors + verdicts[0] + verdicts[1] + (status.equals("SUCCEEDED") ? 0 : 1)
                + (done == traces ? 0 : 1);
        var result = Stats.result("judge-run-replicas", latencies.stream().mapToDouble(Double::doubleValue).toArray(),
                done, "traces", seconds, bad, extra);
        Stats.write(out, result);
        System.out.printf(Locale.ROOT, "%s: %d traces in %.1f s = %.1f traces/s, %s, %s; %s; app %.2f ms/trace, "
                        + "PostgreSQL %.2f cores (%.2f ms/trace), fake LLM %.2f cores; no verdict %d, two %d%n",
                label, done, seconds, done / seconds, status, "call p50 " + result.get("p50_ms") + " ms", split,
                appCpuTotal * 1000 / Math.max(1, done), (pg1 - pg0) / hz / wall, (pg1 - pg0) / hz * 1000 / Math.max(1, done),
                (llm1 - llm0) / hz / wall, verdicts[0], verdicts[1]);
        for (Replica r : replicas) {
            String p = r.name() + "_";
            System.out.printf(Locale.ROOT, "  replica %s (PID %d): %s cores, %s ms per own trace (JIT compiler threads "
                            + "%s s of its %s s), throttled %s s%n", r.name(), r.pid(), extra.get(p + "cpu_cores"),
                    extra.get(p + "cpu_ms_per_own_trace"), extra.get(p + "jit_cpu_s"), extra.get(p + "cpu_s"),
                    extra.getOrDefault(p + "throttled_s", "-"));
        }
    }

    /** A finished job's traces per second (progress_done over its own started → finished). */
    static double jobRate(String jdbc, long job) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             var s = c.prepareStatement("SELECT progress_done / extract(epoch FROM finished_at - started_at) FROM job"
                     + " WHERE id = ?")) {
            s.setLong(1, job);
            var rs = s.executeQuery();
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** The scenario's JSON: the two-replica run against the one-replica runs. */
    /** Per replica: CPU ticks, throttled periods, throttled time, JIT compiler ticks — read once each. */
    static Map<String, long[]> counters(List<Replica> replicas) throws Exception {
        Map<String, long[]> counters = new LinkedHashMap<>();
        for (Replica r : replicas) {
            long[] throttled = throttled(r.cgroup());
            counters.put(r.name(), new long[] {ticks(r.pid()), throttled[0], throttled[1], jitTicks(r.pid())});
        }
        return counters;
    }

    static void summary(Path out, Path one, Path two, Path oneHelpers0) throws Exception {
        String a = Files.readString(one);
        String b = Files.readString(two);
        String z = oneHelpers0 != null && Files.exists(oneHelpers0) ? Files.readString(oneHelpers0) : null;
        double tOne = num(a, "throughput_per_s");
        double tTwo = num(b, "throughput_per_s");
        var r = new LinkedHashMap<String, Object>();
        r.put("scenario", "judge-run-replicas");
        r.put("requests", (long) num(b, "requests"));
        for (String k : List.of("p50_ms", "p95_ms", "p99_ms")) {
            r.put(k, num(b, k));
        }
        r.put("units", (long) num(b, "units"));
        r.put("unit", "traces");
        r.put("seconds", num(b, "seconds"));
        r.put("throughput_per_s", tTwo);
        r.put("errors", (long) (num(a, "errors") + num(b, "errors") + (z == null ? 0 : num(z, "errors"))));
        r.put("one_replica_traces_per_s", tOne);
        r.put("two_replicas_traces_per_s", tTwo);
        r.put("ratio", round(tTwo / tOne, 2));
        if (z != null) {
            double tZero = num(z, "throughput_per_s");
            r.put("one_replica_helpers0_traces_per_s", tZero);
            r.put("ratio_vs_helpers0", round(tTwo / tZero, 2));
            r.put("one_helpers0_app_cpu_ms_per_trace", num(z, "app_cpu_ms_per_trace"));
            r.put("one_helpers0_app_cpu_ms_per_trace_without_jit", num(z, "app_cpu_ms_per_trace_without_jit"));
            r.put("one_helpers0_a_cpu_cores", num(z, "a_cpu_cores"));
        }
        r.put("target_met", tTwo / tOne >= 1.8 && (z == null || tTwo / num(z, "throughput_per_s") >= 1.8));
        r.put("one_app_cpu_ms_per_trace", num(a, "app_cpu_ms_per_trace"));
        r.put("one_app_cpu_ms_per_trace_without_jit", num(a, "app_cpu_ms_per_trace_without_jit"));
        r.put("one_a_cpu_cores", num(a, "a_cpu_cores"));
        r.put("one_postgres_cpu_cores", num(a, "postgres_cpu_cores"));
        r.put("one_postgres_cpu_ms_per_trace", num(a, "postgres_cpu_ms_per_trace"));
        r.put("one_call_p50_ms", num(a, "p50_ms"));
        r.put("two_app_cpu_ms_per_trace", num(b, "app_cpu_ms_per_trace"));
        r.put("two_app_cpu_ms_per_trace_without_jit", num(b, "app_cpu_ms_per_trace_without_jit"));
        r.put("two_a_cpu_cores", num(b, "a_cpu_cores"));
        r.put("two_b_cpu_cores", num(b, "b_cpu_cores"));
        r.put("two_a_cpu_ms_per_own_trace", num(b, "a_cpu_ms_per_own_trace"));
        r.put("two_b_cpu_ms_per_own_trace", num(b, "b_cpu_ms_per_own_trace"));
        r.put("two_a_traces", (long) num(b, "a_traces"));
        r.put("two_b_traces", (long) num(b, "b_traces"));
        r.put("two_replicas_with_chunks", (long) num(b, "replicas_with_chunks"));
        r.put("two_postgres_cpu_cores", num(b, "postgres_cpu_cores"));
        r.put("two_postgres_cpu_ms_per_trace", num(b, "postgres_cpu_ms_per_trace"));
        r.put("two_fake_llm_cpu_cores", num(b, "fake_llm_cpu_cores"));
        r.put("two_traces_without_verdict", (long) num(b, "traces_without_verdict"));
        r.put("two_traces_with_two", (long) num(b, "traces_with_two"));
        r.put("two_call_p50_ms", num(b, "p50_ms"));
        r.put("status", "measured");
        Stats.write(out, r);
        System.out.printf(Locale.ROOT, "two replicas %.1f traces/s, one %.1f%s: ratio %.2f (target >= 1.8)%n", tTwo, tOne,
                z == null ? "" : String.format(Locale.ROOT, " (run-helpers=0: %.1f, ratio %.2f)",
                        num(z, "throughput_per_s"), tTwo / num(z, "throughput_per_s")), tTwo / tOne);
    }

    static double num(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([-0-9.eE+]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static String adminToken(HttpClient client, String keycloak) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(keycloak + "/realms/jury/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&client_id=jury-cli&username=admin&password=admin")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no admin token: " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    /** User + system ticks of a process; 0 when it is gone. */
    static long ticks(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** User + system ticks of the JVM's JIT compiler threads (C1 and C2 CompilerThread*). */
    static long jitTicks(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                        String text = Files.readString(task.resolve("stat"));
                        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
                        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (Exception gone) {
                    // the thread ended
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return total;
    }

    /** A cgroup v1 cpu controller's nr_throttled and throttled_time (ns); zeros without one. */
    static long[] throttled(String cgroup) {
        long[] r = new long[2];
        if (cgroup.isEmpty()) {
            return r;
        }
        try {
            for (String line : Files.readAllLines(Path.of(cgroup, "cpu.stat"))) {
                String[] f = line.split(" ");
                if (f[0].equals("nr_throttled")) {
                    r[0] = Long.parseLong(f[1]);
                } else if (f[0].equals("throttled_time")) {
                    r[1] = Long.parseLong(f[1]);
                }
            }
        } catch (Exception e) {
            // no such cgroup (any more)
        }
        return r;
    }

    static long selfCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
