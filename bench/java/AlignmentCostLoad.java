import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SIMBA against MemAlign on the same judge and labels, against the bench's fake LLM (fixed latency) in a world where
 * one learned rule fixes the judge ({@code FakeLlm.learnerVerdict}): refund requests break the policy unless a receipt
 * is shown. A judge on {@code openai-compatible:/bench-learner} is run over TRACES labelled traces first (as a team
 * would before aligning), then aligned with each optimizer at its defaults (reflection model
 * {@code openai-compatible:/bench-reflector}, seed 7). Reports per optimizer: LLM calls of the optimizer (the run's
 * calls minus its held-out scoring), tokens, wall time, held-out accuracy and κ before/after.
 *
 * <pre>java AlignmentCostLoad BASE_URL TOKEN EXPERIMENT TRACES MAX_SECONDS OUT_JSON</pre>
 */
public class AlignmentCostLoad {

    private static final String[] THINGS = {"kettle", "lamp", "chair", "phone case", "printer ink", "headphones",
            "desk", "toaster", "boots", "jacket", "blender", "monitor", "keyboard", "tent", "backpack"};

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String experiment = args[2];
        int traces = Integer.parseInt(args[3]);
        int maxSeconds = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        var client = BenchWorld.client();
        String api = base + "/api/v1/experiments/" + experiment;

