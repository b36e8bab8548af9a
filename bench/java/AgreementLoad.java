import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agreement report on a large experiment: seeds TRACES traces × RATERS human labels on a 4-level rubric (plus,
 * with JUDGE=1, one verdict per trace from judge version 1) directly in PostgreSQL with INSERT … SELECT
 * generate_series, then times {@code GET …/agreement?name=quality&bootstrap=0} REQUESTS times after WARMUP
 * uncounted requests, one at a time, and once more with the default bootstrap. Labels follow a realistic pattern:
 * each trace has a hidden true level, each rater gives it with probability AGREE, else a uniformly random level
 * (fixed seed, so every run seeds the same labels).
 *
 * <pre>java AgreementLoad BASE_URL TOKEN EXPERIMENT JDBC_URL TRACES RATERS JUDGE AGREE REQUESTS WARMUP OUT_JSON</pre>
 */
public class AgreementLoad {

    private static final Pattern TIMINGS = Pattern.compile(
            "\"timings_ms\"\\s*:\\s*\\{\\s*\"load\"\\s*:\\s*([0-9.]+)\\s*,\\s*\"table\"\\s*:\\s*([0-9.]+)\\s*,"
                    + "\\s*\"report\"\\s*:\\s*([0-9.]+)");
    private static final Pattern RATINGS = Pattern.compile("\"ratings\"\\s*:\\s*(\\d+)");
    private static final Pattern ALPHA = Pattern.compile("\"headline\"\\s*:\\s*\\{[^}]*?\"value\"\\s*:\\s*([-0-9.Ee]+)");
    private static final Pattern RESAMPLES = Pattern.compile("\"resamples\"\\s*:\\s*(\\d+)");
    private static final Pattern LABELS_FROM = Pattern.compile("\"labels_from\"\\s*:\\s*\"([a-z]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        String jdbc = args[3];
        int traces = Integer.parseInt(args[4]);
        int raters = Integer.parseInt(args[5]);
        boolean judge = args[6].equals("1");
        double agree = Double.parseDouble(args[7]);
        int requests = Integer.parseInt(args[8]);
        int warmup = Integer.parseInt(args[9]);
        Path out = Path.of(args[10]);

        var client = BenchWorld.client();
        BenchWorld.qualityRubric(client, token, base, experiment);

        long seedStart = System.nanoTime();
        long labels;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            labels = seed(c, experiment, traces, raters, judge, agree);
        }
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        System.out.printf(Locale.ROOT, "%-22s seeded %,d human labels on %,d traces%s in %.1f s%n", "agreement-report",
                labels, traces, judge ? " (+ one judge version)" : "", seedSeconds);

