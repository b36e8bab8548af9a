package dev.jury.judges;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * How a judge's answer on a stored trace becomes an {@code LLM_JUDGE} assessment, for judge runs and for the
 * registry's {@code assess} alike. Each store is its own transaction. A trace holds at most one valid verdict per
 * judge version (the unique index {@code assessment_one_judge_verdict_idx}); a failed call is an invalid row that a
 * later verdict or error of the same version supersedes, so the newest outcome is the current one.
 */
@ApplicationScoped
public class VerdictStore {

    /** Where a stored verdict belongs: the trace and the judge version that gave it. */
    public record Target(long traceId, String name, String sourceId, long versionId, long rubricVersionId) {

        public static Target of(long traceId, JudgeVersion version) {
            return new Target(traceId, version.judge.name, version.sourceId(), version.id, version.rubricVersion.id);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * Stores a valid verdict.
     *
     * @param metadata stored with the row, e.g. {@code {"job_id": 12}}
     * @return the new assessment's id; empty when the trace already had a valid verdict of this version (nothing
     * is stored then)
     */
    public Optional<Long> storeVerdict(Target target, Verdict verdict, ObjectNode metadata) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                Long previousError = currentError(c, target);
                Long id = null;
                try (var s = c.prepareStatement("""
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id,
                                                judge_version_id, rubric_version_id, supersedes, metadata, valid)
                        VALUES (?, ?, ?, ?, 'LLM_JUDGE', ?, ?, ?, ?, CAST(? AS jsonb), TRUE)
                        ON CONFLICT (trace_id, source_id) WHERE source_type = 'LLM_JUDGE' AND valid DO NOTHING
                        RETURNING id""")) {
                    s.setLong(1, target.traceId());
                    s.setString(2, target.name());
                    s.setString(3, verdict.value());
                    s.setString(4, verdict.rationale() == null ? "" : verdict.rationale());
                    s.setString(5, target.sourceId());
                    s.setLong(6, target.versionId());
                    s.setLong(7, target.rubricVersionId());
                    s.setObject(8, previousError);
                    s.setString(9, metadata.toString());
                    try (var rs = s.executeQuery()) {
                        if (rs.next()) {
                            id = rs.getLong(1);
                        }
                    }
                }
                if (id != null && previousError != null) {
                    markSuperseded(c, previousError, id);
                }
                return Optional.ofNullable(id);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not store the verdict on trace " + target.traceId(), e);
            }
        });
    }

    /**
     * Records a failed call as an invalid assessment with the reason (truncated to 2,000 characters).
     *
     * @return the new assessment's id
     */
    public long storeError(Target target, String error, ObjectNode metadata) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                Long previousError = currentError(c, target);
                long id;
                try (var s = c.prepareStatement("""
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id,
                                                judge_version_id, rubric_version_id, error, supersedes, metadata, valid)
                        VALUES (?, ?, NULL, NULL, 'LLM_JUDGE', ?, ?, ?, ?, ?, CAST(? AS jsonb), FALSE)
                        RETURNING id""")) {
                    s.setLong(1, target.traceId());
                    s.setString(2, target.name());
                    s.setString(3, target.sourceId());
                    s.setLong(4, target.versionId());
                    s.setLong(5, target.rubricVersionId());
                    s.setString(6, error.length() > 2000 ? error.substring(0, 2000) + "…" : error);
                    s.setObject(7, previousError);
                    s.setString(8, metadata.toString());
                    try (var rs = s.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                if (previousError != null) {
                    markSuperseded(c, previousError, id);
                }
                return id;
            } catch (SQLException e) {
                throw new IllegalStateException("Could not record the error on trace " + target.traceId(), e);
            }
        });
    }

    private static Long currentError(Connection c, Target target) throws SQLException {
        try (var s = c.prepareStatement("""
                SELECT id FROM assessment WHERE trace_id = ? AND source_id = ? AND source_type = 'LLM_JUDGE'
                   AND NOT valid AND superseded_by IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE""")) {
            s.setLong(1, target.traceId());
            s.setString(2, target.sourceId());
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void markSuperseded(Connection c, long oldId, long newId) throws SQLException {
        try (var s = c.prepareStatement("UPDATE assessment SET superseded_by = ? WHERE id = ?")) {
            s.setLong(1, newId);
            s.setLong(2, oldId);
            s.executeUpdate();
        }
    }
}