        // The experiment's name in the instructions: no answer cached by an earlier run of the scenario is reused.
        policyJudge(client, token, api, experiment, 201);
        var ndjson = new StringBuilder();
        int refunds = traces * 3 / 10;
        for (int i = 0; i < traces; i++) {
            String thing = THINGS[i % THINGS.length] + " #" + i;
            boolean refund = i < refunds;
            ndjson.append("{\"inputs\": {\"question\": \"").append(refund ? "I want a refund for my " + thing
                            : "When does my " + thing + " arrive?").append("\"}, \"outputs\": {\"answer\": \"")
                    .append(refund ? "Sure, I refunded you in full." : "It arrives on Tuesday.")
                    .append("\"}, \"tags\": {\"bench\": \"align\"}}\n");
        }
        var ingested = client.send(HttpRequest.newBuilder(URI.create(api + "/traces"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (ingested.statusCode() != 200) {
            throw new IllegalStateException("ingest failed: " + ingested.statusCode() + " " + ingested.body());
        }
        var ids = new ArrayList<Long>();
        var m = Pattern.compile("\"ids\"\\s*:\\s*\\[([^\\]]*)]").matcher(ingested.body());
        if (!m.find()) {
            throw new IllegalStateException("no ids in " + ingested.body());
        }
        for (String id : m.group(1).split(",")) {
            ids.add(Long.parseLong(id.strip()));
        }
        var labels = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            boolean refund = i < refunds;
            for (String reviewer : List.of("alice", "bob")) {
                labels.append(labels.length() > 1 ? "," : "").append("{\"trace_id\": ").append(ids.get(i))
                        .append(", \"name\": \"policy\", \"value\": \"").append(refund ? "no" : "yes")
                        .append("\", \"rationale\": \"").append(refund ? "A refund needs the receipt first."
                                : "Tells the customer when it arrives.")
                        .append("\", \"source_type\": \"HUMAN\", \"source_id\": \"").append(reviewer).append("\"}");
            }
        }
        JudgeRunLoad.call(client, token, "POST", api + "/assessments", labels.append(']').toString(), 201);
        long run = JudgeRunLoad.jobId(JudgeRunLoad.call(client, token, "POST", api + "/judges/policy/runs", "{}", 202));
        JudgeRunLoad.awaitJob(client, token, base, run, maxSeconds);

        var results = new ArrayList<Map<String, Object>>();
        for (String optimizer : List.of("simba", "memalign")) {
            Instant started = Instant.now();
            String accepted = JudgeRunLoad.call(client, token, "POST", api + "/judges/policy/alignments",
                    "{\"optimizer\": \"" + optimizer + "\", \"reflection_model\": "
                            + "\"openai-compatible:/bench-reflector\", \"seed\": 7, \"base_version\": \"1\"}", 202);
            var r = Pattern.compile("\"run_id\"\\s*:\\s*(\\d+)").matcher(accepted);
            r.find();
            String runUrl = base + "/api/v1/alignments/" + r.group(1);
            String body = "";
            while (Instant.now().isBefore(started.plusSeconds(maxSeconds))) {
                body = JudgeRunLoad.call(client, token, "GET", runUrl, null, 200);
                if (body.matches("(?s).*\"status\"\\s*:\\s*\"(SUCCEEDED|FAILED|CANCELLED)\".*")) {
                    break;
                }
                Thread.sleep(500);
            }
            double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
            var row = new LinkedHashMap<String, Object>();
            row.put("optimizer", optimizer);
            row.put("status", first(body, "\"status\"\\s*:\\s*\"(\\w+)\""));
            long llmCalls = Long.parseLong(first(body, "\"llm_calls\"\\s*:\\s*(\\d+)"));
            long heldout = Long.parseLong(first(body, "\"before\"\\s*:\\s*\\{[^}]*\"traces\"\\s*:\\s*(\\d+)"));
            row.put("llm_calls", llmCalls);
            row.put("heldout_traces", heldout);
            row.put("optimizer_llm_calls", llmCalls - 2 * heldout);
            row.put("tokens_in", first(body, "\"input_tokens\"\\s*:\\s*(\\d+)"));
            row.put("tokens_out", first(body, "\"output_tokens\"\\s*:\\s*(\\d+)"));
            row.put("wall_s", seconds);
            row.put("accuracy_before", first(body, "\"before\"\\s*:\\s*\\{[^}]*\"accuracy\"\\s*:\\s*([0-9.]+)"));
            row.put("accuracy_after", first(body, "\"after\"\\s*:\\s*\\{[^}]*\"accuracy\"\\s*:\\s*([0-9.]+)"));
            row.put("kappa_before", first(body, "\"before\"\\s*:\\s*\\{[^}]*\"kappa\"\\s*:\\s*(-?[0-9.]+)"));
            row.put("kappa_after", first(body, "\"after\"\\s*:\\s*\\{[^}]*\"kappa\"\\s*:\\s*(-?[0-9.]+)"));
            results.add(row);
            System.out.println("  " + row);
        }
        var json = new StringBuilder("{\"scenario\": \"alignment-cost\", \"traces\": " + traces + ", \"runs\": [");
        for (int i = 0; i < results.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('{');
            int j = 0;
            for (var e : results.get(i).entrySet()) {
                json.append(j++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ");
                Object v = e.getValue();
                json.append(v instanceof Number ? v.toString() : "\"" + v + "\"");
            }
            json.append('}');
        }
        java.nio.file.Files.writeString(out, json.append("]}\n").toString());
    }

    private static String first(String body, String regex) {
        var m = Pattern.compile(regex).matcher(body);
        return m.find() ? m.group(1) : "?";
    }

    /** The {@code policy} yes/no judge on the bench learner model; {@code judgeOk}: the answers taken for its creation. */
    static void policyJudge(HttpClient client, String token, String api, String experiment, int... judgeOk)
            throws Exception {
        JudgeRunLoad.call(client, token, "PUT", api + "/rubrics/policy", """
                {"kind": "boolean", "levels": [
                  {"value": "yes", "label": "Follows", "definition": "Follows the support policy.", "negative": false},
                  {"value": "no", "label": "Breaks", "definition": "Breaks the support policy.", "negative": true}],
                 "rationale_required": false}""", 201, 200);
        JudgeRunLoad.call(client, token, "POST", api + "/judges", """
                {"name": "policy", "instructions": "Does the support answer {{ outputs }} to {{ inputs }} follow the policy of %s?",
                 "model": "openai-compatible:/bench-learner", "inference_params": {"temperature": 0}}""".formatted(experiment),
                judgeOk);
    }
}
