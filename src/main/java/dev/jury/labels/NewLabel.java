package dev.jury.labels;

import java.time.Instant;

/**
 * An assessment to append, as {@link LabelWriter} takes it: the content columns of one row. {@code createdAt} null
 * means "now" (the database's clock); {@code metadata} is a JSON object as text or null; {@code supersedes} is the
 * row this one replaces when the caller already knows it (the writer links both directions).
 */
public record NewLabel(long traceId, String name, String value, String rationale, SourceType sourceType,
                       String sourceId, Long judgeVersionId, Long rubricVersionId, Long queueId, String error,
                       Long timeSpentMs, boolean valid, Instant createdAt, String metadata, Long supersedes) {

    /** A reviewer's (or adjudicator's) label given in a queue. */
    public static NewLabel human(long traceId, String name, String value, String rationale, String sourceId,
                                 long rubricVersionId, Long queueId, Long timeSpentMs) {
        return new NewLabel(traceId, name, value, rationale, SourceType.HUMAN, sourceId, null, rubricVersionId,
                queueId, null, timeSpentMs, true, null, null, null);
    }

    /** A reviewer's label with metadata (JSON text), e.g. per-chunk answers {@code {"chunks": […], "precision": p}}. */
    public static NewLabel human(long traceId, String name, String value, String rationale, String sourceId,
                                 long rubricVersionId, Long queueId, Long timeSpentMs, String metadata) {
        return new NewLabel(traceId, name, value, rationale, SourceType.HUMAN, sourceId, null, rubricVersionId,
                queueId, null, timeSpentMs, true, null, metadata, null);
    }

    /** A judge version's valid verdict. */
    public static NewLabel verdict(long traceId, String name, String value, String rationale, String sourceId,
                                   long judgeVersionId, long rubricVersionId, String metadata) {
        return new NewLabel(traceId, name, value, rationale, SourceType.LLM_JUDGE, sourceId, judgeVersionId,
                rubricVersionId, null, null, null, true, null, metadata, null);
    }

    /** A failed judge call: no value, the reason; never a valid label. */
    public static NewLabel failedVerdict(long traceId, String name, String error, String sourceId,
                                         long judgeVersionId, long rubricVersionId, String metadata) {
        return new NewLabel(traceId, name, null, null, SourceType.LLM_JUDGE, sourceId, judgeVersionId,
                rubricVersionId, null, error, null, false, null, metadata, null);
    }

    /** The same label, replacing row {@code previous} (null: replaces nothing). */
    public NewLabel superseding(Long previous) {
        return new NewLabel(traceId, name, value, rationale, sourceType, sourceId, judgeVersionId, rubricVersionId,
                queueId, error, timeSpentMs, valid, createdAt, metadata, previous);
    }
}
