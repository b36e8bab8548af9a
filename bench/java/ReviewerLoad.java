import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reviewer loop under load (issue #4 item 8): REVIEWERS real Keycloak users (created through Keycloak's admin
 * REST API if missing, role {@code reviewer}, idempotent) each loop {@code POST /api/v1/queues/{id}/next} and
 * {@code POST /api/v1/leases/{id}/submit} for SECONDS (after WARMUP uncounted seconds) on a queue of ITEMS items
 * with k = K, in an experiment that already holds EXISTING assessments of the same name. Traces, labels, the queue,
 * its items and members are seeded directly in PostgreSQL (the queue as QueueService would store it, with a
 * shuffled priority and the judge's predicted polarity per item). THINK_MS is the pause between receiving an item
 * and submitting it (0 = as fast as possible). Afterwards it checks in SQL that no item holds more than k live
 * leases plus completed labels, and writes EXPLAIN (ANALYZE, BUFFERS) of the dispenser's statements on this data.
 *
 * <pre>java ReviewerLoad BASE_URL TOKEN EXPERIMENT JDBC_URL KEYCLOAK_URL REVIEWERS ITEMS K EXISTING SECONDS WARMUP
 *      THINK_MS OUT_JSON</pre>
 */
public class ReviewerLoad {

    private static final Pattern LEASE = Pattern.compile("\"lease_id\"\\s*:\\s*(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final String[] LEVELS = {"excellent", "good", "fair", "poor"};
    private static final String PASSWORD = "bench-reviewer-not-a-secret";

    public static void main(String[] args) throws Exception {
        LoopSettings settings = LoopSettings.of(args);
        String base = settings.base();
        String adminToken = settings.adminToken();
        int reviewers = settings.reviewers();
        int k = settings.k();
        Path out = settings.out();

        var client = BenchWorld.client();
        BenchWorld.qualityRubric(client, adminToken, base, settings.experiment());

        long t0 = System.nanoTime();
        List<String> usernames = BenchWorld.reviewers(client, settings.keycloak(), reviewers);
        String[] tokens = new String[reviewers];
        for (int r = 0; r < reviewers; r++) {
            tokens[r] = token(client, settings.keycloak(), usernames.get(r));
        }
        double usersSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-22s %d reviewers with Keycloak tokens in %.1f s%n", "reviewer-loop",
                reviewers, usersSeconds);

        long queueId;
        long seedStart = System.nanoTime();
        try (Connection c = DriverManager.getConnection(settings.jdbc(), "postgres", "")) {
            queueId = seed(c, settings.experiment(), settings.items(), k, settings.existing(), usernames);
        }
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        System.out.printf(Locale.ROOT, "%-22s seeded %,d assessments, a queue of %,d items (k = %d) in %.1f s%n", "",
                settings.existing(), settings.items(), k, seedSeconds);

        // ---- the loop ----------------------------------------------------------------------------------------
        long start = System.nanoTime();
        long measureFrom = start + settings.warmup() * 1_000_000_000L;
        long end = measureFrom + settings.seconds() * 1_000_000_000L;
        // Server side: the app's own request timer (jury.review.latency-histogram, set by the scenario), scraped
        // from /q/metrics when the measured window opens and when it closes; the difference is the window.
        MeasuredWindow window = MeasuredWindow.start(client, base, settings.keycloak(), measureFrom, end, "reviewer-loop");
        Loop[] loops = new Loop[reviewers];
        Thread[] threads = new Thread[reviewers];
        for (int r = 0; r < reviewers; r++) {
            loops[r] = new Loop(client, base, queueId, tokens[r], measureFrom, end, settings.thinkMs());
            threads[r] = new Thread(loops[r], "reviewer-" + r);
            threads[r].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        window.join();
        double measuredSeconds = Math.min(System.nanoTime(), end) - measureFrom;
        measuredSeconds /= 1e9;

        List<Double> next = new ArrayList<>();
        List<Double> submit = new ArrayList<>();
        long errors = 0;
        long empty = 0;
        List<String> errorSamples = new ArrayList<>();
        for (Loop loop : loops) {
            next.addAll(loop.next);
            submit.addAll(loop.submit);
            errors += loop.errors;
            empty += loop.empty;
            if (loop.firstError != null && errorSamples.size() < 3) {
                errorSamples.add(loop.firstError);
            }
        }

        Map<String, Object> checks = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(settings.jdbc(), "postgres", "")) {
            queueChecks(c, queueId, k, checks);
            checks.put("items_with_more_than_k_counted_labels", single(c, """
                    SELECT count(*) FROM (SELECT item_id FROM lease WHERE queue_id = %d AND status = 'SUBMITTED'
                                           AND NOT extra GROUP BY item_id HAVING count(*) > %d) x"""
                    .formatted(queueId, k)));
            checks.put("items_full", single(c, "SELECT count(*) FROM queue_item WHERE queue_id = " + queueId
                    + " AND is_full"));
            // what a reviewer's progress shows as complete; must equal items_full (ReviewService.progress)
            checks.put("items_complete_counter", single(c, "SELECT items_complete FROM review_queue WHERE id = "
                    + queueId));
            Path plans = out.resolveSibling("reviewer-loop-plans.txt");
            try {
                Files.createDirectories(plans.getParent());
                Files.writeString(plans, Plans.explain(c, queueId, usernames.get(0), k));
                System.out.printf(Locale.ROOT, "%-22s query plans: %s%n", "", plans);
            } catch (SQLException e) {
                System.err.println("reviewer-loop: could not explain the plans: " + e);
            }
        }

        var extra = new LinkedHashMap<String, Object>();
        settings.describe(extra);
        extra.put("think_during_warmup", THINK_DURING_WARMUP);
        extra.put("seed_s", Math.round(seedSeconds * 10) / 10.0);
        putPercentiles(extra, "next", next);
        putPercentiles(extra, "submit", submit);
        extra.putAll(window.figures(Map.of(
                    "next", "/api/v1/queues/{id}/next", "submit", "/api/v1/leases/{id}/submit"), submit.size()));
        extra.put("next_empty", empty);
        extra.putAll(checks);
        if (!errorSamples.isEmpty()) {
            extra.put("error_samples", String.join(" | ", errorSamples));
        }
        double[] all = new double[next.size() + submit.size()];
        int i = 0;
        for (double v : next) {
            all[i++] = v;
        }
        for (double v : submit) {
            all[i++] = v;
        }
        Map<String, Object> result = Stats.result("reviewer-loop", all, submit.size(), "labels", measuredSeconds,
                errors, extra);
        System.out.println(Stats.row(result));
        System.out.printf(Locale.ROOT, "%-22s next   p50 %s p95 %s p99 %s ms (%,d calls); submit p50 %s p95 %s p99 %s ms "
                        + "(%,d calls); %d errors; items over k: %s%n", "",
                extra.get("next_p50_ms"), extra.get("next_p95_ms"), extra.get("next_p99_ms"), next.size(),
                extra.get("submit_p50_ms"), extra.get("submit_p95_ms"), extra.get("submit_p99_ms"), submit.size(),
                errors, checks.get("items_over_k"));
        if (extra.containsKey("server_next_p50_ms")) {
            System.out.printf(Locale.ROOT, "%-22s server side: next p50 %s p95 %s p99 %s ms (%s calls); submit p50 %s "
                            + "p95 %s p99 %s ms (%s calls)%n", "",
                    extra.get("server_next_p50_ms"), extra.get("server_next_p95_ms"), extra.get("server_next_p99_ms"),
                    extra.get("server_next_calls"), extra.get("server_submit_p50_ms"),
                    extra.get("server_submit_p95_ms"), extra.get("server_submit_p99_ms"),
                    extra.get("server_submit_calls"));
        }
        if (extra.containsKey("app_cpu_ms_per_label")) {
            System.out.printf(Locale.ROOT, "%-22s in the window: app CPU %s s, PostgreSQL CPU %s s = %s + %s ms per label "
                            + "(next + submit)%n", "", extra.get("window_app_cpu_s"), extra.get("window_postgres_cpu_s"),
                    extra.get("app_cpu_ms_per_label"), extra.get("postgres_cpu_ms_per_label"));
        }
        Stats.write(out, result);
        if (errors > 0) {
            System.err.println("reviewer-loop: " + errors + " failed calls, e.g. " + errorSamples);
        }
    }

    /**
     * Whether reviewers also pause during the warm-up. By default they do not: the warm-up then runs the loop at full
     * speed so the JIT has compiled it before the measured window, as it has in a server that has been up for a
     * while. With pauses from the start, 64 reviewers at 5 s per item make ~750 calls in a minute — far too few for
     * the JIT, so the window measured a half-interpreted server (next p50 8.1 ms against 4.6 ms warm).
     * {@code BENCH_REVIEWER_WARMUP_THINK=1} restores pauses during the warm-up.
     */
    static final boolean THINK_DURING_WARMUP = "1".equals(System.getenv("BENCH_REVIEWER_WARMUP_THINK"));

    /** One reviewer: next, (think), submit, until the deadline. Latencies after measureFrom are kept. */
    static final class Loop implements Runnable {
        final HttpClient client;
        final String base;
        final long queueId;
        final String token;
        final long measureFrom;
        final long end;
        final int thinkMs;
        final List<Double> next = new ArrayList<>();
        final List<Double> submit = new ArrayList<>();
        long errors;
        long empty;
        String firstError;

        Loop(HttpClient client, String base, long queueId, String token, long measureFrom, long end, int thinkMs) {
            this.client = client;
            this.base = base;
            this.queueId = queueId;
            this.token = token;
            this.measureFrom = measureFrom;
            this.end = end;
            this.thinkMs = thinkMs;
        }

        @Override
        public void run() {
            var random = ThreadLocalRandom.current();
            while (System.nanoTime() < end) {
                try {
                    long t0 = System.nanoTime();
                    var offered = send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/queues/" + queueId
                            + "/next")).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()));
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && t1 <= end) {
                        next.add((t1 - t0) / 1e6);
                    }
                    if (offered.statusCode() == 204) {
                        empty++;
                        return; // nothing left for this reviewer
                    }
                    if (offered.statusCode() != 200) {
                        error("next " + offered.statusCode() + " " + abbreviate(offered.body()), t0);
                        continue;
                    }
                    Matcher lease = LEASE.matcher(offered.body());
                    Matcher leaseToken = TOKEN.matcher(offered.body());
                    if (!lease.find() || !leaseToken.find()) {
                        error("next without lease: " + abbreviate(offered.body()), t0);
                        continue;
                    }
                    if (thinkMs > 0 && (THINK_DURING_WARMUP || System.nanoTime() >= measureFrom)) {
                        Thread.sleep(random.nextInt(thinkMs / 2, thinkMs * 3 / 2 + 1));
                    }
                    String body = "{\"token\":\"" + leaseToken.group(1) + "\",\"value\":\""
                            + LEVELS[random.nextInt(LEVELS.length)] + "\",\"rationale\":\"bench\"}";
                    long t2 = System.nanoTime();
                    var stored = send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/leases/"
                            + lease.group(1) + "/submit")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)));
                    long t3 = System.nanoTime();
                    if (t2 >= measureFrom && t3 <= end) {
                        submit.add((t3 - t2) / 1e6);
                    }
                    if (stored.statusCode() != 201) {
                        error("submit " + stored.statusCode() + " " + abbreviate(stored.body()), t2);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    error(e.toString(), System.nanoTime());
                }
            }
        }

        private void error(String what, long at) {
            if (at >= measureFrom) {
                errors++;
            }
            if (firstError == null) {
                firstError = what;
            }
        }
    }

    // ---- Keycloak --------------------------------------------------------------------------------------------

    /** Creates the users that are missing (enabled, password set, realm role reviewer); existing ones are reused. */
    static void ensureUsers(HttpClient client, String keycloak, List<String> usernames) throws Exception {
        var tokenResponse = send(client, HttpRequest.newBuilder(URI.create(keycloak
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=kcadmin"
                        + "&password=kcadmin")));
        Matcher m = ACCESS_TOKEN.matcher(tokenResponse.body());
        if (!m.find()) {
            fail("no Keycloak admin token (kcadmin): " + tokenResponse.statusCode() + " " + tokenResponse.body());
        }
        String admin = "Bearer " + m.group(1);
        String realm = keycloak + "/admin/realms/jury";
        String role = send(client, HttpRequest.newBuilder(URI.create(realm + "/roles/reviewer"))
                .header("Authorization", admin).GET()).body();
        for (String username : usernames) {
            String found = send(client, HttpRequest.newBuilder(URI.create(realm + "/users?exact=true&username="
                    + URLEncoder.encode(username, StandardCharsets.UTF_8))).header("Authorization", admin).GET())
                    .body();
            Matcher id = ID.matcher(found);
            if (!id.find()) {
                // First and last name and a verified e-mail: otherwise Keycloak asks to complete the profile and
                // refuses the password grant.
                String user = """
                        {"username":"%s","enabled":true,"firstName":"Bench","lastName":"%s","email":"%s@bench.invalid",
                         "emailVerified":true,"credentials":[{"type":"password","value":"%s","temporary":false}]}"""
                        .formatted(username, username, username, PASSWORD);
                var created = send(client, HttpRequest.newBuilder(URI.create(realm + "/users"))
                        .header("Authorization", admin).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(user)));
                if (created.statusCode() != 201 && created.statusCode() != 409) {
                    fail("create " + username + ": " + created.statusCode() + " " + created.body());
                }
                found = send(client, HttpRequest.newBuilder(URI.create(realm + "/users?exact=true&username="
                        + username)).header("Authorization", admin).GET()).body();
                id = ID.matcher(found);
                if (!id.find()) {
                    fail("user " + username + " not found after creating it: " + found);
                }
            }
            var mapped = send(client, HttpRequest.newBuilder(URI.create(realm + "/users/" + id.group(1)
                            + "/role-mappings/realm")).header("Authorization", admin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[" + role + "]")));
            if (mapped.statusCode() / 100 != 2) {
                fail("role reviewer for " + username + ": " + mapped.statusCode() + " " + mapped.body());
            }
        }
    }

    static String token(HttpClient client, String keycloak, String username) throws Exception {
        var response = send(client, HttpRequest.newBuilder(URI.create(keycloak
                        + "/realms/jury/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=jury-cli&username="
                        + username + "&password=" + PASSWORD)));
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (!m.find()) {
            fail("no token for " + username + ": " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    // ---- data ------------------------------------------------------------------------------------------------

    /**
     * EXISTING assessments of 'quality' (three reviewers of an earlier round and one judge version per trace, on
     * EXISTING / 4 traces), then a queue over ITEMS of those traces as QueueService stores one: pinned to the
     * rubric's version, the judge's predicted polarity per item, a shuffled priority, the reviewers as members.
     */
    static long seed(Connection c, String experiment, int items, int k, int existing, List<String> members)
            throws SQLException {
        long experimentId = single(c, "SELECT id FROM experiment WHERE name = '" + experiment.replace("'", "") + "'");
        long rubricVersion = single(c, "SELECT v.id FROM rubric_version v JOIN rubric r ON r.id = v.rubric_id "
                + "WHERE r.experiment_id = " + experimentId + " AND r.name = 'quality' ORDER BY v.version DESC LIMIT 1");
        int traces = Math.max(items, existing / 4);
        String levels = "(ARRAY['excellent','good','fair','poor'])";
        c.setAutoCommit(false);
        long queueId;
        try (var s = c.createStatement()) {
            s.execute("SELECT setseed(0.42)");
            s.execute("INSERT INTO trace (experiment_id, inputs, outputs, source) "
                    + "SELECT " + experimentId + ", jsonb_build_object('question', 'question ' || g), "
                    + "       jsonb_build_object('answer', 'answer ' || g), 'api' FROM generate_series(1, " + traces
                    + ") g");
            s.execute("CREATE TEMP TABLE bench_trace ON COMMIT DROP AS SELECT id AS trace_id, "
                    + "row_number() OVER (ORDER BY id) AS n FROM trace WHERE experiment_id = " + experimentId);
            s.execute("INSERT INTO assessment (trace_id, name, value, source_type, source_id, judge_version_id, valid) "
                    + "SELECT trace_id, 'quality', " + levels + "[1 + floor(random() * 4)::int], 'LLM_JUDGE', "
                    + "'judge:quality@v1', NULL, TRUE FROM bench_trace WHERE n <= " + existing / 4 + " ORDER BY n");
            s.execute("INSERT INTO assessment (trace_id, name, value, source_type, source_id, rubric_version_id, "
                    + "time_spent_ms, valid) "
                    + "SELECT b.trace_id, 'quality', " + levels + "[1 + floor(random() * 4)::int], 'HUMAN', "
                    + "'earlier-reviewer-' || r, " + rubricVersion + ", (5000 + random() * 55000)::bigint, TRUE "
                    + "FROM bench_trace b CROSS JOIN generate_series(1, 3) r WHERE b.n <= "
                    + (existing - existing / 4) / 3 + " ORDER BY b.n, r");
            try (ResultSet rs = s.executeQuery("""
                    INSERT INTO review_queue (experiment_id, name, judge_name, rubric_version_id, size,
                                              reviewers_per_item, balance_target, blind, balance, seed, created_by)
                    VALUES (%d, 'bench-queue', 'quality', %d, %d, %d, 0.30, TRUE, 'BALANCED', 42, 'admin')
                    RETURNING id""".formatted(experimentId, rubricVersion, items, k))) {
                rs.next();
                queueId = rs.getLong(1);
            }
            // Items: ITEMS traces, predicted polarity from the judge's verdict, priority a random permutation.
            s.execute("""
                    INSERT INTO queue_item (queue_id, trace_id, predicted, priority)
                    SELECT %d, b.trace_id,
                           CASE WHEN a.value IN ('fair', 'poor') THEN 'NEGATIVE'
                                WHEN a.value IS NULL THEN 'UNKNOWN' ELSE 'POSITIVE' END,
                           row_number() OVER (ORDER BY random())
                      FROM bench_trace b
                      LEFT JOIN assessment a ON a.trace_id = b.trace_id AND a.source_type = 'LLM_JUDGE'
                     WHERE b.n <= %d""".formatted(queueId, items));
            try (PreparedStatement member = c.prepareStatement(
                    "INSERT INTO queue_member (queue_id, username, added_by) VALUES (?, ?, 'admin')")) {
                for (String username : members) {
                    member.setLong(1, queueId);
                    member.setString(2, username);
                    member.addBatch();
                }
                member.executeBatch();
            }
        }
        c.commit();
        c.setAutoCommit(true);
        try (var s = c.createStatement()) {
            for (String table : new String[]{"trace", "assessment", "queue_item", "lease", "review_queue"}) {
                s.execute("VACUUM (ANALYZE) " + table);
            }
            // The seed writes ~500 MB of WAL, which starts a WAL-triggered checkpoint that spreads its writes over
            // the next ~270 s (checkpoint_completion_target 0.9) — right across the measured window — and makes
            // every first change of a page after it log a full page image. Runs where that overlapped the window
            // doubled PostgreSQL's CPU per label and the p99 of next (docs/performance.md, "Before/after the
            // labels refactor"). Checkpointing here measures the loop, not the seed's aftermath.
            s.execute("CHECKPOINT");
        }
        return queueId;
    }

    /**
     * The checks both loops end with: items leased or labelled beyond k ({@code items_over_k}, must be 0), leases
     * submitted and labels stored in the queue.
     */
    static void queueChecks(Connection c, long queueId, int k, Map<String, Object> checks) throws SQLException {
        checks.put("items_over_k", single(c, """
                SELECT count(*) FROM queue_item i
                 WHERE i.queue_id = %d
                   AND i.completed + (SELECT count(*) FROM lease a WHERE a.item_id = i.id AND a.status = 'LEASED'
                                        AND a.expires_at > now()) > %d""".formatted(queueId, k)));
        checks.put("submitted", single(c, "SELECT count(*) FROM lease WHERE queue_id = " + queueId
                + " AND status = 'SUBMITTED'"));
        checks.put("labels_stored", single(c, "SELECT count(*) FROM assessment WHERE queue_id = " + queueId));
    }

    static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            return rs.getLong(1);
        }
    }

    static void putPercentiles(Map<String, Object> extra, String call, List<Double> latencies) {
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        for (int p : new int[]{50, 95, 99}) {
            extra.put(call + "_p" + p + "_ms", sorted.length == 0 ? -1
                    : Math.round(Stats.percentile(sorted, p) * 10) / 10.0);
        }
        extra.put(call + "_max_ms", sorted.length == 0 ? -1 : Math.round(sorted[sorted.length - 1] * 10) / 10.0);
        extra.put(call + "_calls", sorted.length);
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    static void fail(String message) {
        System.err.println("reviewer-loop: " + message);
        System.exit(1);
    }
}
