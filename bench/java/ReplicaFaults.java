import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two more replica faults (issue 12, docs/jobs.md), for {@code bench/scenarios/replicas-review.sh}:
 * <ul>
 *   <li>{@code review}: REVIEWERS Keycloak reviewers, half on replica A and half on replica B, each loop
 *       {@code POST /api/v1/queues/{id}/next} + {@code POST /api/v1/leases/{id}/submit} on one queue of ITEMS items
 *       with K reviewers per item until the queue has nothing left for them. Afterwards every item must have
 *       exactly K current labels of the queue (none over, none under) and every acknowledged submit must be stored
 *       exactly once.</li>
 *   <li>{@code align-start}: a judge, labels and a SIMBA alignment against the fake LLM, started through the API;
 *       returns once the run is RUNNING and past its first phase (held-out scoring), writing the run and job ids to
 *       STATE. The scenario then kills both replicas with {@code kill -9} and starts them again.</li>
 *   <li>{@code align-verify}: waits for that run to end. It must end SUCCEEDED (resumed on the same split) or
 *       FAILED with a reason in its error and log — never stay RUNNING.</li>
 * </ul>
 * <pre>
 * java ReplicaFaults review BASE_A BASE_B TOKEN EXPERIMENT JDBC KEYCLOAK REVIEWERS ITEMS K OUT_JSON
 * java ReplicaFaults align-start BASE TOKEN EXPERIMENT TRACES STATE
 * java ReplicaFaults align-verify BASE TOKEN STATE MAX_SECONDS OUT_JSON
 * </pre>
 */
public class ReplicaFaults {

