import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL outage under load (issue 12, docs/jobs.md). REVIEWERS reviewers loop next + submit on a queue (k = 2)
 * and a judge run over TRACES traces runs against the fake LLM; after WARMUP seconds the bench database — only it,
 * never the shared server — is cut off for OUTAGE seconds the way {@code DatabaseOutageTest} does it
 * ({@code ALTER DATABASE … ALLOW_CONNECTIONS false} and {@code pg_terminate_backend} of its connections), then let
 * back. Checked: while it is down the API answers 503 problem+json (any other 5xx is an error); readiness goes DOWN
 * and back UP by itself; every acknowledged submit is stored exactly once, no reviewer has two current labels on
 * one item; the judge run ends SUCCEEDED with exactly one verdict per trace. Reported: the time from the database's
 * return to the first successful API answer ("p50" column), answers by status during the outage.
 *
 * <pre>java DbOutage BASE TOKEN EXPERIMENT PG_SERVER DATABASE KEYCLOAK REVIEWERS TRACES WARMUP OUTAGE OUT_JSON</pre>
 */
public class DbOutage {

    private static final Pattern LEASE = Pattern.compile("\"lease_id\"\\s*:\\s*(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern ASSESSMENT = Pattern.compile("\"assessment_id\"\\s*:\\s*(\\d+)");
    private static final String[] LEVELS = {"excellent", "good", "fair", "poor"};

    /** What the phases of the run are called in the tallies. */
    enum Phase { BEFORE, DOWN, AFTER }

    static volatile Phase phase = Phase.BEFORE;
    static final Map<String, AtomicLong> tally = new ConcurrentHashMap<>();
    static final List<String> samples = Collections.synchronizedList(new ArrayList<>());
    static final AtomicLong errors = new AtomicLong();
    static volatile Instant firstSuccessAfter;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        String server = args[3];
        String database = args[4];
        String keycloak = args[5];
        int reviewers = Integer.parseInt(args[6]);
        int traces = Integer.parseInt(args[7]);
        int warmup = Integer.parseInt(args[8]);
        int outage = Integer.parseInt(args[9]);
        Path out = Path.of(args[10]);
        String jdbc = server + database;
        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;

        // ---- the world: a queue for the reviewers, a judge and its traces ------------------------------------
        List<String> usernames = new ArrayList<>();
        long queueId = BenchWorld.reviewQueue(client, token, base, experiment, jdbc, keycloak, reviewers, 20_000, 2,
                usernames);
        String judge = "outage_" + Long.toString(System.currentTimeMillis(), 36);
        BenchWorld.yesNoJudge(client, token, api, judge, "openai-compatible:/bench-judge");
        BenchWorld.taggedTraces(client, token, api, judge, traces);

