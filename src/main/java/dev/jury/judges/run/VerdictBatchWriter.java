package dev.jury.judges.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Stores a judge run's outcomes — valid verdicts and errors — many per transaction, through
 * {@link LabelWriter#insertVerdicts} (one lock query, one multi-row insert and one update per batch instead of a
 * transaction and three statements per trace: storing verdicts one by one was the largest part of a run's own CPU
 * after the LLM client, docs/performance.md). A valid verdict is stored at most once per trace and version however
 * often a run is resumed; an outcome supersedes the version's current error on the trace, so a trace has one
 * current row per version and the earlier errors stay as history.
 */
final class VerdictBatchWriter {

    /** One trace's outcome: a value (valid verdict) or an error with the model's raw answer. */
    record Outcome(long traceId, String value, String rationale, String error, String raw, JsonNode details) {

        static Outcome verdict(long traceId, String value, String rationale) {
            return verdict(traceId, value, rationale, null);
        }

        /** @param details a template judge's additions to the metadata (an object), or null */
        static Outcome verdict(long traceId, String value, String rationale, JsonNode details) {
            return new Outcome(traceId, value, rationale == null ? "" : rationale, null, null, details);
        }

        static Outcome error(long traceId, String error, String raw) {
            String message = error.length() > 2000 ? error.substring(0, 2000) + "…" : error;
            return new Outcome(traceId, null, null, message, raw, null);
        }

        boolean valid() {
            return error == null;
        }
    }

    private final AgroalDataSource dataSource;
    private final ObjectNode metadata;
    private final String name;
    private final String sourceId;
    private final long versionId;
    private final long rubricVersionId;

    /**
     * @param metadata stored with every row, e.g. {@code {"job_id": 12}}; an error row adds the model's {@code raw}
     *                 answer to it
     */
    VerdictBatchWriter(AgroalDataSource dataSource, ObjectNode metadata, String name, String sourceId, long versionId,
                       long rubricVersionId) {
        this.dataSource = dataSource;
        this.metadata = metadata;
        this.name = name;
        this.sourceId = sourceId;
        this.versionId = versionId;
        this.rubricVersionId = rubricVersionId;
    }

    /**
     * Writes the outcomes (at most one per trace) in one transaction.
     *
     * @return trace → id of the row stored for it; a valid verdict on a trace that already had one of this version
     * stores nothing and has no entry
     */
    Map<Long, Long> write(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Map.of();
        }
        var rows = outcomes.stream().map(this::label).toList();
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                return LabelWriter.insertVerdicts(c, sourceId, rows);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not store " + outcomes.size() + " outcomes of " + sourceId, e);
            }
        });
    }

    private NewLabel label(Outcome o) {
        if (o.valid()) {
            ObjectNode stored = metadata;
            if (o.details() instanceof ObjectNode details && !details.isEmpty()) {
                stored = metadata.deepCopy();
                stored.setAll(details);
            }
            return NewLabel.verdict(o.traceId(), name, o.value(), o.rationale(), sourceId, versionId, rubricVersionId,
                    stored.toString());
        }
        return NewLabel.failedVerdict(o.traceId(), name, o.error(), sourceId, versionId, rubricVersionId,
                metadata.deepCopy().put("raw", o.raw()).toString());
    }
}
