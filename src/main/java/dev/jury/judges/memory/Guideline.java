package dev.jury.judges.memory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.Objects;

/**
 * One piece of a judge version's semantic memory: a guideline distilled from expert feedback by the MemAlign
 * optimizer (MLflow's {@code Guideline}), shown to the judge at every call under "Guidelines learned from expert
 * feedback". It keeps the traces it came from, so forgetting those traces can forget it too.
 *
 * @param text           one short sentence; never blank
 * @param sourceTraceIds the traces whose feedback it was distilled from, in order, without duplicates
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Guideline(String text, List<String> sourceTraceIds) {

    public Guideline {
        Objects.requireNonNull(text, "text");
        text = text.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a guideline must not be blank");
        }
        sourceTraceIds = sourceTraceIds == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(sourceTraceIds));
    }

    /** The same guideline, also distilled from {@code more} traces. */
    public Guideline withSources(List<String> more) {
        List<String> all = new java.util.ArrayList<>(sourceTraceIds);
        all.addAll(more);
        return new Guideline(text, all);
    }
}
