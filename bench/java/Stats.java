import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Latency percentiles, the printed table row and the JSON result every bench scenario writes. */
public final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile of the samples (milliseconds). */
    public static double percentile(double[] sortedMillis, double p) {
        if (sortedMillis.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.length);
        return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, rank - 1))];
    }

    /** The result of one scenario: what was measured and how it went. */
    public static Map<String, Object> result(String scenario, double[] latenciesMillis, long units, String unit,
                                             double seconds, long errors, Map<String, Object> extra) {
        double[] sorted = latenciesMillis.clone();
        Arrays.sort(sorted);
        var r = new LinkedHashMap<String, Object>();
        r.put("scenario", scenario);
        r.put("requests", sorted.length);
        r.put("p50_ms", round(percentile(sorted, 50)));
        r.put("p95_ms", round(percentile(sorted, 95)));
        r.put("p99_ms", round(percentile(sorted, 99)));
        r.put("max_ms", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        r.put("units", units);
        r.put("unit", unit);
        r.put("seconds", round(seconds));
        r.put("throughput_per_s", round(units / seconds));
        r.put("requests_per_s", round(sorted.length / seconds));
        r.put("errors", errors);
        r.putAll(extra);
        return r;
    }

    public static String header() {
        return String.format(Locale.ROOT, "%-22s %9s %9s %9s %9s %14s %8s", "scenario", "requests", "p50 ms", "p95 ms",
                "p99 ms", "throughput", "errors");
    }

    public static String row(Map<String, Object> r) {
        return String.format(Locale.ROOT, "%-22s %9s %9s %9s %9s %14s %8s", r.get("scenario"), r.get("requests"),
                r.get("p50_ms"), r.get("p95_ms"), r.get("p99_ms"), r.get("throughput_per_s") + " " + r.get("unit") + "/s",
                r.get("errors"));
    }

    public static void write(Path file, Map<String, Object> r) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, toJson(r) + "\n");
    }

    static String toJson(Map<String, Object> r) {
        var sb = new StringBuilder("{");
        r.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": ");
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        return sb.append('}').toString();
    }

    static double round(double v) {
        return Double.isNaN(v) ? -1 : Math.round(v * 10) / 10.0;
    }
}
