package dev.jury.judges.memory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.jury.llm.embedded.EmbeddedTask;

import java.util.List;

/**
 * A judge version's labelled memory: examples with their human consensus labels, and how many of them to recall at
 * each call. Stored as data on the version (immutable like it); at every judge call of the version the
 * {@link #k()} examples most similar to the trace are retrieved ({@link MemoryRetriever}) — shown to an LLM judge as
 * worked examples, and voting for the offline embedded judge.
 *
 * @param k         how many nearest examples each call recalls (at least 1)
 * @param weighting how they vote in the embedded judge: {@code similarity} or {@code uniform}
 * @param examples  the labelled examples, in the order they were added
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JudgeMemory(int k, String weighting, List<MemoryExample> examples) {

    /** MLflow's MemAlign retrieves 5 examples by default; Jury uses the same default. */
    public static final int DEFAULT_K = 5;

    public JudgeMemory {
        if (k < 1) {
            throw new IllegalArgumentException("a memory recalls at least one example (k = " + k + ")");
        }
        weighting = EmbeddedTask.Weighting.parse(weighting == null ? "similarity" : weighting).id();
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    public static JudgeMemory of(int k, EmbeddedTask.Weighting weighting, List<MemoryExample> examples) {
        return new JudgeMemory(k, weighting.id(), examples);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return examples.isEmpty();
    }

    public int size() {
        return examples.size();
    }

    public EmbeddedTask.Weighting weightingKind() {
        return EmbeddedTask.Weighting.parse(weighting);
    }

    /** "240 examples, k = 5, similarity-weighted" for pages and logs. */
    public String describe() {
        return examples.size() + " example" + (examples.size() == 1 ? "" : "s") + ", k = " + k + ", "
                + (weightingKind() == EmbeddedTask.Weighting.SIMILARITY ? "similarity-weighted" : "unweighted");
    }
}
