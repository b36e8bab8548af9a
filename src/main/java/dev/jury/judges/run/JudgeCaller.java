package dev.jury.judges.run;

import dev.jury.judges.prompt.JudgePromptBuilder;
import dev.jury.judges.prompt.VerdictParser;
import dev.jury.judges.prompt.JudgePrompt;
import dev.jury.judges.prompt.RepairPrompt;
import dev.jury.judges.InferenceParams;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
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
                        RubricSpec rubric, JudgeMemory memory) {

        public Setup(String model, InferenceParams params, String instructions, List<Demo> demos, RubricSpec rubric) {
            this(model, params, instructions, demos, rubric, null);
        }

        public static Setup of(JudgeVersion version) {
            return new Setup(version.model, version.params(), version.instructions, version.demos(),
                    version.rubricVersion.spec(), version.memory());
        }

        public Setup withProgram(String newInstructions, List<Demo> newDemos) {
            return new Setup(model, params, newInstructions, newDemos, rubric, memory);
        }

        public Setup withProgram(String newInstructions, List<Demo> newDemos, JudgeMemory newMemory) {
            return new Setup(model, params, newInstructions, newDemos, rubric, newMemory);
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
        boolean embedded = LlmProviders.isEmbedded(setup.model());
        boolean recalls = setup.memory() != null && !setup.memory().examples().isEmpty();
        // The trace's plain text only when something compares it (most LLM judges have no memory).
        String itemText = embedded || recalls ? MemoryText.of(values.get("inputs"), values.get("outputs")) : "";
        List<MemoryIndex.Recalled> recalled = recalls ? memories.recall(setup.memory(), itemText, traceId) : List.of();
        JudgePrompt prompt = JudgePromptBuilder.build(setup.instructions(), setup.rubric(), setup.demos(),
                setup.memory() == null ? List.of() : setup.memory().guidelines(), recalled, values);
        var messages = new ArrayList<ChatMessage>(List.of(ChatMessage.system(prompt.system()),
                ChatMessage.user(prompt.user())));
        Double t = temperature != null ? temperature
                : setup.params().temperature() == null ? null : setup.params().temperature().doubleValue();
        Double topP = setup.params().topP() == null ? null : setup.params().topP().doubleValue();
        var request = new ChatRequest(setup.model(), messages, t, setup.params().maxTokens(), topP,
                JudgePromptBuilder.responseSchema(setup.rubric()), jobId);
        if (embedded) {
            request = request.withEmbeddedTask(embeddedTask(setup, itemText, recalled));
        }

        var first = llm.chat(request);
        Verdict verdict = VerdictParser.parse(first.text(), setup.rubric());
        int in = first.inputTokens();
        int out = first.outputTokens();
        if (!verdict.isError()) {
            return new Outcome(verdict, 1, in, out);
        }
        // One repair retry: show the model its invalid answer and why it was refused.
        messages.add(ChatMessage.assistant(first.text() == null ? "" : first.text()));
        messages.add(ChatMessage.user(RepairPrompt.followUp(first.text() == null ? "" : first.text(), verdict.error(),
                setup.rubric())));
        var repair = llm.chat(new ChatRequest(setup.model(), messages, t, setup.params().maxTokens(), topP,
                JudgePromptBuilder.responseSchema(setup.rubric()), jobId, request.embeddedTask()));
        Verdict repaired = VerdictParser.parse(repair.text(), setup.rubric());
        in += repair.inputTokens();
        out += repair.outputTokens();
        if (repaired.isError()) {
            repaired = Verdict.failed("invalid answer after one repair: " + repaired.error(), repaired.raw());
        }
        return new Outcome(repaired, 2, in, out);
    }

    /** The call in structure for the offline judge: the rubric's levels, the trace text, the recalled examples. */
    private static EmbeddedTask embeddedTask(Setup setup, String itemText, List<MemoryIndex.Recalled> recalled) {
        List<EmbeddedTask.Option> options = new ArrayList<>();
        for (RubricLevel level : setup.rubric().levels()) {
            options.add(new EmbeddedTask.Option(level.value(), level.label(), level.definition()));
        }
        List<EmbeddedTask.Neighbour> neighbours = recalled.stream().map(r -> new EmbeddedTask.Neighbour(
                r.example().traceId(), r.example().value(), r.similarity())).toList();
        return new EmbeddedTask(setup.instructions(), options, itemText, neighbours,
                setup.memory() == null ? EmbeddedTask.Weighting.SIMILARITY : setup.memory().weightingKind());
    }
}
