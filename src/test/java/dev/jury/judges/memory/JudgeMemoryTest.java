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
    }

    @Test
    void refusesAnUnknownWeightingAndAKBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new JudgeMemory(5, "cubic", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new JudgeMemory(0, "uniform", List.of()));
    }
}
