package dev.jury.judges.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JudgeMemoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void survivesTheRoundTripThroughItsJsonColumn() throws Exception {
        var memory = new JudgeMemory(5, "Similarity", List.of(new MemoryExample("12",
                JSON.createObjectNode().put("q", "Where is {{ it }}?"), TextNode.valueOf("Tomorrow."), null, "yes",
                null)));
        var json = JSON.valueToTree(memory);
        assertFalse(json.has("empty"), json.toString());
        assertEquals(memory, JSON.treeToValue(json, JudgeMemory.class));
        assertEquals("similarity", memory.weighting());
        assertEquals("", memory.examples().get(0).rationale());
        assertEquals("1 example, k = 5, similarity-weighted", memory.describe());
        assertFalse(json.has("guidelines"), "a memory without guidelines is stored exactly as before they existed");
    }

    @Test
    void guidelinesKeepTheirSourcesThroughTheColumn() throws Exception {
        var memory = new JudgeMemory(3, "uniform", List.of(), List.of(
                new Guideline(" Refunds need a receipt. ", List.of("t-1", "t-2", "t-1"))));
        assertEquals(new Guideline("Refunds need a receipt.", List.of("t-1", "t-2")), memory.guidelines().get(0));
        assertFalse(memory.isEmpty(), "guidelines alone are a memory");
        var json = JSON.valueToTree(memory);
        assertEquals(memory, JSON.treeToValue(json, JudgeMemory.class));
        assertEquals("0 examples, k = 3, unweighted, 1 guideline", memory.describe());
        assertEquals(List.of("t-1", "t-2", "t-9"),
                memory.guidelines().get(0).withSources(List.of("t-2", "t-9")).sourceTraceIds());
        assertThrows(IllegalArgumentException.class, () -> new Guideline("  ", List.of()));
    }

    @Test
    void refusesAnUnknownWeightingAndAKBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new JudgeMemory(5, "cubic", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new JudgeMemory(0, "uniform", List.of()));
    }

    private static MemoryExample example(String traceId, String value) {
        return new MemoryExample(traceId, TextNode.valueOf("q" + traceId), TextNode.valueOf("a" + traceId), null,
                value, null);
    }

    @Test
    void forgetRemovesExactlyTheChosenExamplesAndGuidelines() {
        var memory = new JudgeMemory(4, "uniform", List.of(example("1", "yes"), example("2", "no"),
                example("3", "yes")), List.of(new Guideline("Rule A.", List.of("2")), new Guideline("Rule B.",
                List.of("1"))));
        var kept = memory.forget(List.of("2", "9"), List.of(" Rule A. "));
        assertEquals(List.of(example("1", "yes"), example("3", "yes")), kept.examples());
        assertEquals(List.of(new Guideline("Rule B.", List.of("1"))), kept.guidelines());
        assertEquals(4, kept.k());
        assertEquals("uniform", kept.weighting());
        assertEquals(memory, memory.forget(List.of(), List.of()));
    }

    @Test
    void moreExamplesAreAppendedInOrderAndATraceIsHeldOnce() {
        var memory = new JudgeMemory(2, "similarity", List.of(example("1", "yes")),
                List.of(new Guideline("Rule A.", List.of("1"))));
        var grown = memory.withMoreExamples(List.of(example("3", "no"), example("1", "no"), example("2", "yes")));
        assertEquals(List.of(example("1", "yes"), example("3", "no"), example("2", "yes")), grown.examples());
        assertEquals(memory.guidelines(), grown.guidelines());
        assertEquals(2, grown.k());
    }
}
