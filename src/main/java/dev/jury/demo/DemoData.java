package dev.jury.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.judges.FeedbackService;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeService;
import dev.jury.review.ReviewQueue;
import dev.jury.traces.Assessment;
import dev.jury.traces.Trace;
import dev.jury.review.QueueService;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricSpec;
import dev.jury.traces.SourceType;
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
 * false) for a {@code correctness} judge, the published human labels as ground truth, and a review queue shared
 * by alice, bob and carol. Enabled in the dev and demo profiles only ({@code jury.demo.enabled}).
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

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        if (QuarkusTransaction.requiringNew().call(this::loaded)) {
            LOG.info("Demo data already loaded (experiment 'demo' has its queue)");
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

    /** The last step's result exists: everything before it is there too. */
    boolean loaded() {
        return Experiment.findByName(EXPERIMENT)
                .map(e -> ReviewQueue.count("experimentId = ?1 and name = ?2", e.id, QUEUE) > 0).orElse(false);
    }

    /**
     * Step by step, each step idempotent (trace ingest has its own transaction), so a load interrupted half-way
     * completes on the next start instead of leaving a half demo behind.
     */
    void load(DemoFiles files) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (Experiment.findByName(EXPERIMENT).isEmpty()) {
                experiments.create(EXPERIMENT, "Demo: HaluEval hallucination labels and TruthfulQA reference answers", ACTOR);
            }
        });
        loadHaluEval(files);
        loadTruthfulQa(files);
        QuarkusTransaction.requiringNew().run(() -> queues.create(EXPERIMENT, new QueueService.CreateQueue(QUEUE, "hallucination", 60, 2,
                0.30, true, List.of("alice", "bob", "carol"), 20261123L, true,
                new QueueService.PoolFilter("dataset=halueval", null, null, false), "MAJORITY", 10), ACTOR));
    }

    /** Rubric (idempotent by fingerprint) and judge (only if missing: every create would add a version). */
    private void defineJudge(String name, RubricSpec rubric, String instructions) {
        QuarkusTransaction.requiringNew().run(() -> {
            rubrics.save(EXPERIMENT, name, rubric, ACTOR);
            long experimentId = Experiment.findByName(EXPERIMENT).orElseThrow().id;
            if (Judge.findByName(experimentId, name).isEmpty()) {
                judges.create(EXPERIMENT, name, instructions, "openai:/gpt-4.1-mini", Map.of("temperature", 0), ACTOR, false);
            }
        });
    }

    /** Ingests the traces (duplicates by client_request_id are skipped) and logs each one's ground-truth label once. */
    private void ingestWithLabels(String ndjson, List<String> requestIds, String name, List<String> values,
                                  List<String> rationales, String sourceId) {
        ingest.ingest(EXPERIMENT, new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)),
                IngestFormat.NDJSON, TraceShape.API, "demo", true, null);
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
}
