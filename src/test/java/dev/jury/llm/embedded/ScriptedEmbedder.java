package dev.jury.llm.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TextEmbedder} for tests: each text maps to the vector the test gave it (normalised), so similarities are
 * exactly what the test arranged. An unknown text is refused, so a test cannot pass on vectors it did not mean.
 */
public final class ScriptedEmbedder implements TextEmbedder {

    private final Map<String, float[]> vectors = new HashMap<>();
    private int calls;

    public ScriptedEmbedder put(String text, float... vector) {
        vectors.put(text, TextEmbedder.normalise(vector));
        return this;
    }

    /** How many texts were embedded so far. */
    public int calls() {
        return calls;
    }

    @Override
    public String modelName() {
        return "scripted";
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> result = new ArrayList<>();
        for (String text : texts) {
            float[] v = vectors.get(text);
            if (v == null) {
                throw new IllegalArgumentException("no scripted vector for text: " + text);
            }
            calls++;
            result.add(v);
        }
        return result;
    }
}