        // ---- load, then the outage ---------------------------------------------------------------------------
        List<String> readiness = Collections.synchronizedList(new ArrayList<>());
        Instant start = Instant.now();
        long job = JudgeRunLoad.jobId(JudgeRunLoad.call(client, token, "POST", api + "/judges/" + judge + "/runs",
                "{\"tag\": \"bench=" + judge + "\"}", 202));
        var stop = new boolean[1];
        List<Reviewer> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < reviewers; r++) {
            var loop = new Reviewer(client, base, queueId, ReviewerLoad.token(client, keycloak, usernames.get(r)), stop);
            loops.add(loop);
            threads.add(new Thread(loop, "reviewer-" + r));
        }
        Thread probe = new Thread(() -> {
            String last = "";
            while (!stop[0]) {
                String state;
                try {
                    var ready = client.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    state = ready.statusCode() == 200 ? "UP" : "DOWN";
                } catch (Exception e) {
                    state = "unreachable";
                }
                if (!state.equals(last)) {
                    readiness.add(String.format(Locale.ROOT, "%s at %.1f s (%s)", state,
                            Duration.between(start, Instant.now()).toMillis() / 1000.0, phase));
                    last = state;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "readiness");
        probe.start();
        threads.forEach(Thread::start);
        Thread.sleep(warmup * 1000L);

        Instant cut;
        Instant back;
        try (Connection admin = DriverManager.getConnection(server + "postgres", "postgres", "")) {
            try {
                try (var s = admin.createStatement()) {
                    s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
                }
                try (var s = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
                    s.setString(1, database);
                    var rs = s.executeQuery();
                    rs.next();
                    cut = Instant.now();
                    phase = Phase.DOWN;
                    System.out.printf(Locale.ROOT, "db-outage: %s cut off at %.1f s (%d connections terminated)%n",
                            database, Duration.between(start, cut).toMillis() / 1000.0, rs.getLong(1));
                }
                Thread.sleep(outage * 1000L);
            } finally {
                try (var s = admin.createStatement()) {
                    s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
                }
            }
            back = Instant.now();
            phase = Phase.AFTER;
            System.out.printf(Locale.ROOT, "db-outage: %s accepts connections again at %.1f s%n", database,
                    Duration.between(start, back).toMillis() / 1000.0);
        }
        Thread.sleep(20_000);
        stop[0] = true;
        for (Thread t : threads) {
            t.join();
        }
        String status = JudgeRunLoad.awaitJob(client, token, base, job, 600);
        probe.join();

        // ---- checks ------------------------------------------------------------------------------------------
        Map<String, Object> checks = new LinkedHashMap<>();
        List<Long> acknowledged = new ArrayList<>();
        loops.forEach(l -> acknowledged.addAll(l.acknowledged));
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            String ids = acknowledged.isEmpty() ? "0"
                    : String.join(",", acknowledged.stream().map(String::valueOf).toList());
            checks.put("acknowledged_labels", acknowledged.size());
            checks.put("acknowledged_missing", acknowledged.size()
                    - ReviewerLoad.single(c, "SELECT count(*) FROM assessment WHERE id IN (" + ids + ")"));
            checks.put("acknowledged_twice", acknowledged.size() - acknowledged.stream().distinct().count());
            checks.put("labels_stored", ReviewerLoad.single(c, "SELECT count(*) FROM assessment WHERE queue_id = "
                    + queueId));
            checks.put("reviewer_items_with_two_labels", ReviewerLoad.single(c, """
                    SELECT count(*) FROM (SELECT trace_id, source_id FROM assessment WHERE queue_id = %d
                                           AND superseded_by IS NULL GROUP BY 1, 2 HAVING count(*) > 1) x"""
                    .formatted(queueId)));
            long[] verdicts = BenchWorld.verdicts(c, judge, judge); // the bench tag is the judge's name
            checks.put("judge_run", status);
            checks.put("traces_without_verdict", verdicts[0]);
            checks.put("traces_with_two_verdicts", verdicts[1]);
        }
        checks.put("readiness", String.join(", ", readiness));
        checks.put("answers", new TreeMap<>(tally.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))).toString());
        boolean sawDown = readiness.stream().anyMatch(s -> s.startsWith("DOWN") && s.contains("DOWN)"));
        boolean upAtEnd = !readiness.isEmpty() && readiness.get(readiness.size() - 1).startsWith("UP");
        double recovery = firstSuccessAfter == null ? -1
                : Duration.between(back, firstSuccessAfter).toMillis() / 1000.0;
        checks.put("recovered_after_s", recovery);
        long breaches = (long) checks.get("acknowledged_missing") + (long) checks.get("acknowledged_twice")
                + (long) checks.get("reviewer_items_with_two_labels") + (long) checks.get("traces_without_verdict")
                + (long) checks.get("traces_with_two_verdicts") + (status.equals("SUCCEEDED") ? 0 : 1)
                + (sawDown ? 0 : 1) + (upAtEnd ? 0 : 1) + (recovery < 0 ? 1 : 0);
        System.out.println("db-outage: " + checks);
        synchronized (samples) {
            samples.stream().limit(5).forEach(s -> System.out.println("db-outage: sample error: " + s));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        checks.forEach((key, value) -> extra.put(key, value instanceof String s ? s.replace("\"", "'") : value));
        extra.put("outage_s", Duration.between(cut, back).toMillis() / 1000.0);
        extra.put("note", "latency = database back → first successful API answer");
        var result = Stats.result("db-outage", new double[] {Math.max(recovery, 0) * 1000}, acknowledged.size(),
                "labels", Duration.between(start, Instant.now()).toMillis() / 1000.0, errors.get() + breaches, extra);
        Stats.write(out, result);
        System.out.println(Stats.row(result));
        if (errors.get() + breaches > 0) {
            System.exit(1);
        }
    }

    /** Counts an answer; any 5xx but a 503 problem+json is an error, and so is a 4xx (the loop makes none). */
    static void count(String call, HttpResponse<String> response) {
        int code = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        boolean problem = type.startsWith("application/problem+json");
        tally.computeIfAbsent(phase + " " + call + " " + code, k -> new AtomicLong()).incrementAndGet();
        if (code / 100 == 2) {
            if (phase == Phase.AFTER && firstSuccessAfter == null) {
                firstSuccessAfter = Instant.now();
            }
            return;
        }
        if (code == 503 && problem && response.headers().firstValue("Retry-After").isPresent()) {
            return;
        }
        errors.incrementAndGet();
        if (samples.size() < 20) {
            samples.add(phase + " " + call + " " + code + " " + type + " " + ReviewerLoad.abbreviate(response.body()));
        }
    }

    static final class Reviewer implements Runnable {
        final HttpClient client;
        final String base;
        final long queueId;
        final String token;
        final boolean[] stop;
        final List<Long> acknowledged = new ArrayList<>();

        Reviewer(HttpClient client, String base, long queueId, String token, boolean[] stop) {
            this.client = client;
            this.base = base;
            this.queueId = queueId;
            this.token = token;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop[0]) {
                try {
                    var offered = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/queues/"
                            + queueId + "/next")).header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()));
                    count("next", offered);
                    Matcher lease = LEASE.matcher(offered.body());
                    Matcher leaseToken = TOKEN.matcher(offered.body());
                    if (offered.statusCode() != 200 || !lease.find() || !leaseToken.find()) {
                        Thread.sleep(200); // 503: come back a little later, as Retry-After asks (shorter here)
                        continue;
                    }
                    Thread.sleep(ThreadLocalRandom.current().nextInt(50, 150)); // reading the item
                    var stored = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/leases/"
                                    + lease.group(1) + "/submit")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + leaseToken.group(1)
                                    + "\",\"value\":\"" + LEVELS[ThreadLocalRandom.current().nextInt(4)]
                                    + "\",\"rationale\":\"bench\"}")));
                    count("submit", stored);
                    Matcher id = ASSESSMENT.matcher(stored.body());
                    if (stored.statusCode() / 100 == 2 && id.find()) {
                        acknowledged.add(Long.parseLong(id.group(1)));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    tally.computeIfAbsent(phase + " exception " + e.getClass().getSimpleName(), k -> new AtomicLong())
                            .incrementAndGet();
                    errors.incrementAndGet();
                    if (samples.size() < 20) {
                        samples.add(phase + " " + e);
                    }
                }
            }
        }
    }
}
