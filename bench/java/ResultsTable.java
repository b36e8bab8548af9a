import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results table of docs/performance.md from a {@code bench/all.sh} run: one row per line of ROWS_TSV
 * (label, result JSON, target, figure template, date, machine state), the figure's {@code {key}} placeholders filled
 * from the scenario's JSON (the flat top-level numbers and strings {@code Stats} writes). Prints Markdown.
 *
 * <pre>java ResultsTable ROWS_TSV</pre>
 */
public class ResultsTable {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)}");

    public static void main(String[] args) throws Exception {
        List<String> out = new ArrayList<>();
        out.add("| scenario | target | figure | date | machine state |");
        out.add("| --- | --- | --- | --- | --- |");
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Path json = Path.of(f[1]);
            String figure = Files.exists(json) ? fill(f[3], Files.readString(json)) : "no result (the run failed: see its log)";
            out.add("| " + f[0] + " | " + f[2] + " | " + figure + " | " + f[4] + " | " + f[5] + " |");
        }
        out.forEach(System.out::println);
    }

    /** {@code template} with each {@code {key}} replaced by that key's value in {@code json}, or "?" if absent. */
    static String fill(String template, String json) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(value(json, m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String value(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\"([^\"]*)\"|\\[[^\\]]*]|[-0-9.eE+]+|true|false|null)")
                .matcher(json);
        if (!m.find()) {
            return "?";
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
