package dev.jury.judges.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A memory's examples with their vectors, searched exactly (a linear scan: 10,000 examples of 384 dimensions are a
 * few million multiply-adds, about a millisecond). Immutable and thread-safe.
 */
public final class MemoryIndex {

    /** One recalled example and how similar it is to the item (cosine, in [-1, 1]). */
    public record Recalled(MemoryExample example, double similarity) {
    }

    private final List<MemoryExample> examples;
    /** Every vector, one after the other in one array: a scan reads memory in order. */
    private final float[] flat;
    private final int dimensions;

    public MemoryIndex(List<MemoryExample> examples, List<float[]> vectors) {
        if (examples.size() != vectors.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + vectors.size() + " vectors");
        }
        this.examples = List.copyOf(examples);
        this.dimensions = vectors.isEmpty() ? 0 : vectors.get(0).length;
        this.flat = new float[vectors.size() * dimensions];
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            if (v.length != dimensions) {
                throw new IllegalArgumentException("vector " + i + " has " + v.length + " dimensions, not "
                        + dimensions);
            }
            System.arraycopy(v, 0, flat, i * dimensions, dimensions);
        }
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
        if (k < 1 || examples.isEmpty()) {
            return List.of();
        }
        if (query.length != dimensions) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, not " + dimensions);
        }
        // The best k so far, most similar first; a newcomer goes after every equal one (memory order among equals).
        int[] best = new int[k];
        double[] bestSimilarity = new double[k];
        int held = 0;
        for (int i = 0; i < examples.size(); i++) {
            double similarity = dot(query, i * dimensions);
            if (held == k && similarity <= bestSimilarity[k - 1]) {
                continue;
            }
            if (excludeTraceId != null && excludeTraceId.equals(examples.get(i).traceId())) {
                continue;
            }
            int at = held < k ? held : k - 1;
            while (at > 0 && bestSimilarity[at - 1] < similarity) {
                best[at] = best[at - 1];
                bestSimilarity[at] = bestSimilarity[at - 1];
                at--;
            }
            best[at] = i;
            bestSimilarity[at] = similarity;
            held = Math.min(k, held + 1);
        }
        List<Recalled> recalled = new ArrayList<>(held);
        for (int j = 0; j < held; j++) {
            recalled.add(new Recalled(examples.get(best[j]), bestSimilarity[j]));
        }
        return recalled;
    }

    /** The query's dot product with the vector at {@code offset}; four sums so the CPU can overlap the additions. */
    private double dot(float[] query, int offset) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        for (; d + 3 < dimensions; d += 4) {
            s0 += query[d] * flat[offset + d];
            s1 += query[d + 1] * flat[offset + d + 1];
            s2 += query[d + 2] * flat[offset + d + 2];
            s3 += query[d + 3] * flat[offset + d + 3];
        }
        for (; d < dimensions; d++) {
            s0 += query[d] * flat[offset + d];
        }
        return (double) s0 + s1 + s2 + s3;
    }
}
