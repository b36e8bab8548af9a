package dev.jury.judges;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a judge run's outcomes — valid verdicts and errors — many per transaction: one lock query, at most two
 * multi-row inserts and one update per batch instead of a transaction and three statements per trace (storing
 * verdicts one by one was the largest part of a run's own CPU after the LLM client, docs/performance.md).
 *
 * <p>The rules are those of a single store: a valid verdict is inserted {@code ON CONFLICT DO NOTHING} against the
 * one-valid-verdict index, so it is stored at most once per trace and version however often a run is resumed; an
 * outcome on a trace whose current row for this version is an error supersedes that error, so a trace has one
 * current row per version and the earlier errors stay as history.
 */
final class VerdictBatchWriter {

    /** One trace's outcome: a value (valid verdict) or an error with the model's raw answer. */
    record Outcome(long traceId, String value, String rationale, String error, String raw) {

        static Outcome verdict(long traceId, String value, String rationale) {
            return new Outcome(traceId, value, rationale == null ? "" : rationale, null, null);
        }

        static Outcome error(long traceId, String error, String raw) {
            String message = error.length() > 2000 ? error.substring(0, 2000) + "…" : error;
            return new Outcome(traceId, null, null, message, raw);
        }

        boolean valid() {
            return error == null;
        }
    }

    private final AgroalDataSource dataSource;
    private final String metadata;
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
        this.metadata = metadata.toString();
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
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                Map<Long, Long> currentError = lockCurrentErrors(c, outcomes);
                List<Outcome> verdicts = outcomes.stream().filter(Outcome::valid).toList();
                List<Outcome> errors = outcomes.stream().filter(o -> !o.valid()).toList();
                List<long[]> superseded = new ArrayList<>();
                Map<Long, Long> stored = new HashMap<>();
                insertVerdicts(c, verdicts, currentError, superseded, stored);
                insertErrors(c, errors, currentError, superseded, stored);
                markSuperseded(c, superseded);
                return stored;
            } catch (SQLException e) {
                throw new IllegalStateException("Could not store " + outcomes.size() + " outcomes of " + sourceId, e);
            }
        });
    }

    /** trace → its newest current error row of this version, locked until the batch commits. */
    private Map<Long, Long> lockCurrentErrors(Connection c, List<Outcome> outcomes) throws SQLException {
        Map<Long, Long> current = new HashMap<>();
        try (var s = c.prepareStatement("""
                SELECT trace_id, id FROM assessment
                 WHERE trace_id = ANY (?) AND source_id = ? AND source_type = 'LLM_JUDGE'
                   AND NOT valid AND superseded_by IS NULL
                 FOR UPDATE""")) {
            s.setArray(1, c.createArrayOf("bigint", outcomes.stream().map(Outcome::traceId).toArray()));
            s.setString(2, sourceId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    current.merge(rs.getLong(1), rs.getLong(2), Math::max);
                }
            }
        }
        return current;
    }

    private void insertVerdicts(Connection c, List<Outcome> verdicts, Map<Long, Long> currentError,
                                List<long[]> superseded, Map<Long, Long> stored) throws SQLException {
        if (verdicts.isEmpty()) {
            return;
        }
        try (var s = c.prepareStatement("""
                INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id, judge_version_id,
                                        rubric_version_id, supersedes, metadata, valid)
                SELECT u.trace_id, ?, u.value, u.rationale, 'LLM_JUDGE', ?, ?, ?, u.supersedes,
                       CAST(? AS jsonb), TRUE
                  FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[]) AS u(trace_id, value, rationale, supersedes)
                ON CONFLICT (trace_id, source_id) WHERE source_type = 'LLM_JUDGE' AND valid DO NOTHING
                RETURNING id, trace_id, supersedes""")) {
            bindVersion(s);
            s.setArray(6, c.createArrayOf("bigint", verdicts.stream().map(Outcome::traceId).toArray()));
            s.setArray(7, c.createArrayOf("text", verdicts.stream().map(Outcome::value).toArray()));
            s.setArray(8, c.createArrayOf("text", verdicts.stream().map(Outcome::rationale).toArray()));
            s.setArray(9, c.createArrayOf("bigint", verdicts.stream().map(o -> currentError.get(o.traceId())).toArray()));
            collect(s, superseded, stored);
        }
    }

    private void insertErrors(Connection c, List<Outcome> errors, Map<Long, Long> currentError,
                              List<long[]> superseded, Map<Long, Long> stored) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        try (var s = c.prepareStatement("""
                INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id, judge_version_id,
                                        rubric_version_id, error, supersedes, metadata, valid)
                SELECT u.trace_id, ?, NULL, NULL, 'LLM_JUDGE', ?, ?, ?, u.error, u.supersedes,
                       CAST(? AS jsonb) || jsonb_build_object('raw', u.raw), FALSE
                  FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[]) AS u(trace_id, error, raw, supersedes)
                RETURNING id, trace_id, supersedes""")) {
            bindVersion(s);
            s.setArray(6, c.createArrayOf("bigint", errors.stream().map(Outcome::traceId).toArray()));
            s.setArray(7, c.createArrayOf("text", errors.stream().map(Outcome::error).toArray()));
            s.setArray(8, c.createArrayOf("text", errors.stream().map(Outcome::raw).toArray()));
            s.setArray(9, c.createArrayOf("bigint", errors.stream().map(o -> currentError.get(o.traceId())).toArray()));
            collect(s, superseded, stored);
        }
    }

    /** Parameters 1–5 of both inserts: name, source, judge version, rubric version, metadata. */
    private void bindVersion(java.sql.PreparedStatement insert) throws SQLException {
        insert.setString(1, name);
        insert.setString(2, sourceId);
        insert.setLong(3, versionId);
        insert.setLong(4, rubricVersionId);
        insert.setString(5, metadata);
    }

    /** The rows actually inserted (trace → id), and those that supersede an error: (old id, new id). */
    private static void collect(java.sql.PreparedStatement insert, List<long[]> superseded, Map<Long, Long> stored)
            throws SQLException {
        try (var rs = insert.executeQuery()) {
            while (rs.next()) {
                stored.put(rs.getLong(2), rs.getLong(1));
                long old = rs.getLong(3);
                if (!rs.wasNull()) {
                    superseded.add(new long[]{old, rs.getLong(1)});
                }
            }
        }
    }

    private static void markSuperseded(Connection c, List<long[]> superseded) throws SQLException {
        if (superseded.isEmpty()) {
            return;
        }
        try (var s = c.prepareStatement("""
                UPDATE assessment a SET superseded_by = u.new_id
                  FROM unnest(?::bigint[], ?::bigint[]) AS u(old_id, new_id)
                 WHERE a.id = u.old_id""")) {
            s.setArray(1, c.createArrayOf("bigint", superseded.stream().map(p -> p[0]).toArray()));
            s.setArray(2, c.createArrayOf("bigint", superseded.stream().map(p -> p[1]).toArray()));
            s.executeUpdate();
        }
    }
}