    private static final Pattern LEASE = Pattern.compile("\"lease_id\"\\s*:\\s*(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern ASSESSMENT = Pattern.compile("\"assessment_id\"\\s*:\\s*(\\d+)");
    private static final String[] LEVELS = {"excellent", "good", "fair", "poor"};

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "review" -> review(args);
            case "align-start" -> alignStart(args);
            case "align-verify" -> alignVerify(args);
            default -> throw new IllegalArgumentException("unknown phase " + args[0]);
        }
    }

    // ---- reviewers on two replicas -------------------------------------------------------------------------

    static void review(String[] args) throws Exception {
        String baseA = args[1];
        String baseB = args[2];
        String adminToken = args[3];
        String experiment = args[4];
        String jdbc = args[5];
        String keycloak = args[6];
        int reviewers = Integer.parseInt(args[7]);
        int items = Integer.parseInt(args[8]);
        int k = Integer.parseInt(args[9]);
        Path out = Path.of(args[10]);
        var client = BenchWorld.client();
        List<String> usernames = new ArrayList<>();
        long queueId = BenchWorld.reviewQueue(client, adminToken, baseA, experiment, jdbc, keycloak, reviewers, items, k,
                usernames);
        System.out.printf(Locale.ROOT, "replicas-review: queue %d, %d items, k = %d, %d reviewers (half on %s, half "
                + "on %s)%n", queueId, items, k, reviewers, baseA, baseB);

        Instant started = Instant.now();
        List<Reviewer> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < reviewers; r++) {
            var loop = new Reviewer(client, r % 2 == 0 ? baseA : baseB, queueId,
                    ReviewerLoad.token(client, keycloak, usernames.get(r)), started.plusSeconds(240));
            loops.add(loop);
            threads.add(new Thread(loop, "reviewer-" + r));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;

        List<Double> latencies = new ArrayList<>();
        List<Long> acknowledged = new ArrayList<>();
        long errors = 0;
        String firstError = null;
        long unfinished = 0;
        for (Reviewer loop : loops) {
            latencies.addAll(loop.latencies);
            acknowledged.addAll(loop.acknowledged);
            errors += loop.errors;
            unfinished += loop.done ? 0 : 1;
            if (firstError == null) {
                firstError = loop.firstError;
            }
        }
        Map<String, Object> checks = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            String perItem = """
                    SELECT i.id, (SELECT count(*) FROM assessment a WHERE a.queue_id = i.queue_id AND a.trace_id = i.trace_id
                                    AND a.source_type = 'HUMAN' AND a.superseded_by IS NULL) AS labels
                      FROM queue_item i WHERE i.queue_id = %d""".formatted(queueId);
            checks.put("items_over_k", ReviewerLoad.single(c, "SELECT count(*) FROM (" + perItem + ") x WHERE labels > " + k));
            checks.put("items_under_k", ReviewerLoad.single(c, "SELECT count(*) FROM (" + perItem + ") x WHERE labels < " + k));
            checks.put("labels_stored", ReviewerLoad.single(c, "SELECT count(*) FROM assessment WHERE queue_id = " + queueId));
            String ids = acknowledged.isEmpty() ? "0" : String.join(",", acknowledged.stream().map(String::valueOf).toList());
            checks.put("acknowledged", acknowledged.size());
            checks.put("acknowledged_missing", acknowledged.size() - ReviewerLoad.single(c,
                    "SELECT count(*) FROM assessment WHERE id IN (" + ids + ")"));
            checks.put("acknowledged_twice", acknowledged.size() - acknowledged.stream().distinct().count());
        }
        long breaches = (long) checks.get("items_over_k") + (long) checks.get("items_under_k")
                + (long) checks.get("acknowledged_missing") + (long) checks.get("acknowledged_twice") + unfinished;
        double[] millis = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Object> extra = new LinkedHashMap<>(checks);
        extra.put("reviewers", reviewers);
        extra.put("items", items);
        extra.put("k", k);
        extra.put("reviewers_not_finished", unfinished);
        extra.put("first_error", firstError == null ? "" : ReviewerLoad.abbreviate(firstError).replace("\"", "'"));
        extra.put("note", "latency = next + submit; half of the reviewers on each replica");
        var result = Stats.result("replicas-review", millis, acknowledged.size(), "labels", seconds,
                errors + breaches, extra);
        Stats.write(out, result);
        System.out.println("replicas-review: " + checks + (firstError == null ? "" : "; first error: " + firstError));
        System.out.println(Stats.row(result));
        if (errors + breaches > 0) {
            System.exit(1);
        }
    }

    /** One reviewer: next + submit until the queue has nothing left for them (204). */
    static final class Reviewer implements Runnable {
        final HttpClient client;
        final String base;
        final long queueId;
        final String token;
        final Instant deadline;
        final List<Double> latencies = new ArrayList<>();
        final List<Long> acknowledged = new ArrayList<>();
        long errors;
        boolean done;
        String firstError;

        Reviewer(HttpClient client, String base, long queueId, String token, Instant deadline) {
            this.client = client;
            this.base = base;
            this.queueId = queueId;
            this.token = token;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            while (Instant.now().isBefore(deadline)) {
                try {
                    long t0 = System.nanoTime();
                    var offered = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/queues/"
                            + queueId + "/next")).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()));
                    if (offered.statusCode() == 204) {
                        done = true;
                        return;
                    }
                    Matcher lease = LEASE.matcher(offered.body());
                    Matcher leaseToken = TOKEN.matcher(offered.body());
                    if (offered.statusCode() != 200 || !lease.find() || !leaseToken.find()) {
                        error("next " + offered.statusCode() + " " + offered.body());
                        continue;
                    }
                    var stored = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/leases/"
                                    + lease.group(1) + "/submit")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + leaseToken.group(1)
                                    + "\",\"value\":\"" + LEVELS[ThreadLocalRandom.current().nextInt(4)]
                                    + "\",\"rationale\":\"bench\"}")));
                    latencies.add((System.nanoTime() - t0) / 1e6);
                    Matcher id = ASSESSMENT.matcher(stored.body());
                    if (stored.statusCode() != 201 || !id.find()) {
                        error("submit " + stored.statusCode() + " " + stored.body());
                        continue;
                    }
                    acknowledged.add(Long.parseLong(id.group(1)));
                } catch (Exception e) {
                    error(e.toString());
                }
            }
        }

        private void error(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }
    }

    // ---- restart both replicas during an alignment ---------------------------------------------------------

    static void alignStart(String[] args) throws Exception {
        String base = args[1];
        String token = args[2];
        String experiment = args[3];
        int traces = Integer.parseInt(args[4]);
        Path state = Path.of(args[5]);
        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;
        AlignmentCostLoad.policyJudge(client, token, api, experiment, 201, 200);
        var ndjson = new StringBuilder();
        int refunds = traces * 3 / 10;
        for (int i = 0; i < traces; i++) {
            boolean refund = i < refunds;
            ndjson.append("{\"inputs\": {\"question\": \"").append(refund ? "I want a refund for my order #" + i
                            : "When does my order #" + i + " arrive?").append("\"}, \"outputs\": {\"answer\": \"")
                    .append(refund ? "Sure, I refunded you in full." : "It arrives on Tuesday.").append("\"}}\n");
        }
        String ingested = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(api + "/traces"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString()))).body();
        Matcher ids = Pattern.compile("\"ids\"\\s*:\\s*\\[([^\\]]*)]").matcher(ingested);
        if (!ids.find()) {
            throw new IllegalStateException("no ids in " + ingested);
        }
        var labels = new StringBuilder("[");
        String[] traceIds = ids.group(1).split(",");
        for (int i = 0; i < traceIds.length; i++) {
            for (String reviewer : List.of("alice", "bob")) {
                labels.append(labels.length() > 1 ? "," : "").append("{\"trace_id\": ").append(traceIds[i].strip())
                        .append(", \"name\": \"policy\", \"value\": \"").append(i < refunds ? "no" : "yes")
                        .append("\", \"source_type\": \"HUMAN\", \"source_id\": \"").append(reviewer).append("\"}");
            }
        }
        JudgeRunLoad.call(client, token, "POST", api + "/assessments", labels.append(']').toString(), 201);
        String accepted = JudgeRunLoad.call(client, token, "POST", api + "/judges/policy/alignments",
                "{\"optimizer\": \"simba\", \"reflection_model\": \"openai-compatible:/bench-reflector\", "
                        + "\"seed\": 7, \"base_version\": \"1\"}", 202);
        String runId = first(accepted, "\"run_id\"\\s*:\\s*(\\d+)");
        String jobId = first(accepted, "\"job_id\"\\s*:\\s*(\\d+)");
        Instant deadline = Instant.now().plusSeconds(300);
        String body = "";
        while (Instant.now().isBefore(deadline)) {
            body = JudgeRunLoad.call(client, token, "GET", base + "/api/v1/jobs/" + jobId, null, 200);
            String status = first(body, "\"status\"\\s*:\\s*\"(\\w+)\"");
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                throw new IllegalStateException("the alignment ended " + status + " before the restart: " + body);
            }
            if (status.equals("RUNNING") && Long.parseLong(first(body, "\"done\"\\s*:\\s*(\\d+)")) >= 2) {
                break; // held-out scoring done and at least one optimizer step: mid-way
            }
            Thread.sleep(200);
        }
        System.out.printf("replicas-review: alignment run %s (job %s) is mid-way: %s%n", runId, jobId,
                first(body, "\"progress\"\\s*:\\s*(\\{[^}]*})"));
        Files.writeString(state, runId + " " + jobId + " " + Instant.now() + "\n");
    }

    static void alignVerify(String[] args) throws Exception {
        String base = args[1];
        String token = args[2];
        String[] state = Files.readString(Path.of(args[3])).strip().split(" ");
        int maxSeconds = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        String runId = state[0];
        Instant killed = Instant.parse(state[2]);
        var client = BenchWorld.client();
        Instant deadline = Instant.now().plusSeconds(maxSeconds);
        String body = "";
        String status = "";
        double resumedAfter = -1;
        while (Instant.now().isBefore(deadline)) {
            body = JudgeRunLoad.call(client, token, "GET", base + "/api/v1/alignments/" + runId, null, 200);
            status = first(body, "\"status\"\\s*:\\s*\"(\\w+)\"");
            if (resumedAfter < 0 && body.contains("Resumed after its worker stopped")) {
                resumedAfter = Duration.between(killed, Instant.now()).toMillis() / 1000.0;
            }
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                break;
            }
            Thread.sleep(500);
        }
        double seconds = Duration.between(killed, Instant.now()).toMillis() / 1000.0;
        String error = first(body, "\"error\"\\s*:\\s*\"([^\"]*)\"");
        boolean clean = status.equals("SUCCEEDED") || (status.equals("FAILED") && !error.equals("?"));
        System.out.printf(Locale.ROOT, "replicas-review: after kill -9 of both replicas and a restart, alignment run "
                        + "%s ended %s %.0f s later (resumed after %.1f s)%s; its log showed the resume: %s%n", runId,
                status, seconds, resumedAfter, error.equals("?") ? "" : ", error: " + error,
                resumedAfter >= 0);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("run_status", status);
        extra.put("run_error", error.replace("\"", "'"));
        extra.put("resumed_after_s", resumedAfter);
        extra.put("accuracy_before", first(body, "\"before\"\\s*:\\s*\\{[^}]*\"accuracy\"\\s*:\\s*([0-9.]+)"));
        extra.put("accuracy_after", first(body, "\"after\"\\s*:\\s*\\{[^}]*\"accuracy\"\\s*:\\s*([0-9.]+)"));
        extra.put("note", "latency = both replicas killed → the run's log shows the resume");
        var result = Stats.result("replicas-restart", new double[] {Math.max(resumedAfter, 0) * 1000}, 1, "runs",
                seconds, clean ? 0 : 1, extra);
        Stats.write(out, result);
        System.out.println(Stats.row(result));
        if (!clean) {
            System.exit(1);
        }
    }

    static String first(String body, String regex) {
        Matcher m = Pattern.compile(regex).matcher(body);
        return m.find() ? m.group(1) : "?";
    }
}
