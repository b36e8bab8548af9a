package dev.jury.alignment.fewshot;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentFixtures.ScriptedJudge;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Few-shot for the offline judge: the train set becomes the labelled memory; k and weighting chosen on train. */
class FewShotMemoryTest {

    private static final JudgeProgram BASE = JudgeProgram.of("Rate {{ outputs }} for {{ inputs }}.", List.of());

    private static List<AlignmentExample> train(int n) {
        List<AlignmentExample> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new AlignmentExample("t-" + i, TextNode.valueOf("q" + i), TextNode.valueOf("a" + i), null,
                    i % 3 == 0 ? "no" : "yes", "because " + i));
        }
        return list;
    }

    @Test
    void theTrainSetBecomesTheMemoryAndTheBestKIsKept() {
        // The scripted judge is right only with a memory recalling 7 similarity-weighted examples; else it says "yes".
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> p.memory() != null && p.memory().k() == 7
                && p.memory().weighting().equals("similarity") ? Verdict.of(e.label(), "memory")
                : Verdict.of("yes", "base"));
        List<AlignmentExample> train = train(30);
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge, true)
                .align(BASE, null, train, AlignmentContext.builder().build());

        JudgeMemory memory = result.program().memory();
        assertEquals(7, memory.k());
        assertEquals("similarity", memory.weighting());
        assertEquals(30, memory.size());
        assertEquals(new MemoryExample("t-3", TextNode.valueOf("q3"), TextNode.valueOf("a3"), null, "no", "because 3"),
                memory.examples().get(3));
        assertTrue(result.demos().isEmpty(), "the offline judge learns into memory, not demos");
        assertEquals(20.0 / 30, result.baselineTrainScore(), 1e-12);
        assertEquals(1.0, result.trainScore(), 1e-12);
        // N for the base, N for each of 6 k values × 2 weightings
        assertEquals(30 * 13, judge.calls());
        assertEquals(30 * 13, result.calls().judgeCallFormula());
        assertEquals(30 * 13, FewShotOptimizer.memoryCandidates(30) * 30 + 30);
        assertEquals(13, result.finalists().size());
    }

    @Test
    void equalScoresGoToTheKNearestTheDefault() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> p.memory() != null ? Verdict.of(e.label(), "m")
                : Verdict.of("yes", "base"));
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge, true)
                .align(BASE, null, train(12), AlignmentContext.builder().build());
        assertEquals(JudgeMemory.DEFAULT_K, result.program().memory().k());
        assertEquals("similarity", result.program().memory().weighting());
    }

    @Test
    void aMemoryThatDoesNotBeatTheBaseIsNotKept() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> Verdict.of(e.label(), "always right"));
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge, true)
                .align(BASE, null, train(12), AlignmentContext.builder().build());
        assertFalse(result.changed());
        assertNull(result.program().memory());
    }

    @Test
    void theBaseMemoryKeepsItsExamplesOfOtherTracesAndTrainLabelsWin() {
        var old = new MemoryExample("t-0", TextNode.valueOf("q0"), TextNode.valueOf("a0"), null, "yes", "old label");
        var other = new MemoryExample("x-1", TextNode.valueOf("qx"), TextNode.valueOf("ax"), null, "no", "kept");
        JudgeProgram base = JudgeProgram.of(BASE.instructions(), List.of(), new JudgeMemory(3, "uniform",
                List.of(old, other)));
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> p.memory().size() > 2 ? Verdict.of(e.label(), "m")
                : Verdict.of("yes", "base"));
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge, true)
                .align(base, null, train(6), AlignmentContext.builder().build());
        List<MemoryExample> examples = result.program().memory().examples();
        assertEquals(7, examples.size());
        assertEquals(other, examples.get(0));
        assertEquals("no", examples.get(1).value(), "t-0's train label replaces its old memory label");
    }
}
