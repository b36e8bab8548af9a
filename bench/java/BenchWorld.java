import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What several scenarios set up the same way: the HTTP client, a service token, the four-level {@code quality} rubric
 * with a queue of bench reviewers, and a yes/no judge with tagged traces to run it on. One place, so a change of the
 * API or of the seed shows up in every scenario at once.
 */
final class BenchWorld {

    /** The rubric of the reviewer scenarios (reviewer-loop, agreement-report, replicas-review, db-outage). */
    static final String QUALITY_RUBRIC = """
            {"kind":"categorical","rationale_required":false,"levels":[
             {"value":"excellent","label":"Excellent","definition":"Correct and complete.","negative":false},
             {"value":"good","label":"Good","definition":"Correct, minor omissions.","negative":false},
             {"value":"fair","label":"Fair","definition":"Partly correct.","negative":true},
             {"value":"poor","label":"Poor","definition":"Wrong.","negative":true}]}""";

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private BenchWorld() {
    }

    /** HTTP/1.1 like a browser's or SDK's keep-alive connections; a 5 s connect timeout. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A client-credentials token of the realm's {@code jury-service} client (demo secret). */
    static String serviceToken(HttpClient client, String keycloak) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(keycloak + "/realms/jury/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=jury-service&client_secret=jury-service-secret"))
                .build();
        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no service token: " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    /** Defines (or keeps) the {@code quality} rubric ({@link #QUALITY_RUBRIC}) in {@code experiment}. */
    static void qualityRubric(HttpClient client, String token, String base, String experiment) throws Exception {
        JudgeRunLoad.call(client, token, "PUT", base + "/api/v1/experiments/" + experiment + "/rubrics/quality",
                QUALITY_RUBRIC, 200, 201);
    }

    /** {@code bench-reviewer-01 … NN}: Keycloak users with role reviewer, created if missing. */
    static List<String> reviewers(HttpClient client, String keycloak, int count) throws Exception {
        List<String> usernames = new ArrayList<>();
        for (int r = 1; r <= count; r++) {
            usernames.add(String.format(Locale.ROOT, "bench-reviewer-%02d", r));
        }
        ReviewerLoad.ensureUsers(client, keycloak, usernames);
        return usernames;
    }

    /**
     * The {@code quality} rubric, {@code reviewers} bench reviewers and a queue of {@code items} items with k
     * reviewers each (seeded in PostgreSQL); returns the queue's id.
     */
    static long reviewQueue(HttpClient client, String adminToken, String base, String experiment, String jdbc,
                            String keycloak, int reviewers, int items, int k, List<String> usernamesOut)
            throws Exception {
        qualityRubric(client, adminToken, base, experiment);
        List<String> usernames = reviewers(client, keycloak, reviewers);
        usernamesOut.addAll(usernames);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            return ReviewerLoad.seed(c, experiment, items, k, 0, usernames);
        }
    }

    /** A yes/no judge {@code name} on {@code model} ("Is the answer right?") with its rubric. */
    static void yesNoJudge(HttpClient client, String token, String api, String name, String model) throws Exception {
        JudgeRunLoad.call(client, token, "PUT", api + "/rubrics/" + name, """
                {"kind": "boolean", "levels": [
                  {"value": "yes", "label": "Good", "definition": "The answer is right.", "negative": false},
                  {"value": "no", "label": "Bad", "definition": "The answer is wrong.", "negative": true}],
                 "rationale_required": false}""", 201, 200);
        JudgeRunLoad.call(client, token, "POST", api + "/judges", """
                {"name": "%s", "instructions": "Is {{ outputs }} right for {{ inputs }}?",
                 "model": "%s", "inference_params": {"temperature": 0.7}}""".formatted(name, model), 201);
    }

    /** {@code traces} question/answer traces tagged {@code bench=tag}, through the NDJSON ingest API. */
    static void taggedTraces(HttpClient client, String token, String api, String tag, int traces) throws Exception {
        var ndjson = new StringBuilder();
        for (int i = 0; i < traces; i++) {
            ndjson.append("{\"inputs\": {\"q\": \"question ").append(i).append("\"}, \"outputs\": \"answer ").append(i)
                    .append("\", \"tags\": {\"bench\": \"").append(tag).append("\"}}\n");
        }
        var ingested = client.send(HttpRequest.newBuilder(URI.create(api + "/traces"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (ingested.statusCode() != 200) {
            throw new IllegalStateException("ingest failed: " + ingested.statusCode() + " " + ingested.body());
        }
    }

    /** How a finished job went: its own start-to-finish seconds, its error count and how many items it did. */
    record JobOutcome(double seconds, long errors, long done) {
    }

    static JobOutcome jobOutcome(Connection c, long job) throws java.sql.SQLException {
        try (var s = c.prepareStatement("SELECT extract(epoch FROM finished_at - started_at), progress_errors,"
                + " progress_done FROM job WHERE id = ?")) {
            s.setLong(1, job);
            var rs = s.executeQuery();
            rs.next();
            return new JobOutcome(rs.getDouble(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** Traces tagged {@code bench=tag} with no current verdict of {@code judge}, and with more than one. */
    static long[] verdicts(Connection c, String judge, String tag) throws java.sql.SQLException {
        try (var s = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n > 1) FROM (
                  SELECT t.id, count(a.id) AS n FROM trace t
                  LEFT JOIN assessment a ON a.trace_id = t.id AND a.name = ? AND a.source_type = 'LLM_JUDGE'
                                        AND a.superseded_by IS NULL
                  WHERE t.tags ->> 'bench' = ? GROUP BY t.id) per_trace""")) {
            s.setString(1, judge);
            s.setString(2, tag);
            var rs = s.executeQuery();
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
