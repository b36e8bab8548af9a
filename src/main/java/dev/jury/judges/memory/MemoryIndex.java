package dev.jury.judges.memory;

import dev.jury.llm.embedded.TextEmbedder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A memory's examples with their vectors, searched exactly (a linear scan: 10,000 examples of 384 dimensions are a
 * few million multiply-adds, about a millisecond). Immutable and thread-safe.
 */
public final class MemoryIndex {

    /** One recalled example and how similar it is to the item (cosine, in [-1, 1]). */
    public record Recalled(MemoryExample example, double similarity) {
    }

    private final List<MemoryExample> examples;
    private final float[][] vectors;

    public MemoryIndex(List<MemoryExample> examples, List<float[]> vectors) {
        if (examples.size() != vectors.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + vectors.size() + " vectors");
        }
        this.examples = List.copyOf(examples);
        this.vectors = vectors.toArray(new float[0][]);
    }

    public int size() {
        return examples.size();
    }

    /**
     * The {@code k} examples most similar to {@code query}, most similar first; equal similarities keep memory order.
     * An example of trace {@code excludeTraceId} is never returned: a trace's own label must not vote on it (that
     * would make every train score perfect and hide how the memory generalises).
     */
    public List<Recalled> nearest(float[] query, int k, String excludeTraceId) {
        Objects.requireNonNull(query, "query");
        if (k < 1) {
            return List.of();
        }
        double[] similarity = new double[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            similarity[i] = TextEmbedder.similarity(query, vectors[i]);
        }
        // Min-heap of the best k so far: the worst similarity on top; among equals the later example is worse.
        PriorityQueue<Integer> best = new PriorityQueue<>(k + 1, (a, b) -> {
            int bySimilarity = Double.compare(similarity[a], similarity[b]);
            return bySimilarity != 0 ? bySimilarity : Integer.compare(b, a);
        });
        for (int i = 0; i < vectors.length; i++) {
            if (excludeTraceId != null && excludeTraceId.equals(examples.get(i).traceId())) {
                continue;
            }
            best.add(i);
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Recalled> recalled = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            int i = best.poll();
            recalled.add(new Recalled(examples.get(i), similarity[i]));
        }
        java.util.Collections.reverse(recalled);
        return recalled;
    }
}
