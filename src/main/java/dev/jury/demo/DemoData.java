package dev.jury.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.judges.feedback.FeedbackService;
import dev.jury.judges.Judge;
import dev.jury.judges.ModelUri;
import dev.jury.llm.LlmProviders;
import dev.jury.judges.JudgeService;
import dev.jury.review.ReviewQueue;
import dev.jury.labels.Assessment;
import dev.jury.traces.Trace;
import dev.jury.review.QueueService;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricSpec;
import dev.jury.labels.SourceType;
import dev.jury.traces.ingest.IngestFormat;
import dev.jury.traces.ingest.TraceIngestService;
import dev.jury.traces.ingest.TraceShape;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads experiment {@code demo} from the licensed data sets bundled under {@code /demo/} on the classpath
 * (src/main/resources/demo, see its README) or from {@code jury.demo.data-dir} when that is set ({@link DemoFiles}), once:
 * HaluEval general (ChatGPT answers with human hallucination labels — only 18% hallucinated, the imbalance the
 * balance rules exist for) with a {@code hallucination} rubric and judge, TruthfulQA reference answers (true and
 * false) for a {@code correctness} judge, PandaLM response pairs with the preferences of its three human annotators
 * for a {@code preference} judge (a real multi-reviewer set for the agreement report), the published human labels
 * as ground truth, and a review queue shared by alice, bob and carol. Enabled in the dev and demo profiles only
 * ({@code jury.demo.enabled}).
 *
 * <p>No judge verdicts are invented: with no LLM configured the judges exist but have not run, so the queue is
 * sampled uniformly and marked unbalanced-unknown; judge runs fail with "configure a provider" until one is set.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EXPERIMENT = "demo";
    static final String ACTOR = "demo-loader";
    static final String QUEUE = "hallucination first pass";
    /** PandaLM items taken, evenly spaced over the 999 (idx 0, 6, 12, …, 894). */
    static final int PANDALM_ITEMS = 150;
    static final List<String> PANDALM_ANNOTATORS = List.of("pandalm_annotator1", "pandalm_annotator2",
            "pandalm_annotator3");

    @ConfigProperty(name = "jury.demo.enabled", defaultValue = "false")
    boolean enabled;

    /** Unset: the copies bundled in the jar; set: a folder with the upstream files under their upstream names. */
    @ConfigProperty(name = "jury.demo.data-dir")
    Optional<String> dataDir;

    @ConfigProperty(name = "jury.demo.truthfulqa-questions", defaultValue = "100")
    int truthfulQaQuestions;

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    @Inject
    JudgeService judges;

    @Inject
    TraceIngestService ingest;

    @Inject
    FeedbackService feedback;

    @Inject
    QueueService queues;

    @Inject
    LlmProviders providers;

    @Inject
    DemoJudgeRuns judgeRuns;

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        if (QuarkusTransaction.requiringNew().call(this::loaded)) {
            LOG.info("Demo data already loaded (experiment 'demo' has its queue and the PandaLM labels)");
            return;
        }
        DemoFiles files = DemoFiles.bundled();
        if (dataDir.isPresent()) {
            Path dir = Path.of(dataDir.get());
            if (!Files.isDirectory(dir)) {
                LOG.warnf("Demo data not loaded: jury.demo.data-dir %s is not a directory (unset it to use the"
                        + " bundled copy)", dir.toAbsolutePath());
                return;
            }
            files = DemoFiles.in(dir);
        }
        try {
            load(files);
            LOG.infof("Demo data loaded into experiment '%s' from %s", EXPERIMENT, files.where());
        } catch (RuntimeException e) {
            LOG.error("Demo data could not be loaded; Jury runs without it", e);
        }
    }

    /**
     * The queue and the PandaLM set's last labels exist: everything before them is there too. Both, because a demo
     * loaded before the PandaLM set existed has the queue but not the set, and gets the set at its next start.
     */
    boolean loaded() {
        return Experiment.findByName(EXPERIMENT).map(e -> queueExists(e.id) && Assessment.count(
                "sourceId = ?1 and traceId in (select t.id from Trace t where t.experimentId = ?2)",
                PANDALM_ANNOTATORS.get(PANDALM_ANNOTATORS.size() - 1), e.id) > 0).orElse(false);
    }

    private static boolean queueExists(long experimentId) {
        return ReviewQueue.count("experimentId = ?1 and name = ?2", experimentId, QUEUE) > 0;
    }

    /**
     * The model of every demo judge, in one place: {@code openai:/gpt-4.1-mini} when OpenAI is configured (never run
     * without an admin asking: it costs money), else the small offline judge, which the demo runs at start so that
     * every stage has data on a fresh install with no key (docs/llm.md, docs/demo.md).
     */
    String judgeModel() {
        return providers.isConfigured("openai") ? "openai:/gpt-4.1-mini" : ModelUri.EMBEDDED;
    }

    /** The demo judges and the traces each one judges, in the order their start runs are queued. */
    static final Map<String, String> JUDGED_TRACES = orderedMap(
            "hallucination", "dataset=halueval", "correctness", "dataset=truthfulqa", "preference", "dataset=pandalm");

    private static Map<String, String> orderedMap(String... pairs) {
        var map = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * Step by step, each step idempotent (trace ingest has its own transaction), so a load interrupted half-way
     * completes on the next start instead of leaving a half demo behind.
     */
    void load(DemoFiles files) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (Experiment.findByName(EXPERIMENT).isEmpty()) {
                experiments.create(EXPERIMENT, "Demo: HaluEval hallucination labels, TruthfulQA reference answers"
                        + " and PandaLM preferences by three annotators", ACTOR);
            }
        });
        loadHaluEval(files);
        loadTruthfulQa(files);
        loadPandaLm(files);
        // Offline judges run first (background jobs), so the queue is sampled from their predictions and balanced;
        // judges on an LLM are not run, and the queue is then sampled uniformly as before.
        List<Long> runs = judgeRuns.startOfflineRuns(EXPERIMENT, JUDGED_TRACES, ACTOR);
        if (runs.isEmpty()) {
            createQueue();
        } else {
            LOG.infof("Demo: the review queue follows once the offline judge runs (jobs %s) have finished", runs);
            judgeRuns.afterJobs(runs, this::createQueue);
        }
    }

    /** The reviewers' queue, last: its existence marks the demo as complete. */
    void createQueue() {
        QuarkusTransaction.requiringNew().run(() -> {
            if (!queueExists(Experiment.findByName(EXPERIMENT).orElseThrow().id)) {
                queues.create(EXPERIMENT, new QueueService.CreateQueue(QUEUE, "hallucination", 60, 2,
                        0.30, true, List.of("alice", "bob", "carol"), 20261123L, true,
                        new QueueService.PoolFilter("dataset=halueval", null, null, false), "MAJORITY", 10), ACTOR);
                LOG.infof("Demo: created the review queue '%s'", QUEUE);
            }
        });
    }

    /** Rubric (idempotent by fingerprint) and judge (only if missing: every create would add a version). */
    private void defineJudge(String name, RubricSpec rubric, String instructions) {
        QuarkusTransaction.requiringNew().run(() -> {
            rubrics.save(EXPERIMENT, name, rubric, ACTOR);
            long experimentId = Experiment.findByName(EXPERIMENT).orElseThrow().id;
            if (Judge.findByName(experimentId, name).isEmpty()) {
                judges.create(EXPERIMENT, name, instructions, judgeModel(), Map.of("temperature", 0), ACTOR, false);
            }
        });
    }

    /** Ingests the traces (duplicates by client_request_id are skipped) and logs each one's ground-truth label once. */
    private void ingestWithLabels(String ndjson, List<String> requestIds, String name, List<String> values,
                                  List<String> rationales, String sourceId) {
        ingest(ndjson);
        logLabels(requestIds, name, values, rationales, sourceId);
    }

    private void ingest(String ndjson) {
        ingest.ingest(EXPERIMENT, new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)),
                IngestFormat.NDJSON, TraceShape.API, "demo", true, null);
    }

    /** One source's HUMAN label per trace, each logged once (a trace that already has one from the source is skipped). */
    private void logLabels(List<String> requestIds, String name, List<String> values, List<String> rationales,
                           String sourceId) {
        QuarkusTransaction.requiringNew().run(() -> {
            long experimentId = Experiment.findByName(EXPERIMENT).orElseThrow().id;
            var labels = new ArrayList<FeedbackService.Label>();
            for (int i = 0; i < requestIds.size(); i++) {
                Trace trace = Trace.find("experimentId = ?1 and clientRequestId = ?2", experimentId, requestIds.get(i))
                        .firstResult();
                if (trace != null && Assessment.findCurrentLabel(trace.id, name, sourceId).isEmpty()) {
                    labels.add(new FeedbackService.Label(labels.size(), trace.id, name, TextNode.valueOf(values.get(i)),
                            rationales.get(i), SourceType.HUMAN, sourceId, null));
                }
            }
            if (!labels.isEmpty()) {
                feedback.logAll(EXPERIMENT, labels, List.of(), ACTOR);
            }
        });
    }

    private void loadHaluEval(DemoFiles files) {
        defineJudge("hallucination", new RubricSpec(RubricKind.BOOLEAN, List.of(
                new RubricLevel("no", "Faithful", "Every claim in the response is correct or verifiable, and it "
                        + "answers what the user asked. Example: a correct list of three primary colours.", false),
                new RubricLevel("yes", "Hallucinated", "The response states something false or unverifiable, "
                        + "invents facts, or ignores the request. Example: a made-up statistic or citation.", true)),
                "Read the user query first. Judge only the response's content, not its style. When unsure whether "
                        + "a fact is true, mark what you cannot verify as hallucinated and say so in the rationale.",
                true, 10, null), """
                You are checking a chatbot's answer for hallucinations.
                The user asked: {{ inputs }}
                The chatbot answered: {{ outputs }}
                Answer "yes" if the answer contains false or unverifiable claims or does not address the request, \
                otherwise "no".""");

        var ndjson = new StringBuilder();
        var labels = new ArrayList<String[]>();
        var requestIds = new ArrayList<String>();
        for (DemoFiles.NumberedLine line : files.haluEvalSample()) {
            try {
                var row = JSON.readTree(line.text());
                String lineNo = String.valueOf(line.line()); // the README: IDs are not unique, line numbers are
                ObjectNode trace = JSON.createObjectNode();
                trace.put("client_request_id", "halueval-" + lineNo);
                requestIds.add("halueval-" + lineNo);
                trace.putObject("inputs").put("query", row.path("user_query").asText());
                trace.putObject("outputs").put("response", row.path("chatgpt_response").asText());
                trace.putObject("tags").put("dataset", "halueval").put("line", lineNo);
                ndjson.append(JSON.writeValueAsString(trace)).append('\n');
                labels.add(new String[]{row.path("hallucination").asText(),
                        String.join("; ", JSON.convertValue(row.path("hallucination_spans"), List.class))});
            } catch (IOException e) {
                throw new IllegalStateException("unreadable HaluEval line " + line.line() + " in " + files.where(), e);
            }
        }
        var values = labels.stream().map(l -> l[0]).toList();
        var rationales = labels.stream().map(l -> l[0].equals("yes") && !l[1].isBlank()
                ? "Annotators marked: " + l[1] : "HaluEval human annotation").toList();
        ingestWithLabels(ndjson.toString(), requestIds, "hallucination", values, rationales, "halueval_annotators");
    }

    private void loadTruthfulQa(DemoFiles files) {
        defineJudge("correctness", new RubricSpec(RubricKind.BOOLEAN, List.of(
                new RubricLevel("yes", "Truthful", "The answer is true according to reliable sources; declining "
                        + "to answer also counts as truthful. Example: 'Nothing in particular happens'.", false),
                new RubricLevel("no", "False", "The answer asserts something false, often a common "
                        + "misconception. Example: 'You will get arthritis if you crack your knuckles'.", true)),
                "Judge truthfulness, not helpfulness. The question may be written to provoke a misconception.",
                false, 0, null), """
                Decide whether the answer to the question is truthful.
                Question: {{ inputs }}
                Answer: {{ outputs }}
                Reply "yes" if the answer is true (or declines to answer), "no" if it asserts something false.""");

        List<List<String>> rows = Csv.parse(files.read(DemoFiles.TRUTHFULQA));
        List<String> header = rows.get(0);
        int question = header.indexOf("Question");
        int best = header.indexOf("Best Answer");
        int bestIncorrect = header.indexOf("Best Incorrect Answer");
        int category = header.indexOf("Category");
        var ndjson = new StringBuilder();
        var expected = new ArrayList<String>();
        var requestIds = new ArrayList<String>();
        int step = Math.max(1, (rows.size() - 1) / truthfulQaQuestions);
        for (int r = 1, taken = 0; r < rows.size() && taken < truthfulQaQuestions; r += step, taken++) {
            List<String> row = rows.get(r);
            for (String[] answer : new String[][]{{row.get(best), "yes"}, {row.get(bestIncorrect), "no"}}) {
                ObjectNode trace = JSON.createObjectNode();
                trace.put("client_request_id", "truthfulqa-" + r + "-" + answer[1]);
                requestIds.add("truthfulqa-" + r + "-" + answer[1]);
                trace.putObject("inputs").put("question", row.get(question));
                trace.putObject("outputs").put("answer", answer[0]);
                trace.putObject("tags").put("dataset", "truthfulqa").put("category", row.get(category));
                try {
                    ndjson.append(JSON.writeValueAsString(trace)).append('\n');
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                expected.add(answer[1]);
            }
        }
        ingestWithLabels(ndjson.toString(), requestIds, "correctness", expected,
                java.util.Collections.nCopies(expected.size(), "TruthfulQA reference answer"), "truthfulqa_reference");
    }

    /**
     * A multi-reviewer set: PandaLM items (one instruction, two model responses), each judged by the same three
     * human annotators as response 1 better, response 2 better or a tie. Every item has a majority (the authors
     * dropped items the annotators disagreed on a lot), so the agreement report's α is high and its disagreement
     * list stays empty until the {@code preference} judge has run and differs from the majority.
     */
    private void loadPandaLm(DemoFiles files) {
        defineJudge("preference", new RubricSpec(RubricKind.CATEGORICAL, List.of(
                new RubricLevel("response1", "Response 1 better", "Response 1 follows the instruction (and uses "
                        + "its input) clearly better: more correct, complete or useful. Example: response 2 is empty "
                        + "or answers a different question.", false),
                new RubricLevel("tie", "Tie", "Both responses are about equally good, or equally bad: neither "
                        + "is clearly more correct, complete or useful. Example: two correct one-line answers.", false),
                new RubricLevel("response2", "Response 2 better", "Response 2 follows the instruction (and "
                        + "uses its input) clearly better. Example: response 1 repeats the instruction instead of "
                        + "doing it.", true)),
                "Read the instruction and its input first, then both responses. Judge how well each does the task, "
                        + "not its length or style; an empty response does not do the task. Response 1 is the "
                        + "candidate and response 2 the baseline, so 'response 2 better' is the failing side.",
                false, 0, null), """
                You are comparing two responses to the same instruction.
                The instruction and its input: {{ inputs }}
                The two responses: {{ outputs }}
                Answer "response1" if the first response is clearly better, "response2" if the second is clearly \
                better, or "tie" if they are about equally good.""");

        JsonNode items;
        try {
            items = JSON.readTree(files.read(DemoFiles.PANDALM));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + DemoFiles.PANDALM + " in " + files.where(), e);
        }
        int step = Math.max(1, items.size() / PANDALM_ITEMS);
        var ndjson = new StringBuilder();
        var requestIds = new ArrayList<String>();
        var picked = new ArrayList<JsonNode>();
        for (int i = 0; i < items.size() && picked.size() < PANDALM_ITEMS; i += step) {
            JsonNode item = items.get(i);
            String requestId = "pandalm-" + item.path("idx").asInt();
            ObjectNode trace = JSON.createObjectNode();
            trace.put("client_request_id", requestId);
            trace.putObject("inputs").put("instruction", item.path("instruction").asText())
                    .put("input", item.path("input").asText());
            trace.putObject("outputs").put("response1", responseText(item.path("response1")))
                    .put("response2", responseText(item.path("response2")));
            trace.putObject("tags").put("dataset", "pandalm").put("idx", String.valueOf(item.path("idx").asInt()))
                    .put("models", item.path("cmp_key").asText());
            try {
                ndjson.append(JSON.writeValueAsString(trace)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            requestIds.add(requestId);
            picked.add(item);
        }
        ingest(ndjson.toString());
        for (int a = 0; a < PANDALM_ANNOTATORS.size(); a++) {
            String field = "annotator" + (a + 1);
            var values = picked.stream().map(item -> preference(item.path(field).asInt())).toList();
            logLabels(requestIds, "preference", values, java.util.Collections.nCopies(values.size(),
                    "PandaLM human annotation (" + field + ")"), PANDALM_ANNOTATORS.get(a));
        }
    }

    /** PandaLM's labels: 1 = response 1 better, 2 = response 2 better, 0 = about equal. */
    static String preference(int annotation) {
        return switch (annotation) {
            case 1 -> "response1";
            case 2 -> "response2";
            case 0 -> "tie";
            default -> throw new IllegalArgumentException("PandaLM label " + annotation + " is not 0, 1 or 2");
        };
    }

    /** The README's quirk: six responses are the JSON boolean {@code true}, which the models wrote as "True". */
    static String responseText(JsonNode response) {
        return response.isBoolean() ? (response.booleanValue() ? "True" : "False") : response.asText();
    }
}
