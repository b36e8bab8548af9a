package dev.jury.judges.memory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jury.llm.embedded.EmbeddedTask;

import java.util.List;

/**
 * A judge version's memory, MemAlign's two kinds in one value stored as data on the version (column
 * {@code judge_version.memory}, immutable like the version):
 * <ul>
 *   <li><b>episodic</b>: labelled examples with their human consensus labels; at every judge call of the version the
 *   {@link #k()} examples most similar to the trace are retrieved ({@link MemoryRetriever}) — shown to an LLM judge
 *   as worked examples, and voting for the offline embedded judge;</li>
 *   <li><b>semantic</b>: guidelines distilled from expert feedback, shown to an LLM judge at every call after the
 *   rubric's own guidelines (the offline judge does not read them).</li>
 * </ul>
 * Guidelines live here rather than in a column of their own because they are made, kept, forgotten and exported
 * together with the examples they came from; a memory without guidelines serialises exactly as before they existed.
 *
 * @param k          how many nearest examples each call recalls (at least 1)
 * @param weighting  how they vote in the embedded judge: {@code similarity} or {@code uniform}
 * @param examples   the labelled examples, in the order they were added
 * @param guidelines the distilled guidelines, in the order they were learned
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JudgeMemory(int k, String weighting, List<MemoryExample> examples,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Guideline> guidelines) {

    /** MLflow's MemAlign retrieves 5 examples by default; Jury uses the same default. */
    public static final int DEFAULT_K = 5;

    public JudgeMemory {
        if (k < 1) {
            throw new IllegalArgumentException("a memory recalls at least one example (k = " + k + ")");
        }
        weighting = EmbeddedTask.Weighting.parse(weighting == null ? "similarity" : weighting).id();
        examples = examples == null ? List.of() : List.copyOf(examples);
        guidelines = guidelines == null ? List.of() : List.copyOf(guidelines);
    }

    /** A memory of examples only (no guidelines). */
    public JudgeMemory(int k, String weighting, List<MemoryExample> examples) {
        this(k, weighting, examples, List.of());
    }

    @JsonCreator
    static JudgeMemory read(@com.fasterxml.jackson.annotation.JsonProperty("k") int k,
                            @com.fasterxml.jackson.annotation.JsonProperty("weighting") String weighting,
                            @com.fasterxml.jackson.annotation.JsonProperty("examples") List<MemoryExample> examples,
                            @com.fasterxml.jackson.annotation.JsonProperty("guidelines") List<Guideline> guidelines) {
        return new JudgeMemory(k, weighting, examples, guidelines);
    }

    public static JudgeMemory of(int k, EmbeddedTask.Weighting weighting, List<MemoryExample> examples) {
        return new JudgeMemory(k, weighting.id(), examples);
    }

    /** No example and no guideline: the same as no memory. */
    @JsonIgnore
    public boolean isEmpty() {
        return examples.isEmpty() && guidelines.isEmpty();
    }

    /** The same memory with other guidelines. */
    public JudgeMemory withGuidelines(List<Guideline> replacement) {
        return new JudgeMemory(k, weighting, examples, replacement);
    }

    /** The same memory with {@code more} examples after its own, in order (each trace once: a trace already held is kept as it was). */
    public JudgeMemory withMoreExamples(List<MemoryExample> more) {
        java.util.Set<String> held = new java.util.HashSet<>();
        List<MemoryExample> all = new java.util.ArrayList<>(examples);
        examples.forEach(e -> held.add(e.traceId()));
        for (MemoryExample e : more) {
            if (held.add(e.traceId())) {
                all.add(e);
            }
        }
        return new JudgeMemory(k, weighting, all, guidelines);
    }

    /**
     * The same memory without the examples of {@code traceIds} and without the guidelines whose text is in
     * {@code guidelineTexts} (exact text after trimming); everything else is kept as it was, in order.
     */
    public JudgeMemory forget(java.util.Collection<String> traceIds, java.util.Collection<String> guidelineTexts) {
        java.util.Set<String> traces = new java.util.HashSet<>(traceIds);
        java.util.Set<String> texts = new java.util.HashSet<>();
        guidelineTexts.forEach(t -> texts.add(t.strip()));
        return new JudgeMemory(k, weighting, examples.stream().filter(e -> !traces.contains(e.traceId())).toList(),
                guidelines.stream().filter(g -> !texts.contains(g.text())).toList());
    }

    public int size() {
        return examples.size();
    }

    public EmbeddedTask.Weighting weightingKind() {
        return EmbeddedTask.Weighting.parse(weighting);
    }

    /** "240 examples, k = 5, similarity-weighted" (", 4 guidelines" when it has some) for pages and logs. */
    public String describe() {
        return examples.size() + " example" + (examples.size() == 1 ? "" : "s") + ", k = " + k + ", "
                + (weightingKind() == EmbeddedTask.Weighting.SIMILARITY ? "similarity-weighted" : "unweighted")
                + (guidelines.isEmpty() ? "" : ", " + guidelines.size() + " guideline"
                + (guidelines.size() == 1 ? "" : "s"));
    }
}
