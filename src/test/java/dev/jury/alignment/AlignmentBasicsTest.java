package dev.jury.alignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.jury.alignment.AlignmentFixtures.BASE_INSTRUCTIONS;
import static dev.jury.alignment.AlignmentFixtures.JSON;
import static dev.jury.alignment.AlignmentFixtures.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JudgeProgram, AlignmentExample, LabelMatch and ParameterSpec. */
class AlignmentBasicsTest {

    @Test
    void rulesAreAppendedAfterABlankLineWithoutDuplicates() {
        JudgeProgram p = JudgeProgram.of(BASE_INSTRUCTIONS + "\n\nIf the judge sees a haiku, it should pass it.", List.of())
                .withRule("  If the judge sees code, it should run it mentally. ");
        assertEquals(BASE_INSTRUCTIONS + "\n\nIf the judge sees a haiku, it should pass it."
                + "\n\nIf the judge sees code, it should run it mentally.", p.instructions());
        assertEquals(List.of("If the judge sees code, it should run it mentally."), p.rules());
        assertTrue(p.hasRule("If the judge sees code, it should run it mentally."));
        assertTrue(p.hasRule("If the judge sees a haiku, it should pass it.")); // already in the base text
        assertFalse(p.hasRule("If the judge sees code, it should run it."));
        assertThrows(IllegalArgumentException.class, () -> p.withRule("  "));
    }

    @Test
    void demosAreDroppedByPosition() {
        AlignmentExample e = example("t-01", "easy", "yes");
        Demo a = e.toDemo("yes", "a", 0);
        Demo b = e.toDemo("no", "b", 0);
        Demo c = e.toDemo("yes", "c", 0);
        JudgeProgram p = JudgeProgram.of("x {{ inputs }}", List.of(a, b, c));
        assertEquals(List.of(a, c), p.withoutDemosAt(Set.of(1)).demos());
        assertSame(p, p.withoutDemosAt(Set.of()));
    }

    @Test
    void demoFieldsAreCutLikeDspy() {
        JsonNode long1 = JSON.createObjectNode().put("text", "abcdefghij");
        JsonNode cut = AlignmentExample.truncate(long1, 5);
        assertEquals(TextNode.valueOf("{\"tex" + AlignmentExample.TRUNCATION_MARK), cut);
        assertEquals(TextNode.valueOf("abc" + AlignmentExample.TRUNCATION_MARK),
                AlignmentExample.truncate(TextNode.valueOf("abcdef"), 3));
        assertSame(long1, AlignmentExample.truncate(long1, 0));
        assertSame(long1, AlignmentExample.truncate(long1, 1000));
        AlignmentExample e = new AlignmentExample("t", TextNode.valueOf("0123456789"), TextNode.valueOf("abc"),
                null, "yes", null);
        Demo demo = e.toDemo("yes", null, 4);
        assertEquals("0123" + AlignmentExample.TRUNCATION_MARK, demo.inputs().textValue());
        assertEquals("abc", demo.outputs().textValue());
        assertEquals("", demo.rationale());
        assertEquals("", e.humanRationale());
    }

    @Test
    void labelsMatchAfterTrimAndCaseFoldAndNumbersAsNumbers() {
        assertEquals(1.0, LabelMatch.score(Verdict.of(" Yes ", ""), "yes"));
        assertEquals(1.0, LabelMatch.score(Verdict.of("4", ""), "4.0"));
        assertEquals(0.0, LabelMatch.score(Verdict.of("4", ""), "5"));
        assertEquals(0.0, LabelMatch.score(Verdict.failed("timeout", null), "yes"));
        assertEquals(0.0, LabelMatch.score(null, "yes"));
        assertTrue(LabelMatch.matches("GOOD", "good"));
        assertFalse(LabelMatch.matches("good", "excellent"));
    }

    @Test
    void parameterSpecsParseAndExplainRefusals() {
        ParameterSpec steps = new ParameterSpec("max_steps", ParameterSpec.Type.INTEGER, 8L, 1L, 100L, "Steps.");
        assertEquals(8L, steps.parse(" "));
        assertEquals(12L, steps.parse("12"));
        assertEquals(12L, steps.parse(12.0));
        assertEquals("max_steps must be between 1 and 100, got 0",
                assertThrows(IllegalArgumentException.class, () -> steps.parse(0)).getMessage());
        assertEquals("max_steps must be an integer, got 'many'",
                assertThrows(IllegalArgumentException.class, () -> steps.parse("many")).getMessage());
        assertEquals(Map.of("max_steps", 3L), ParameterSpec.resolve(List.of(steps), Map.of("max_steps", "3")));
        assertEquals("integer", steps.type().jsonName());
    }
}
