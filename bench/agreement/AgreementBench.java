import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.KrippendorffAlpha;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.Scale;
import dev.jury.agreement.UnitLabels;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Times the agreement report on 1,000,000 assessments (250,000 traces × 4 reviewers, 4-level ordinal rubric,
 * plus one judge label per trace), from raw (trace, reviewer, label) rows to the finished report.
 *
 * <p>Run from the repository root against compiled classes of {@code dev.jury.agreement}:
 * {@code java -cp <classes> bench/agreement/AgreementBench.java [units] [raters]}. Prints one JSON object.
 * The design budget (docs/agreement.md, operations.md) is under 1 s for the report without bootstrap.
 */
public class AgreementBench {

    private static final int CATEGORIES = 4;
    private static final int WARMUPS = 3;
    private static final int RUNS = 5;

    public static void main(String[] args) {
        int units = args.length > 0 ? Integer.parseInt(args[0]) : 250_000;
        int raters = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Rows rows = Rows.generate(units, raters, 42);
        Scale scale = Scale.ordinal(CATEGORIES).withValues(1, 2, 3, 4).withNegative(2, 3);

        long coldStart = System.nanoTime();
        AgreementReport cold = report(rows, scale, Bootstrap.none());
        double coldMs = (System.nanoTime() - coldStart) / 1e6;

        for (int i = 0; i < WARMUPS; i++) {
            report(rows, scale, Bootstrap.none());
        }
        double[] buildMs = new double[RUNS];
        double[] computeMs = new double[RUNS];
        double[] totalMs = new double[RUNS];
        AgreementReport last = cold;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            RatingTable table = rows.table();
            UnitLabels judge = rows.judge(table);
            long built = System.nanoTime();
            last = AgreementReport.of(table, scale).judge("judge-v1", judge).bootstrap(Bootstrap.none()).compute();
            long done = System.nanoTime();
            buildMs[i] = (built - start) / 1e6;
            computeMs[i] = (done - built) / 1e6;
            totalMs[i] = (done - start) / 1e6;
        }

        RatingTable table = rows.table();
        UnitLabels judge = rows.judge(table);
        AgreementReport withBootstrap = timed(() -> AgreementReport.of(table, scale).judge("judge-v1", judge)
                .bootstrap(Bootstrap.percentile(200, 7)).compute());
        double bootstrapMs = lastTimedMs;
        timed(() -> AgreementReport.of(table, scale).judge("judge-v1", judge)
                .bootstrap(Bootstrap.percentile(200, 7)).compute());
        double bootstrapWarmMs = lastTimedMs;
        timed(() -> AgreementReport.of(table, scale).judge("judge-v1", judge)
                .bootstrap(Bootstrap.defaults()).compute());
        double bootstrap1000Ms = lastTimedMs;

        StringBuilder json = new StringBuilder("{\n");
        field(json, "assessments", String.valueOf(rows.size()));
        field(json, "units", String.valueOf(units));
        field(json, "raters", String.valueOf(raters));
        field(json, "categories", String.valueOf(CATEGORIES));
        field(json, "java", quote(System.getProperty("java.version")));
        field(json, "cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        field(json, "cold_build_and_report_ms", ms(coldMs));
        field(json, "build_table_ms", stats(buildMs));
        field(json, "report_no_bootstrap_ms", stats(computeMs));
        field(json, "build_and_report_no_bootstrap_ms", stats(totalMs));
        field(json, "report_bootstrap_200_ms", ms(bootstrapMs));
        field(json, "report_bootstrap_200_again_ms", ms(bootstrapWarmMs));
        field(json, "report_bootstrap_1000_ms", ms(bootstrap1000Ms));
        field(json, "alpha_ordinal", quote(last.alpha(KrippendorffAlpha.Level.ORDINAL).toString()));
        field(json, "alpha_ordinal_bootstrap_200", quote(withBootstrap.headlineAlpha().toString()));
        field(json, "fleiss_kappa", quote(withBootstrap.fleissKappa().toString()));
        field(json, "judge_kappa", quote(withBootstrap.judges().get(0).vsConsensus().kappa().toString()));
        json.setLength(json.length() - 2);
        System.out.println(json.append("\n}"));
    }

    private static double lastTimedMs;

    private static <T> T timed(Supplier<T> work) {
        long start = System.nanoTime();
        T result = work.get();
        lastTimedMs = (System.nanoTime() - start) / 1e6;
        return result;
    }

    private static AgreementReport report(Rows rows, Scale scale, Bootstrap bootstrap) {
        RatingTable table = rows.table();
        return AgreementReport.of(table, scale).judge("judge-v1", rows.judge(table)).bootstrap(bootstrap).compute();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append("  ").append(quote(name)).append(": ").append(value).append(",\n");
    }

    private static String stats(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return "{\"median\": " + ms(sorted[sorted.length / 2]) + ", \"min\": " + ms(sorted[0])
                + ", \"max\": " + ms(sorted[sorted.length - 1]) + "}";
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Assessment rows as they would come from the database: trace id, reviewer name, label position. */
    private record Rows(Long[] traces, String[] reviewers, int[] labels, int[] judgeLabels) {

        static Rows generate(int units, int raters, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = units * raters;
            Long[] traces = new Long[n];
            String[] reviewers = new String[n];
            int[] labels = new int[n];
            int[] judgeLabels = new int[units];
            String[] names = new String[raters];
            for (int r = 0; r < raters; r++) {
                names[r] = "reviewer-" + r + "@example.org";
            }
            int i = 0;
            for (int u = 0; u < units; u++) {
                Long trace = 1_000_000_000L + u;
                int truth = random.nextInt(10) < 6 ? 0 : 1 + random.nextInt(CATEGORIES - 1);
                for (int r = 0; r < raters; r++) {
                    traces[i] = trace;
                    reviewers[i] = names[r];
                    labels[i] = random.nextInt(10) < 8 ? truth : random.nextInt(CATEGORIES);
                    i++;
                }
                judgeLabels[u] = random.nextInt(10) < 7 ? truth : random.nextInt(CATEGORIES);
            }
            return new Rows(traces, reviewers, labels, judgeLabels);
        }

        int size() {
            return labels.length;
        }

        RatingTable table() {
            RatingTable.Builder builder = RatingTable.builder(CATEGORIES);
            for (int i = 0; i < labels.length; i++) {
                builder.add(traces[i], reviewers[i], labels[i]);
            }
            return builder.build();
        }

        UnitLabels judge(RatingTable table) {
            UnitLabels judge = UnitLabels.forTable(table);
            int raters = labels.length / judgeLabels.length;
            for (int u = 0; u < judgeLabels.length; u++) {
                judge.set(traces[u * raters], judgeLabels[u]);
            }
            return judge;
        }
    }
}
