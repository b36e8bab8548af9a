import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * The reviewer loop as reviewers use it (issue 16, deliverable 1): REVIEWERS real Keycloak users, each with its own
 * browser-like session — the OIDC authorization-code flow once (the app redirects to Keycloak's login form, the form
 * is posted, Keycloak redirects back with the code, the app sets its session cookie) — then, for SECONDS after WARMUP,
 * what the review page does: load {@code GET /review/{queue}} (the whole page), and for each item wait THINK_MS
 * (randomly 0.5–1.5×), post the label form with htmx ({@code HX-Request: true}, the CSRF token, lease and lease token
 * taken from the page) to {@code POST /review/{queue}/submit} and read the next item from the fragment it answers.
 * Every PAGE_EVERY items the reviewer reloads the whole page, as after a navigation. Data as {@link ReviewerLoad}.
 *
 * <p>Measured from this separate process: submit+next (one htmx round trip) and page loads; server side, the app's
 * own request timers for the two routes (scraped from /q/metrics when the window opens and closes); app and
 * PostgreSQL CPU per label in the window; afterwards the same SQL checks (no item over k).
 *
 * <pre>java HtmxReviewerLoad BASE_URL TOKEN EXPERIMENT JDBC_URL KEYCLOAK_URL REVIEWERS ITEMS K EXISTING SECONDS
 *      WARMUP THINK_MS OUT_JSON</pre>
 */
public class HtmxReviewerLoad {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    private static final Pattern LEASE = Pattern.compile("name=\"lease\" value=\"(\\d+)\"");
    private static final Pattern LEASE_TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");
    private static final String[] LEVELS = {"excellent", "good", "fair", "poor"};
    static final int PAGE_EVERY = 20;
    private static final String PASSWORD = "bench-reviewer-not-a-secret";

