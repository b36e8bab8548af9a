import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side latencies from the app's own Prometheus histogram {@code http_server_requests_seconds} (buckets
 * published for the review loop's routes when the app runs with {@code jury.review.latency-histogram=true}). Two
 * scrapes bracket the measured window; their difference is a histogram of exactly the requests that ended in it,
 * and percentiles are interpolated linearly inside the bucket they fall in (buckets are ≈ 10 % apart, so a
 * percentile is exact to about that).
 */
public class ServerTimings {

    /** Clock ticks per second of /proc/PID/stat (USER_HZ; 100 on Linux unless BENCH_CLK_TCK says otherwise). */
    static final double HZ = Double.parseDouble(System.getenv().getOrDefault("BENCH_CLK_TCK", "100"));

    /** User + system CPU ticks of the app (its PID in BENCH_APP_PID, set by bench/run.sh); 0 when unknown. */
    static long appTicks() {
        String pid = System.getenv("BENCH_APP_PID");
        return pid == null ? 0 : ticks(Path.of("/proc", pid, "stat"));
    }

    /** User + system CPU ticks of every PostgreSQL process (all backends share the machine's one server). */
    /** The app's resident set size in KiB (VmRSS of BENCH_APP_PID); 0 when unknown. */
    static long appRssKb() {
        String pid = System.getenv("BENCH_APP_PID");
        if (pid == null) {
            return 0;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static long postgresTicks() {
        long total = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(dir.resolve("comm")).startsWith("postgres")) {
                        total += ticks(dir.resolve("stat"));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended between listing and reading
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    private static long ticks(Path stat) {
        try {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static final Pattern BUCKET = Pattern.compile(
            "^http_server_requests_seconds_bucket\\{(.*)} ([0-9.eE+-]+)$");
    private static final Pattern SUM = Pattern.compile("^http_server_requests_seconds_sum\\{(.*)} ([0-9.eE+-]+)$");
    private static final Pattern URI_TAG = Pattern.compile("uri=\"([^\"]*)\"");
    private static final Pattern LE_TAG = Pattern.compile("le=\"([^\"]*)\"");

    /** route → (upper bound in seconds → cumulative count, summed over status and outcome); "sum:" + route → seconds. */
    /** The app's credential cache (dev.jury.security.CredentialCache): requests answered from it, and not. */
    private static final Pattern CREDENTIAL_CACHE =
            Pattern.compile("jury_security_credential_cache_total\\{result=\"(hit|miss)\"} ([0-9.eE+]+)");

    static Map<String, Object> scrape(HttpClient client, String base, String adminToken) throws Exception {
        // /q/metrics needs the admin or service role (docs/security.md)
        String body = client.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .header("Authorization", "Bearer " + adminToken)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Object> routes = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher cache = CREDENTIAL_CACHE.matcher(line);
            if (cache.matches()) {
                routes.merge("credential_cache_" + cache.group(1), Double.parseDouble(cache.group(2)),
                        (a, b) -> (Double) a + (Double) b);
                continue;
            }
            Matcher bucket = BUCKET.matcher(line);
            if (bucket.matches()) {
                Matcher uri = URI_TAG.matcher(bucket.group(1));
                Matcher le = LE_TAG.matcher(bucket.group(1));
                if (uri.find() && le.find()) {
                    double bound = "+Inf".equals(le.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                    @SuppressWarnings("unchecked")
                    var buckets = (TreeMap<Double, Double>) routes.computeIfAbsent(uri.group(1), u -> new TreeMap<Double, Double>());
                    buckets.merge(bound, Double.parseDouble(bucket.group(2)), Double::sum);
                }
                continue;
            }
            Matcher sum = SUM.matcher(line);
            if (sum.matches()) {
                Matcher uri = URI_TAG.matcher(sum.group(1));
                if (uri.find()) {
                    routes.merge("sum:" + uri.group(1), Double.parseDouble(sum.group(2)), (a, b) -> (Double) a + (Double) b);
                }
            }
        }
        return routes;
    }

    /** server_{name}_p50_ms, _p95_ms, _p99_ms, _mean_ms and _calls for each route, over the window between scrapes. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> window(Map<String, Object> before, Map<String, Object> after, Map<String, String> routes) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String result : new String[]{"hit", "miss"}) {
            Object a = after.get("credential_cache_" + result);
            if (a != null) {
                out.put("credential_cache_" + result, Math.round((Double) a
                        - (Double) before.getOrDefault("credential_cache_" + result, 0.0)));
            }
        }
        for (var route : routes.entrySet()) {
            var b = (TreeMap<Double, Double>) before.getOrDefault(route.getValue(), new TreeMap<Double, Double>());
            var a = (TreeMap<Double, Double>) after.get(route.getValue());
            if (a == null) {
                System.err.println("reviewer-loop: no histogram for " + route.getValue()
                        + " on /q/metrics (is jury.review.latency-histogram on?)");
                continue;
            }
            TreeMap<Double, Double> diff = new TreeMap<>();
            a.forEach((bound, count) -> diff.put(bound, count - b.getOrDefault(bound, 0.0)));
            double total = diff.lastEntry().getValue();
            String key = "server_" + route.getKey();
            for (int p : new int[]{50, 95, 99}) {
                out.put(key + "_p" + p + "_ms", total == 0 ? -1 : Math.round(quantile(diff, p / 100.0) * 10_000) / 10.0);
            }
            double sum = (Double) after.getOrDefault("sum:" + route.getValue(), 0.0)
                    - (Double) before.getOrDefault("sum:" + route.getValue(), 0.0);
            out.put(key + "_mean_ms", total == 0 ? -1 : Math.round(sum / total * 10_000) / 10.0);
            out.put(key + "_calls", Math.round(total));
        }
        return out;
    }

    /** Seconds; linear inside the bucket holding the q-quantile (the first bucket starts at 0). */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.lastEntry().getValue();
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (var bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lower; // beyond the largest bound: report that bound
                }
                double inBucket = bucket.getValue() - below;
                return inBucket <= 0 ? bucket.getKey() : lower + (bucket.getKey() - lower) * (rank - below) / inBucket;
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return lower;
    }
}
