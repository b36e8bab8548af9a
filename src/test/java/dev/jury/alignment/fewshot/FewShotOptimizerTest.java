package dev.jury.alignment.fewshot;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentFixtures.Script;
import dev.jury.alignment.AlignmentFixtures.ScriptedJudge;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FewShotOptimizerTest {

    private static final JudgeProgram BASE = JudgeProgram.of("Rate {{ outputs }} for {{ inputs }}.", List.of());

    /** trace → (human label, what the base judge says); "!" = a failed call. */
    private static final String[][] CASES = {
            {"t-01", "poor", "good"}, {"t-02", "poor", "good"}, {"t-03", "poor", "good"},
            {"t-04", "good", "poor"}, {"t-05", "good", "poor"},
            {"t-06", "fair", "excellent"}, {"t-07", "fair", "excellent"},
            {"t-08", "excellent", "fair"},
            {"t-09", "poor", "fair"},
            {"t-10", "fair", "poor"},
            {"t-11", "good", "!"},
            {"t-12", "good", "good"}, {"t-13", "fair", " Fair "}, {"t-14", "poor", "poor"},
    };

    private static final Map<String, String> SAYS = new java.util.HashMap<>();

    static {
        for (String[] c : CASES) {
            SAYS.put(c[0], c[2]);
        }
    }

    private static List<AlignmentExample> train() {
        List<AlignmentExample> list = new ArrayList<>();
        for (String[] c : CASES) {
            String rationale = c[0].equals("t-01") ? "" : "experts: " + c[1] + " because of " + c[0];
            list.add(new AlignmentExample(c[0], TextNode.valueOf("question " + c[0]), TextNode.valueOf("answer " + c[0]),
                    null, c[1], rationale));
        }
        return list;
    }

    private static Verdict base(AlignmentExample e) {
        String says = SAYS.get(e.traceId());
        return says.equals("!") ? Verdict.failed("unparseable", "{") : Verdict.of(says, "base says " + says);
    }

    /** The base judge as scripted; with any demo, right wherever the call does not fail. */
    private static final Script DEMOS_HELP = (p, e, t, s) -> p.demos().isEmpty() || SAYS.get(e.traceId()).equals("!")
            ? base(e) : Verdict.of(e.label(), "learned");

    @Test
    void picksOneDemoPerFailureClusterLargestFirstUpToFive() {
        ScriptedJudge judge = new ScriptedJudge(DEMOS_HELP);
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge)
                .align(BASE, null, train(), AlignmentContext.builder().build());

        List<Demo> demos = result.demos();
        assertEquals(5, demos.size());
        // clusters: (poor, good)×3, (good, poor)×2, (fair, excellent)×2, (excellent, fair)×1, (poor, fair)×1 —
        // (fair, poor)×1 comes last and is left out; t-01 has no human rationale so t-02 stands for its cluster
        assertEquals(List.of("answer t-02", "answer t-04", "answer t-06", "answer t-08", "answer t-09"),
                demos.stream().map(d -> d.outputs().textValue()).toList());
        assertEquals(List.of("poor", "good", "fair", "excellent", "poor"), demos.stream().map(Demo::value).toList());
        assertEquals("experts: poor because of t-02", demos.get(0).rationale());
        assertEquals(3.0 / 14, result.baselineTrainScore(), 1e-12);
        assertEquals(13.0 / 14, result.trainScore(), 1e-12);
        assertEquals(28, judge.calls());
        assertEquals(28, result.calls().judgeCallFormula());
        assertEquals(BASE.instructions(), result.instructions());
        assertTrue(result.rules().isEmpty());
    }

    @Test
    void isDeterministic() {
        AlignmentResult first = new FewShotOptimizer(FewShotParameters.defaults(), new ScriptedJudge(DEMOS_HELP))
                .align(BASE, null, train(), AlignmentContext.builder().seed(1).build());
        AlignmentResult second = new FewShotOptimizer(FewShotParameters.defaults(), new ScriptedJudge(DEMOS_HELP))
                .align(BASE, null, train(), AlignmentContext.builder().seed(2).build());
        assertEquals(first, second);
    }

    @Test
    void respectsMaxDemosAndKeepsTheBaseDemosFirst() {
        Demo existing = new Demo(TextNode.valueOf("q"), TextNode.valueOf("a"), null, "good", "given");
        JudgeProgram withDemo = JudgeProgram.of(BASE.instructions(), List.of(existing));
        Script newDemosHelp = (p, e, t, s) -> p.demos().size() > 1 ? DEMOS_HELP.answer(p, e, t, s) : base(e);
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.from(Map.of("max_demos", 2)),
                new ScriptedJudge(newDemosHelp)).align(withDemo, null, train(), AlignmentContext.builder().build());
        assertEquals(3, result.demos().size());
        assertEquals(existing, result.demos().get(0));
    }

    @Test
    void keepsTheBaseWhenTheDemosDoNotHelp() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> base(e));
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge)
                .align(BASE, null, train(), AlignmentContext.builder().build());
        assertEquals(BASE, result.program());
        assertFalse(result.changed());
        assertEquals(2, result.finalists().size());
        assertEquals(28, judge.calls());
    }

    @Test
    void withoutFailuresTheBaseIsKeptAfterOnePass() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> Verdict.of(e.label(), "ok"));
        AlignmentResult result = new FewShotOptimizer(FewShotParameters.defaults(), judge)
                .align(BASE, null, train(), AlignmentContext.builder().build());
        assertEquals(BASE, result.program());
        assertEquals(1.0, result.trainScore());
        assertEquals(14, judge.calls());
    }
}
