package dev.jury.llm.embedded;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the embedded judge needs to answer a judge call, in structure rather than prompt text: the rubric's allowed
 * values with their definitions, the text being judged, and — for a version with labelled memory — the nearest
 * labelled examples the judges package retrieved for this call. LLM providers ignore it; they read the prompt.
 *
 * @param instructions the judge's instructions (placeholders left as written); part of every option's text
 * @param options      the rubric levels, in rubric order
 * @param itemText     the trace text being judged (inputs and outputs)
 * @param neighbours   the k nearest labelled examples, nearest first; empty when the version has no memory
 * @param weighting    how the neighbours vote
 */
public record EmbeddedTask(String instructions, List<Option> options, String itemText, List<Neighbour> neighbours,
                           Weighting weighting) {

    public EmbeddedTask {
        Objects.requireNonNull(options, "options");
        options = List.copyOf(options);
        neighbours = neighbours == null ? List.of() : List.copyOf(neighbours);
        instructions = instructions == null ? "" : instructions;
        itemText = itemText == null ? "" : itemText;
        weighting = weighting == null ? Weighting.SIMILARITY : weighting;
    }

    /**
     * One allowed value.
     *
     * @param value      the exact value to answer
     * @param label      the level's short label, e.g. {@code Hallucinated}
     * @param definition what the level means
     */
    public record Option(String value, String label, String definition) {
    }

    /**
     * One labelled example from the version's memory.
     *
     * @param traceId    the trace it was labelled on (named in the rationale so a reviewer can open it)
     * @param value      its consensus label
     * @param similarity cosine similarity to the item, in [-1, 1]
     */
    public record Neighbour(String traceId, String value, double similarity) {
    }

    /** How the k nearest labelled examples vote. */
    public enum Weighting {
        /** Each neighbour counts with its similarity (negative similarities count 0). */
        SIMILARITY,
        /** Each neighbour counts 1: a plain majority of the k nearest. */
        UNIFORM;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code similarity} or {@code uniform}, case-insensitive; anything else is refused. */
        public static Weighting parse(String id) {
            for (Weighting w : values()) {
                if (w.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                    return w;
                }
            }
            throw new IllegalArgumentException("Unknown memory weighting '" + id + "'; use similarity or uniform.");
        }
    }
}
