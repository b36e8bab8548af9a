import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured window of a reviewer-loop scenario, seen from the server: a thread that scrapes the app's request
 * timers (/q/metrics) and reads the app's and PostgreSQL's CPU ticks when the window opens and when it closes, so the
 * scenario can report server-side percentiles and CPU per label of exactly that window (no start-up, seeding or
 * warm-up). Shared by {@link ReviewerLoad} (JSON loop) and {@link HtmxReviewerLoad} (the htmx pages).
 */
final class MeasuredWindow {

    private final Map<String, Object>[] scrapes;
    private final long[] cpu = new long[4];
    private final long[] rssKb = new long[2];
    private final Thread thread;

    @SuppressWarnings("unchecked")
    private MeasuredWindow(HttpClient client, String base, java.util.concurrent.Callable<String> token, long measureFrom, long end, String name) {
        this.scrapes = new Map[2];
        this.thread = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
                scrapes[0] = ServerTimings.scrape(client, base, token.call());
                cpu[0] = ServerTimings.appTicks();
                cpu[1] = ServerTimings.postgresTicks();
                rssKb[0] = ServerTimings.appRssKb();
                Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
                scrapes[1] = ServerTimings.scrape(client, base, token.call());
                cpu[2] = ServerTimings.appTicks();
                cpu[3] = ServerTimings.postgresTicks();
                rssKb[1] = ServerTimings.appRssKb();
            } catch (Exception e) {
                System.err.println(name + ": could not scrape " + base + "/q/metrics: " + e);
            }
        }, "metrics-scraper");
    }

    /**
     * Starts watching the window [{@code measureFrom}, {@code end}) (System.nanoTime values), scraping with a fresh
     * client-credentials token of the realm's service client each time.
     */
    static MeasuredWindow start(HttpClient client, String base, String keycloak, long measureFrom, long end,
                                String name) {
        java.util.concurrent.Callable<String> token = () -> BenchWorld.serviceToken(client, keycloak);
        MeasuredWindow window = new MeasuredWindow(client, base, token, measureFrom, end, name);
        window.thread.start();
        return window;
    }

    void join() throws InterruptedException {
        thread.join();
    }

    /**
     * Server-side percentiles per call ({@code server_<call>_p50_ms} …) for {@code routes} (call → route template),
     * and the window's CPU: {@code window_app_cpu_s}, {@code window_postgres_cpu_s} and both per label.
     */
    Map<String, Object> figures(Map<String, String> routes, long labels) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (scrapes[0] != null && scrapes[1] != null) {
            out.putAll(ServerTimings.window(scrapes[0], scrapes[1], routes));
        }
        if (cpu[0] > 0 && cpu[2] > cpu[0]) {
            double n = Math.max(1, labels);
            out.put("window_app_cpu_s", Math.round((cpu[2] - cpu[0]) / ServerTimings.HZ * 10) / 10.0);
            out.put("window_postgres_cpu_s", Math.round((cpu[3] - cpu[1]) / ServerTimings.HZ * 10) / 10.0);
            out.put("app_cpu_ms_per_label", Math.round((cpu[2] - cpu[0]) / ServerTimings.HZ * 1000 / n * 100) / 100.0);
            out.put("postgres_cpu_ms_per_label",
                    Math.round((cpu[3] - cpu[1]) / ServerTimings.HZ * 1000 / n * 100) / 100.0);
        }
        if (rssKb[1] > 0) {
            out.put("app_rss_mb_window_start", rssKb[0] / 1024);
            out.put("app_rss_mb_window_end", rssKb[1] / 1024);
        }
        return out;
    }
}
