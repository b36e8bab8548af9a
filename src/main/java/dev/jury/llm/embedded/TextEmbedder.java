package dev.jury.llm.embedded;

import java.util.List;

/**
 * Turns texts into unit-length vectors. The live one is {@link EmbeddingService} (all-MiniLM-L6-v2 in-process, cached
 * in PostgreSQL); tests script one. Implementations must be thread-safe and deterministic: the same text always
 * gives the same vector, so the embedded judge gives the same verdict for the same call.
 */
public interface TextEmbedder {

    /** The model's name, recorded with cached vectors and shown in rationales. */
    String modelName();

    /** One unit-length vector per text, in order. */
    List<float[]> embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    /** Cosine similarity of two unit-length vectors: their dot product. */
    static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double dot = 0.0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    /** {@code v} scaled to unit length ({@code v} itself when it is all zeros). */
    static float[] normalise(float[] v) {
        double norm = 0.0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm == 0.0) {
            return v;
        }
        double scale = 1.0 / Math.sqrt(norm);
        float[] unit = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            unit[i] = (float) (v[i] * scale);
        }
        return unit;
    }
}
