package dev.jury.alignment.memalign;

import dev.jury.rubrics.RubricSpec;

import java.util.List;
import java.util.Objects;

/**
 * One distillation call: the judge's instructions and rubric, the guidelines already held (new ones must complement
 * them), and one batch of feedback records.
 */
public record DistillationRequest(String instructions, RubricSpec rubric, List<String> existingGuidelines,
                                  List<FeedbackRecord> records) {

    public DistillationRequest {
        Objects.requireNonNull(instructions, "instructions");
        existingGuidelines = List.copyOf(existingGuidelines);
        records = List.copyOf(records);
    }
}
