package dev.jury.traces.ingest;

import dev.jury.labels.SourceType;

import java.time.Instant;

/**
 * An assessment carried in with a trace (MLflow import). {@code externalId}/{@code overrides} are the source
 * system's ids, used only to link an override to the assessment it replaces within the same trace.
 */
public record AssessmentDraft(String name, String value, String rationale, SourceType sourceType, String sourceId,
                              String error, boolean valid, Instant createdAt, String externalId, String overrides) {
}
