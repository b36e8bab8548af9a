import java.nio.file.Path;
import java.util.Map;

/**
 * What both reviewer-loop drivers ({@link ReviewerLoad}, {@link HtmxReviewerLoad}) are given, in the order their
 * scenario scripts pass it:
 *
 * <pre>BASE_URL ADMIN_TOKEN EXPERIMENT JDBC_URL KEYCLOAK_URL REVIEWERS ITEMS K EXISTING SECONDS WARMUP THINK_MS OUT_JSON</pre>
 */
record LoopSettings(String base, String adminToken, String experiment, String jdbc, String keycloak, int reviewers,
                    int items, int k, int existing, int seconds, int warmup, int thinkMs, Path out) {

    static LoopSettings of(String[] args) {
        return new LoopSettings(args[0], args[1], args[2], args[3], args[4], Integer.parseInt(args[5]),
                Integer.parseInt(args[6]), Integer.parseInt(args[7]), Integer.parseInt(args[8]),
                Integer.parseInt(args[9]), Integer.parseInt(args[10]), Integer.parseInt(args[11]), Path.of(args[12]));
    }

    /** The same settings on another experiment. */
    LoopSettings withExperiment(String other) {
        return new LoopSettings(base, adminToken, other, jdbc, keycloak, reviewers, items, k, existing, seconds, warmup,
                thinkMs, out);
    }

    /** The settings as the result JSON records them. */
    void describe(Map<String, Object> extra) {
        extra.put("reviewers", reviewers);
        extra.put("items", items);
        extra.put("k", k);
        extra.put("existing_assessments", existing);
        extra.put("think_ms", thinkMs);
    }
}
