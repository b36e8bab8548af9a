package dev.jury.judges.run;

import dev.jury.judges.prompt.JudgePromptBuilder;
import dev.jury.judges.prompt.VerdictParser;
import dev.jury.judges.prompt.JudgePrompt;
import dev.jury.judges.prompt.RepairPrompt;
import dev.jury.judges.InferenceParams;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.templates.AnswerKind;
import dev.jury.judges.templates.ChunkVerdicts;
import dev.jury.judges.templates.ScoreScale;
import dev.jury.judges.templates.TraceField;
import dev.jury.judges.templates.TraceFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.llm.ChatMessage;
import dev.jury.llm.ChatRequest;
import dev.jury.llm.LlmClient;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryIndex;
import dev.jury.judges.memory.MemoryText;
import dev.jury.llm.LlmException;
import dev.jury.llm.LlmProviders;
import dev.jury.llm.embedded.EmbeddedTask;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.traces.Trace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One judge call, exactly as judges-and-alignment.md describes "Prompt and verdict": the prompt from the judge's
 * instructions, rubric and demos with the trace only in the user message; structured output where the provider
 * supports it; a verdict parsed and normalised against the rubric; one repair retry that shows the model its
 * invalid answer; then an error verdict with the reason and the truncated raw answer. Never throws for a model's
 * mistake — only {@link LlmException} for provider faults the caller must handle (e.g. not configured).
 */
@ApplicationScoped
public class JudgeCaller {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Everything that defines how a judge answers (a judge version, or an alignment candidate).
     *
     * @param memory labelled examples recalled at every call; {@code null} for none
     */
    public record Setup(String model, InferenceParams params, String instructions, List<Demo> demos,
                        RubricSpec rubric, JudgeMemory memory, AnswerKind answer, Integer scoreThreshold) {

        public Setup(String model, InferenceParams params, String instructions, List<Demo> demos, RubricSpec rubric) {
            this(model, params, instructions, demos, rubric, null);
        }

        public Setup(String model, InferenceParams params, String instructions, List<Demo> demos, RubricSpec rubric,
                     JudgeMemory memory) {
            this(model, params, instructions, demos, rubric, memory, AnswerKind.YES_NO, null);
        }

        public static Setup of(JudgeVersion version) {
            return new Setup(version.model, version.params(), version.instructions, version.demos(),
                    version.rubricVersion.spec(), version.memory(), version.answerKind(), version.scoreThreshold);
        }

        public Setup withProgram(String newInstructions, List<Demo> newDemos) {
            return new Setup(model, params, newInstructions, newDemos, rubric, memory, answer, scoreThreshold);
        }

        public Setup withProgram(String newInstructions, List<Demo> newDemos, JudgeMemory newMemory) {
            return new Setup(model, params, newInstructions, newDemos, rubric, newMemory, answer, scoreThreshold);
        }
    }

    /** A verdict and what it cost. */
    public record Outcome(Verdict verdict, int calls, int inputTokens, int outputTokens) {
    }

    @Inject
    LlmClient llm;

    @Inject
    MemoryRetriever memories;

    /** The template values of a stored trace: inputs, outputs, expectations, and the whole trace. */
    public static Map<String, JsonNode> values(Trace trace) {
        return traceValues(trace.inputs, trace.outputs, trace.expectations, trace.spans);
    }

    /** The template values of a trace from its columns; {@code expectations} and {@code spans} may be null. */
    public static Map<String, JsonNode> traceValues(JsonNode inputs, JsonNode outputs, JsonNode expectations,
                                                    JsonNode spans) {
        ObjectNode whole = JSON.createObjectNode();
        whole.set("inputs", inputs);
        whole.set("outputs", outputs);
        if (expectations != null) {
            whole.set("expectations", expectations);
        }
        if (spans != null) {
            whole.set("spans", spans);
        }
        return values(inputs, outputs, expectations, whole);
    }

    public static Map<String, JsonNode> values(JsonNode inputs, JsonNode outputs, JsonNode expectations,
                                               JsonNode trace) {
        var values = new HashMap<String, JsonNode>();
        values.put("inputs", inputs);
        values.put("outputs", outputs);
        values.put("expectations", expectations);
        values.put("trace", trace);
        return values;
    }

