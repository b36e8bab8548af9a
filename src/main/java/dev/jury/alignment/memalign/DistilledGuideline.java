package dev.jury.alignment.memalign;

import java.util.List;

/**
 * A guideline as the distillation model proposes it: its text and the ids of the batch's records it came from
 * (MLflow's {@code guideline_text} and {@code source_trace_ids}).
 */
public record DistilledGuideline(String text, List<Integer> sourceIds) {

    public DistilledGuideline {
        text = text == null ? "" : text.strip();
        sourceIds = sourceIds == null ? List.of() : List.copyOf(sourceIds);
    }
}
