package dev.jury.judges.memory;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.llm.embedded.TextEmbedder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryIndexTest {

    private static MemoryExample example(String traceId, String value) {
        return new MemoryExample(traceId, TextNode.valueOf("q" + traceId), TextNode.valueOf("a" + traceId), null,
                value, "");
    }

    private static float[] v(float... xs) {
        return TextEmbedder.normalise(xs);
    }

    private final MemoryIndex index = new MemoryIndex(
            List.of(example("1", "yes"), example("2", "no"), example("3", "no"), example("4", "yes")),
            List.of(v(1, 0), v(0.8f, 0.6f), v(0, 1), v(0.8f, 0.6f)));

    @Test
    void recallsTheKNearestMostSimilarFirstEqualOnesInMemoryOrder() {
        List<MemoryIndex.Recalled> near = index.nearest(v(1, 0.1f), 3, null);
        assertEquals(List.of("1", "2", "4"), near.stream().map(r -> r.example().traceId()).toList());
        assertEquals(near.get(1).similarity(), near.get(2).similarity(), 1e-12);
        assertTrue(near.get(0).similarity() > near.get(1).similarity());
    }

    @Test
    void aTraceNeverRecallsItsOwnExample() {
        List<MemoryIndex.Recalled> near = index.nearest(v(1, 0), 2, "1");
        assertEquals(List.of("2", "4"), near.stream().map(r -> r.example().traceId()).toList());
    }

    @Test
    void kLargerThanTheMemoryRecallsEverythingElse() {
        assertEquals(3, index.nearest(v(0, 1), 10, "3").size());
        assertEquals(0, index.nearest(v(0, 1), 0, null).size());
    }

    @Test
    void memoryTextIsFieldAndTextLinesOfInputsThenOutputs() {
        var inputs = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("query", " Hi ");
        inputs.putArray("docs").add("d1").add(2);
        assertEquals("query: Hi\ndocs: d1\ndocs: 2\nresponse: Hello",
                MemoryText.of(inputs, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("response", "Hello")));
    }
}