    /**
     * @param temperature overrides the judge's own temperature when not null (alignment samples at 1.0)
     * @param jobId       recorded with the LLM calls for accounting; may be null
     */
    public Outcome assess(Setup setup, Map<String, JsonNode> values, Double temperature, Long jobId) {
        return assess(setup, values, temperature, jobId, null);
    }

    /**
     * @param traceId the trace being judged, when it is a stored one: its own example in the memory is never
     *                recalled for it; may be null
     */
    public Outcome assess(Setup setup, Map<String, JsonNode> values, Double temperature, Long jobId, String traceId) {
        return switch (setup.answer() == null ? AnswerKind.YES_NO : setup.answer()) {
            case SCORE -> assessScore(setup, values, temperature, jobId, traceId);
            case PER_CHUNK -> assessChunks(setup, values, temperature, jobId, traceId);
            case YES_NO -> assessOnce(setup, setup.rubric(), setup.demos(), values, temperature, jobId, traceId);
        };
    }

    /**
     * A 1–5 judge: the model answers on {@link ScoreScale} and its score becomes the rubric's yes/no at the
     * threshold; the score, threshold and outcome go to the verdict's details. Demos, labelled yes/no by experts,
     * are shown at the ends of the scale (yes as 5, no as 1): the scale is what the model is asked for.
     */
    private Outcome assessScore(Setup setup, Map<String, JsonNode> values, Double temperature, Long jobId,
                                String traceId) {
        int threshold = setup.scoreThreshold() == null ? ScoreScale.DEFAULT_THRESHOLD : setup.scoreThreshold();
        List<Demo> demos = setup.demos().stream().map(d -> new Demo(d.inputs(), d.outputs(), d.expectations(),
                ScoreScale.demoScore(d.value()), d.rationale())).toList();
        Outcome scored = assessOnce(setup, ScoreScale.spec(threshold), demos, values, temperature, jobId, traceId);
        Verdict verdict = scored.verdict();
        if (verdict.isError()) {
            return scored;
        }
        int score = new java.math.BigDecimal(verdict.value()).intValueExact();
        ObjectNode details = JSON.createObjectNode().put("score", score).put("threshold", threshold)
                .put("passed", ScoreScale.passes(score, threshold));
        return new Outcome(Verdict.of(ScoreScale.value(score, threshold), verdict.rationale()).withDetails(details),
                scored.calls(), scored.inputTokens(), scored.outputTokens());
    }

    /**
     * A per-chunk judge: one call per retrieved chunk ({@link TraceFields#chunks}), the chunk given as
     * {@code {{ trace }}}; the answers are aggregated by {@link ChunkVerdicts} into one verdict whose details hold
     * every chunk's answer and the precision. A chunk whose call fails makes the whole verdict an error (a
     * precision over some of the chunks would be wrong).
     */
    private Outcome assessChunks(Setup setup, Map<String, JsonNode> values, Double temperature, Long jobId,
                                 String traceId) {
        JsonNode trace = values.get("trace");
        List<TraceFields.Chunk> chunks = TraceFields.chunks(values.get("outputs"),
                trace == null ? null : trace.get("spans"));
        if (chunks.isEmpty()) {
            return new Outcome(Verdict.failed("the trace has no retrieved chunks: "
                    + TraceField.RETRIEVED_CONTEXT.description(), null), 0, 0, 0);
        }
        List<ChunkVerdicts.ChunkVerdict> answers = new ArrayList<>();
        int calls = 0;
        int in = 0;
        int out = 0;
        for (TraceFields.Chunk chunk : chunks) {
            var chunkValues = new HashMap<>(values);
            ObjectNode node = JSON.createObjectNode().put("chunk_index", chunk.index()).put("content", chunk.content());
            if (chunk.docUri() != null) {
                node.put("doc_uri", chunk.docUri());
            }
            chunkValues.put("trace", node);
            Outcome one = assessOnce(setup, setup.rubric(), setup.demos(), chunkValues, temperature, jobId, traceId);
            calls += one.calls();
            in += one.inputTokens();
            out += one.outputTokens();
            if (one.verdict().isError()) {
                return new Outcome(Verdict.failed("chunk " + chunk.index() + ": " + one.verdict().error(),
                        one.verdict().raw()), calls, in, out);
            }
            answers.add(new ChunkVerdicts.ChunkVerdict(chunk.index(), one.verdict().value(),
                    one.verdict().rationale()));
        }
        ObjectNode details = JSON.createObjectNode();
        var list = details.putArray("chunks");
        for (var a : answers) {
            list.addObject().put("index", a.index()).put("value", a.value()).put("rationale", a.rationale());
        }
        details.put("precision", ChunkVerdicts.precision(answers));
        return new Outcome(Verdict.of(ChunkVerdicts.value(answers), ChunkVerdicts.rationale(answers))
                .withDetails(details), calls, in, out);
    }