    public static void main(String[] args) throws Exception {
        // Its own experiment, so it can run after reviewer-loop in one bench run (both seed a million labels).
        LoopSettings settings = LoopSettings.of(args);
        settings = settings.withExperiment(settings.experiment() + "-htmx");
        String base = settings.base();
        String adminToken = settings.adminToken();
        String keycloak = settings.keycloak();
        int reviewers = settings.reviewers();
        int k = settings.k();

        var admin = BenchWorld.client();
        JudgeRunLoad.call(admin, adminToken, "POST", base + "/api/v1/experiments",
                "{\"name\":\"" + settings.experiment() + "\"}", 201, 409);
        BenchWorld.qualityRubric(admin, adminToken, base, settings.experiment());
        List<String> usernames = BenchWorld.reviewers(admin, keycloak, reviewers);
        allowRedirectTo(admin, keycloak, base);
        long queueId;
        try (Connection c = DriverManager.getConnection(settings.jdbc(), "postgres", "")) {
            queueId = ReviewerLoad.seed(c, settings.experiment(), settings.items(), k, settings.existing(), usernames);
        }
        System.out.printf(Locale.ROOT, "%-22s seeded %,d assessments and a queue of %,d items (k = %d)%n",
                "reviewer-loop-htmx", settings.existing(), settings.items(), k);

        // ---- sign in: one browser session per reviewer -----------------------------------------------------
        long signIn = System.nanoTime();
        Session[] sessions = new Session[reviewers];
        for (int r = 0; r < reviewers; r++) {
            sessions[r] = Session.signIn(base, queueId, usernames.get(r));
        }
        System.out.printf(Locale.ROOT, "%-22s %d reviewers signed in through the OIDC code flow in %.1f s%n", "",
                reviewers, (System.nanoTime() - signIn) / 1e9);

        // ---- the loop ----------------------------------------------------------------------------------------
        long start = System.nanoTime();
        // Warm-up: WARMUP seconds at full speed, then BENCH_REVIEWER_PACED_WARMUP (120) seconds at the measured pace.
        // The JIT was still compiling the loop's code in the window without the paced part (C2 threads used 0.1-0.3
        // of a core there, and app CPU per label halved once they were done), and a longer full-speed warm-up
        // leaves tens of thousands of dead rows for autovacuum to chew on in the window instead (docs/performance.md,
        // "Fifth pass"). A long-running server is warm; the window measures that steady state.
        long pacedFrom = start + settings.warmup() * 1_000_000_000L;
        long measureFrom = pacedFrom + PACED_WARMUP_SECONDS * 1_000_000_000L;
        long end = measureFrom + settings.seconds() * 1_000_000_000L;
        MeasuredWindow window = MeasuredWindow.start(admin, base, settings.keycloak(), measureFrom, end, "reviewer-loop-htmx");
        Loop[] loops = new Loop[reviewers];
        Thread[] threads = new Thread[reviewers];
        for (int r = 0; r < reviewers; r++) {
            loops[r] = new Loop(sessions[r], pacedFrom, measureFrom, end, settings.thinkMs());
            threads[r] = new Thread(loops[r], "reviewer-" + r);
            threads[r].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        window.join();
        double measuredSeconds = (Math.min(System.nanoTime(), end) - measureFrom) / 1e9;

        List<Double> submit = new ArrayList<>();
        List<Double> page = new ArrayList<>();
        long errors = 0;
        long finished = 0;
        List<String> errorSamples = new ArrayList<>();
        for (Loop loop : loops) {
            submit.addAll(loop.submit);
            page.addAll(loop.page);
            errors += loop.errors;
            finished += loop.queueDone ? 1 : 0;
            if (loop.firstError != null && errorSamples.size() < 3) {
                errorSamples.add(loop.firstError);
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        settings.describe(extra);
        extra.put("page_every", PAGE_EVERY);
        extra.put("paced_warmup_s", PACED_WARMUP_SECONDS);
        ReviewerLoad.putPercentiles(extra, "submit_next", submit);
        ReviewerLoad.putPercentiles(extra, "page", page);
        extra.putAll(window.figures(Map.of(
                    "submit_next", "/review/{queue}/submit", "page", "/review/{queue}"), submit.size()));
        extra.put("reviewers_who_emptied_the_queue", finished);
        try (Connection c = DriverManager.getConnection(settings.jdbc(), "postgres", "")) {
            ReviewerLoad.queueChecks(c, queueId, k, extra);
        }
        if (!errorSamples.isEmpty()) {
            extra.put("error_samples", String.join(" | ", errorSamples));
        }
        double[] all = submit.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Object> result = Stats.result("reviewer-loop-htmx", all, submit.size(), "labels",
                measuredSeconds, errors, extra);
        System.out.println(Stats.row(result));
        System.out.printf(Locale.ROOT, "%-22s submit+next p50 %s p95 %s p99 %s ms (%,d); page p50 %s p99 %s ms (%,d); "
                        + "%d errors; items over k: %s%n", "", extra.get("submit_next_p50_ms"),
                extra.get("submit_next_p95_ms"), extra.get("submit_next_p99_ms"), submit.size(),
                extra.get("page_p50_ms"), extra.get("page_p99_ms"), page.size(), errors, extra.get("items_over_k"));
        if (extra.containsKey("server_submit_next_p50_ms")) {
            System.out.printf(Locale.ROOT, "%-22s server side: submit+next p50 %s p95 %s p99 %s ms; page p50 %s p99 %s ms%n",
                    "", extra.get("server_submit_next_p50_ms"), extra.get("server_submit_next_p95_ms"),
                    extra.get("server_submit_next_p99_ms"), extra.get("server_page_p50_ms"),
                    extra.get("server_page_p99_ms"));
        }
        if (extra.containsKey("app_cpu_ms_per_label")) {
            System.out.printf(Locale.ROOT, "%-22s in the window: app CPU %s s, PostgreSQL CPU %s s = %s + %s ms per label%n",
                    "", extra.get("window_app_cpu_s"), extra.get("window_postgres_cpu_s"),
                    extra.get("app_cpu_ms_per_label"), extra.get("postgres_cpu_ms_per_label"));
        }
        Stats.write(settings.out(), result);
        if (errors > 0) {
            System.err.println("reviewer-loop-htmx: " + errors + " failed calls, e.g. " + errorSamples);
        }
    }

    /**
     * The demo realm lets the browser client come back to ports 8080 and 8081 only; the bench's app listens on a
     * free port, so that port is added to the client's redirect URIs (Keycloak's admin REST API, kcadmin/kcadmin —
     * the bench's own Keycloak, or the local demo one).
     */
    static void allowRedirectTo(HttpClient client, String keycloak, String base) throws Exception {
        var tokenResponse = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(keycloak
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=kcadmin"
                        + "&password=kcadmin")));
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(tokenResponse.body());
        if (!token.find()) {
            ReviewerLoad.fail("no Keycloak admin token: " + tokenResponse.statusCode());
        }
        String auth = "Bearer " + token.group(1);
        String clients = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(keycloak
                + "/admin/realms/jury/clients?clientId=jury")).header("Authorization", auth).GET()).body();
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(clients);
        if (!id.find()) {
            ReviewerLoad.fail("client jury not found: " + ReviewerLoad.abbreviate(clients));
        }
        // Keycloak updates only the fields a representation carries.
        String update = "{\"redirectUris\":[\"http://localhost:8080/*\",\"http://127.0.0.1:8080/*\","
                + "\"http://localhost:8081/*\",\"http://127.0.0.1:8081/*\",\"" + base + "/*\"]}";
        var put = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(keycloak + "/admin/realms/jury/clients/"
                        + id.group(1))).header("Authorization", auth).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(update)));
        if (put.statusCode() / 100 != 2) {
            ReviewerLoad.fail("could not allow redirects to " + base + ": " + put.statusCode() + " " + put.body());
        }
    }

    /**
     * A browser's cookie jar on loopback: Keycloak marks its login cookies {@code Secure} (with SameSite=None), which
     * a browser still sends to 127.0.0.1 (a potentially trustworthy origin) but Java's CookieManager would not send
     * over http; the flag is dropped on the way in, as only loopback is ever spoken to here.
     */
    /** Seconds of warm-up at the measured pace after the full-speed part (BENCH_REVIEWER_PACED_WARMUP, 120). */
    static final long PACED_WARMUP_SECONDS = Long.parseLong(
            System.getenv().getOrDefault("BENCH_REVIEWER_PACED_WARMUP", "120"));

    static final class LoopbackCookies extends java.net.CookieHandler {
        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws java.io.IOException {
            return jar.get(uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws java.io.IOException {
            Map<String, List<String>> relaxed = new java.util.HashMap<>();
            headers.forEach((name, values) -> relaxed.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
                    ? values.stream().map(v -> v.replaceAll("(?i);\\s*Secure", "")).toList() : values));
            jar.put(uri, relaxed);
        }
    }

    /** A reviewer's browser: its own cookie jar (the app's session cookie, the CSRF cookie, Keycloak's cookies). */
    static final class Session {
        final HttpClient client;
        final String base;
        final long queueId;
        final String username;
        String html;

        private Session(HttpClient client, String base, long queueId, String username) {
            this.client = client;
            this.base = base;
            this.queueId = queueId;
            this.username = username;
        }

        /** The authorization-code flow, as a browser follows it, ending on the review page. */
        static Session signIn(String base, long queueId, String username) throws Exception {
            var cookies = new LoopbackCookies();
            var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
                    .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
            var session = new Session(client, base, queueId, username);
            var login = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(session.pageUrl())).GET());
            Matcher action = FORM_ACTION.matcher(login.body());
            if (login.statusCode() != 200 || !action.find()) {
                ReviewerLoad.fail(username + ": expected Keycloak's login form, got " + login.statusCode() + " "
                        + ReviewerLoad.abbreviate(login.body()));
            }
            String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&credentialId=";
            var page = ReviewerLoad.send(client, HttpRequest.newBuilder(URI.create(action.group(1)
                            .replace("&amp;", "&"))).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            if (page.statusCode() != 200 || !page.uri().getPath().startsWith("/review/")) {
                Matcher why = Pattern.compile("(?s)kc-feedback-text\">\\s*([^<]+)|id=\"input-error[^>]*>\\s*([^<]+)")
                        .matcher(page.body());
                ReviewerLoad.fail(username + ": signing in ended at " + page.uri().getPath() + " " + page.statusCode()
                        + (why.find() ? ": " + (why.group(1) != null ? why.group(1) : why.group(2)).strip() : ""));
            }
            session.html = page.body();
            return session;
        }

        String pageUrl() {
            return base + "/review/" + queueId;
        }
    }

    /** One reviewer: page, then (think, htmx submit → next fragment) until the deadline or the queue is done. */
    static final class Loop implements Runnable {
        final Session session;
        final long measureFrom;
        final long end;
        final long pacedFrom;
        final int thinkMs;
        final List<Double> submit = new ArrayList<>();
        final List<Double> page = new ArrayList<>();
        long errors;
        boolean queueDone;
        String firstError;

        Loop(Session session, long pacedFrom, long measureFrom, long end, int thinkMs) {
            this.session = session;
            this.pacedFrom = pacedFrom;
            this.measureFrom = measureFrom;
            this.end = end;
            this.thinkMs = thinkMs;
        }

        @Override
        public void run() {
            var random = ThreadLocalRandom.current();
            String csrf = find(CSRF, session.html);
            String current = session.html;
            int sincePage = 0;
            while (System.nanoTime() < end) {
                try {
                    if (sincePage >= PAGE_EVERY || find(LEASE, current) == null) {
                        long t0 = System.nanoTime();
                        var response = ReviewerLoad.send(session.client,
                                HttpRequest.newBuilder(URI.create(session.pageUrl())).GET());
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom && t1 <= end) {
                            page.add((t1 - t0) / 1e6);
                        }
                        if (response.statusCode() != 200) {
                            error("page " + response.statusCode() + " " + ReviewerLoad.abbreviate(response.body()), t0);
                            continue;
                        }
                        current = response.body();
                        csrf = find(CSRF, current);
                        sincePage = 0;
                        if (find(LEASE, current) == null) {
                            queueDone = true;
                            return; // nothing left for this reviewer
                        }
                    }
                    String lease = find(LEASE, current);
                    String leaseToken = find(LEASE_TOKEN, current);
                    if (thinkMs > 0 && (ReviewerLoad.THINK_DURING_WARMUP || System.nanoTime() >= pacedFrom)) {
                        Thread.sleep(random.nextInt(thinkMs / 2, thinkMs * 3 / 2 + 1));
                    }
                    String form = "csrf-token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&lease=" + lease
                            + "&token=" + URLEncoder.encode(leaseToken, StandardCharsets.UTF_8) + "&value="
                            + LEVELS[random.nextInt(LEVELS.length)] + "&rationale=bench";
                    long t2 = System.nanoTime();
                    var next = ReviewerLoad.send(session.client, HttpRequest.newBuilder(
                                    URI.create(session.pageUrl() + "/submit")).header("HX-Request", "true")
                            .header("HX-Current-URL", session.pageUrl())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)));
                    long t3 = System.nanoTime();
                    if (t2 >= measureFrom && t3 <= end) {
                        submit.add((t3 - t2) / 1e6);
                    }
                    sincePage++;
                    if (next.statusCode() != 200 || next.body().contains("<html")) {
                        error("submit " + next.statusCode() + " " + ReviewerLoad.abbreviate(next.body()), t2);
                        sincePage = PAGE_EVERY; // start again from the page
                        continue;
                    }
                    current = next.body();
                    String refreshed = find(CSRF, current);
                    if (refreshed != null) {
                        csrf = refreshed;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    error(e.toString(), System.nanoTime());
                    sincePage = PAGE_EVERY;
                }
            }
        }

        private static String find(Pattern pattern, String html) {
            Matcher m = pattern.matcher(html);
            return m.find() ? m.group(1) : null;
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
}
