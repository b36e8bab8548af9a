package dev.jury.alignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.judges.prompt.Verdict;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small builders shared by the alignment tests: examples, a rubric, and a scripted (deterministic) judge. */
public final class AlignmentFixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    public static final RubricSpec YES_NO = new RubricSpec(RubricKind.BOOLEAN, List.of(
            new RubricLevel("yes", "Yes", "The answer is correct and complete.", false),
            new RubricLevel("no", "No", "The answer is wrong or incomplete.", true)),
            "Judge the answer only.", false, 0, null);

    public static final String BASE_INSTRUCTIONS = "Is {{ outputs }} a correct answer to {{ inputs }}?";

    private AlignmentFixtures() {
    }

    /** One example whose inputs carry a {@code kind} the scripted judges read. */
    public static AlignmentExample example(String traceId, String kind, String label) {
        ObjectNode inputs = JSON.createObjectNode().put("question", "question of " + traceId).put("kind", kind);
        ObjectNode outputs = JSON.createObjectNode().put("answer", "answer of " + traceId);
        return new AlignmentExample(traceId, inputs, outputs, null, label, "humans say " + label + " for " + traceId);
    }

    /** {@code count} examples t-01… with kinds cycling through {@code kinds} and labels through {@code labels}. */
    public static List<AlignmentExample> examples(int count, List<String> kinds, List<String> labels) {
        List<AlignmentExample> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(example(String.format("t-%02d", i + 1), kinds.get(i % kinds.size()), labels.get(i % labels.size())));
        }
        return list;
    }

    public static String kind(AlignmentExample example) {
        JsonNode kind = example.inputs().get("kind");
        return kind == null ? "" : kind.asText();
    }

    /** The value that disagrees with the example's label. */
    public static String wrong(AlignmentExample example) {
        return example.label().equals("yes") ? "no" : "yes";
    }

    public static Verdict right(AlignmentExample example) {
        return Verdict.of(example.label(), "right about " + example.traceId());
    }

    public static Verdict wrongVerdict(AlignmentExample example) {
        return Verdict.of(wrong(example), "wrong about " + example.traceId());
    }

    /** How a scripted judge answers one call; pure, so answers never depend on call order or thread. */
    @FunctionalInterface
    public interface Script {
        Verdict answer(JudgeProgram program, AlignmentExample example, double temperature, int sample);
    }

    /** A judge that follows a script and counts its calls. */
    public static final class ScriptedJudge implements JudgeRunner {
        private final Script script;
        private final AtomicInteger calls = new AtomicInteger();

        public ScriptedJudge(Script script) {
            this.script = script;
        }

        @Override
        public Verdict assess(JudgeProgram program, AlignmentExample example, double temperature) {
            return assess(program, example, temperature, 0);
        }

        @Override
        public Verdict assess(JudgeProgram program, AlignmentExample example, double temperature, int sample) {
            calls.incrementAndGet();
            return script.answer(program, example, temperature, sample);
        }

        public int calls() {
            return calls.get();
        }
    }

    /** A stable pseudo-random bit from the call's content (not from call order). */
    public static boolean coin(JudgeProgram program, AlignmentExample example, int sample, int salt) {
        int h = (program.instructions().hashCode() * 31 + program.demos().size()) * 31 + example.traceId().hashCode();
        h = h * 31 + sample * 7919 + salt;
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return (h & 1) == 0;
    }
}