    /** One verdict in {@code rubric} (the judge's own, or the 1–5 scale), with the one repair retry. */
    private Outcome assessOnce(Setup setup, RubricSpec rubric, List<Demo> demos, Map<String, JsonNode> values,
                               Double temperature, Long jobId, String traceId) {
        boolean embedded = LlmProviders.isEmbedded(setup.model());
        boolean recalls = setup.memory() != null && !setup.memory().examples().isEmpty();
        // The trace's plain text only when something compares it (most LLM judges have no memory).
        String itemText = embedded || recalls ? MemoryText.of(values.get("inputs"), values.get("outputs")) : "";
        List<MemoryIndex.Recalled> recalled = recalls ? memories.recall(setup.memory(), itemText, traceId) : List.of();
        JudgePrompt prompt = JudgePromptBuilder.build(setup.instructions(), rubric, demos,
                setup.memory() == null ? List.of() : setup.memory().guidelines(), recalled, values);
        var messages = new ArrayList<ChatMessage>(List.of(ChatMessage.system(prompt.system()),
                ChatMessage.user(prompt.user())));
        Double t = temperature != null ? temperature
                : setup.params().temperature() == null ? null : setup.params().temperature().doubleValue();
        Double topP = setup.params().topP() == null ? null : setup.params().topP().doubleValue();
        var request = new ChatRequest(setup.model(), messages, t, setup.params().maxTokens(), topP,
                JudgePromptBuilder.responseSchema(rubric), jobId);
        if (embedded) {
            request = request.withEmbeddedTask(embeddedTask(setup, rubric, itemText, recalled));
        }

        var first = llm.chat(request);
        Verdict verdict = VerdictParser.parse(first.text(), rubric);
        int in = first.inputTokens();
        int out = first.outputTokens();
        if (!verdict.isError()) {
            return new Outcome(verdict, 1, in, out);
        }
        // One repair retry: show the model its invalid answer and why it was refused.
        messages.add(ChatMessage.assistant(first.text() == null ? "" : first.text()));
        messages.add(ChatMessage.user(RepairPrompt.followUp(first.text() == null ? "" : first.text(), verdict.error(),
                rubric)));
        var repair = llm.chat(new ChatRequest(setup.model(), messages, t, setup.params().maxTokens(), topP,
                JudgePromptBuilder.responseSchema(rubric), jobId, request.embeddedTask()));
        Verdict repaired = VerdictParser.parse(repair.text(), rubric);
        in += repair.inputTokens();
        out += repair.outputTokens();
        if (repaired.isError()) {
            repaired = Verdict.failed("invalid answer after one repair: " + repaired.error(), repaired.raw());
        }
        return new Outcome(repaired, 2, in, out);
    }

    /** The call in structure for the offline judge: the rubric's levels, the trace text, the recalled examples. */
    private static EmbeddedTask embeddedTask(Setup setup, RubricSpec rubric, String itemText,
                                             List<MemoryIndex.Recalled> recalled) {
        List<EmbeddedTask.Option> options = new ArrayList<>();
        for (RubricLevel level : rubric.levels()) {
            options.add(new EmbeddedTask.Option(level.value(), level.label(), level.definition()));
        }
        List<EmbeddedTask.Neighbour> neighbours = recalled.stream().map(r -> new EmbeddedTask.Neighbour(
                r.example().traceId(), r.example().value(), r.similarity())).toList();
        return new EmbeddedTask(setup.instructions(), options, itemText, neighbours,
                setup.memory() == null ? EmbeddedTask.Weighting.SIMILARITY : setup.memory().weightingKind());
    }
}