        // BENCH_AGREEMENT_SETTLE seconds: wait before the first request, as an admin would open the report some time
        // after a bulk write; the app's re-warm (jury.agreement.cache.rewarm-every) may read the new labels first.
        int settle = Integer.parseInt(System.getenv().getOrDefault("BENCH_AGREEMENT_SETTLE", "0"));
        if (settle > 0) {
            System.out.printf(Locale.ROOT, "%-22s waiting %d s before the first request%n", "", settle);
            Thread.sleep(settle * 1000L);
        }
        URI uri = URI.create(base + "/api/v1/experiments/" + experiment + "/agreement?name=quality&bootstrap=0");
        // The first requests read the labels in full (the app keeps them afterwards, docs/agreement.md "Label
        // cache"): timed and reported on their own, never in the percentiles.
        var warmups = new java.util.ArrayList<String>();
        for (int i = 0; i < warmup; i++) {
            long w0 = System.nanoTime();
            var response = get(client, uri, token);
            double ms = (System.nanoTime() - w0) / 1e6;
            Matcher t = TIMINGS.matcher(response.body());
            warmups.add(String.format(Locale.ROOT, "%.0f ms (%s, load %s ms)", ms, group(LABELS_FROM, response.body()),
                    t.find() ? t.group(1) : "?"));
        }
        var labelsFrom = new java.util.TreeMap<String, Integer>();
        double[] latencies = new double[requests];
        double[][] server = new double[3][requests];
        long errors = 0;
        String last = "";
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            var response = get(client, uri, token);
            latencies[i] = (System.nanoTime() - t0) / 1e6;
            if (response.statusCode() != 200) {
                errors++;
                continue;
            }
            last = response.body();
            labelsFrom.merge(group(LABELS_FROM, last), 1, Integer::sum);
            Matcher m = TIMINGS.matcher(last);
            if (m.find()) {
                for (int s = 0; s < 3; s++) {
                    server[s][i] = Double.parseDouble(m.group(s + 1));
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        // Once with the default intervals, for the record (not in the percentiles).
        URI withIntervals = URI.create(base + "/api/v1/experiments/" + experiment + "/agreement?name=quality");
        long t0 = System.nanoTime();
        var bootstrapped = get(client, withIntervals, token);
        double bootstrapMillis = (System.nanoTime() - t0) / 1e6;

        var extra = new LinkedHashMap<String, Object>();
        extra.put("traces", traces);
        extra.put("raters", raters);
        extra.put("human_labels", labels);
        extra.put("judge_verdicts", judge ? traces : 0);
        extra.put("ratings_in_report", group(RATINGS, last));
        extra.put("headline_alpha", group(ALPHA, last));
        extra.put("seed_s", Math.round(seedSeconds * 10) / 10.0);
        extra.put("server_load_p50_ms", median(server[0]));
        extra.put("server_table_p50_ms", median(server[1]));
        extra.put("server_report_p50_ms", median(server[2]));
        extra.put("settle_s", settle);
        extra.put("first_request", warmups.isEmpty() ? "" : warmups.get(0));
        extra.put("warmup_requests", warmups);
        extra.put("timed_labels_from", labelsFrom.toString());
        extra.put("with_bootstrap_ms", Math.round(bootstrapMillis * 10) / 10.0);
        extra.put("with_bootstrap_resamples", group(RESAMPLES, bootstrapped.body()));
        extra.put("with_bootstrap_status", bootstrapped.statusCode());
        Map<String, Object> result = Stats.result("agreement-report", latencies, (long) requests * labels,
                "labels", seconds, errors, extra);
        System.out.println(Stats.row(result));
        System.out.printf(Locale.ROOT, "%-22s server side p50: load+stream %s ms, table %s ms, statistics %s ms; "
                        + "with bootstrap (%s resamples): %.0f ms%n", "", extra.get("server_load_p50_ms"),
                extra.get("server_table_p50_ms"), extra.get("server_report_p50_ms"),
                extra.get("with_bootstrap_resamples"), bootstrapMillis);
        System.out.printf(Locale.ROOT, "%-22s uncounted first requests: %s; timed requests' labels: %s%n", "",
                String.join(", ", warmups), labelsFrom);
        Stats.write(out, result);
        if (errors > 0) {
            System.err.println("agreement-report: " + errors + " failed requests; last body: "
                    + last.substring(0, Math.min(500, last.length())));
        }
    }

    /**
     * Traces and labels in a few statements. setseed() makes random() repeatable within the session; the hidden
     * true level of each trace is materialised first so all of its raters see the same one.
     */
    static long seed(Connection c, String experiment, int traces, int raters, boolean judge, double agree)
            throws SQLException {
        long experimentId = single(c, "SELECT id FROM experiment WHERE name = '" + experiment.replace("'", "") + "'");
        long rubricVersion = single(c, "SELECT v.id FROM rubric_version v JOIN rubric r ON r.id = v.rubric_id "
                + "WHERE r.experiment_id = " + experimentId + " AND r.name = 'quality' ORDER BY v.version DESC LIMIT 1");
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
            s.execute("SELECT setseed(0.42)");
            s.execute("INSERT INTO trace (experiment_id, inputs, outputs, source) "
                    + "SELECT " + experimentId + ", jsonb_build_object('question', 'question ' || g), "
                    + "       jsonb_build_object('answer', 'answer ' || g), 'api' "
                    + "  FROM generate_series(1, " + traces + ") g");
            // The experiment is new (the harness makes one per run), so its traces are exactly these.
            s.execute("CREATE TEMP TABLE bench_truth ON COMMIT DROP AS "
                    + "SELECT id AS trace_id, floor(random() * 4)::int AS truth FROM trace "
                    + "WHERE experiment_id = " + experimentId + " ORDER BY id");
            String levels = "(ARRAY['excellent','good','fair','poor'])";
            s.execute("INSERT INTO assessment (trace_id, name, value, source_type, source_id, rubric_version_id, "
                    + "time_spent_ms, valid) "
                    + "SELECT b.trace_id, 'quality', " + levels + "[1 + CASE WHEN random() < " + agree
                    + " THEN b.truth ELSE floor(random() * 4)::int END], 'HUMAN', 'bench-rater-' || r, "
                    + rubricVersion + ", (5000 + random() * 55000)::bigint, TRUE "
                    + "FROM bench_truth b CROSS JOIN generate_series(1, " + raters + ") r ORDER BY b.trace_id, r");
            if (judge) {
                s.execute("INSERT INTO assessment (trace_id, name, value, source_type, source_id, valid) "
                        + "SELECT b.trace_id, 'quality', " + levels + "[1 + CASE WHEN random() < 0.7 THEN b.truth "
                        + "ELSE floor(random() * 4)::int END], 'LLM_JUDGE', 'judge:quality@v1', TRUE "
                        + "FROM bench_truth b ORDER BY b.trace_id");
            }
        }
        c.commit();
        c.setAutoCommit(true);
        // Steady state, as a table that has been in use: hint bits set, visibility map and statistics current.
        // Otherwise the first reads of a million fresh rows write them all back, and autovacuum competes with
        // the measured requests.
        try (var s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) trace");
            s.execute("VACUUM (ANALYZE) assessment");
        }
        return (long) traces * raters;
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            return rs.getLong(1);
        }
    }

    private static HttpResponse<String> get(HttpClient client, URI uri, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? -1 : Math.round(Stats.percentile(sorted, 50) * 10) / 10.0;
    }

    private static String group(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static void fail(String message) {
        System.err.println("agreement-report: " + message);
        System.exit(1);
    }
}
