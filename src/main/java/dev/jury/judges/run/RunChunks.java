package dev.jury.judges.run;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every statement on {@code judge_run_chunk}: how a large judge run is shared by the workers of every replica
 * (docs/jobs.md, "Judge runs across replicas"). The run's job splits its traces into chunks once; then it and its
 * helper jobs each claim one chunk at a time with {@code FOR UPDATE SKIP LOCKED}, so two claimers never take the same
 * chunk, and a chunk whose claimer's job is no longer queued or running (it failed or was cancelled) is taken over.
 * A claimer that died keeps its chunks until its job is reclaimed by another worker, which then finishes them first.
 *
 * <p>A chunk is marked done only after its claimer has stored every outcome, so a chunk that is done never has a trace
 * to redo; one that is not done is simply worked again — {@code remaining} skips traces that already have a verdict,
 * and the one-valid-verdict index makes even a race store one verdict per trace and version.
 */
final class RunChunks {

    /** A claimed chunk: its number and its traces in id order. */
    record Chunk(int seq, List<Long> traceIds) {
    }

    /** The run's figures summed over its chunks. */
    record Totals(int chunks, int done, long traces, long assessed, long errors, int unfinishedClaimers) {
    }

    private static final String CLAIM = """
            UPDATE judge_run_chunk c SET claimed_by = ?
              FROM (SELECT k.run_job_id, k.seq
                      FROM judge_run_chunk k LEFT JOIN job j ON j.id = k.claimed_by
                     WHERE k.run_job_id = ? AND NOT k.done AND NOT (k.seq = ANY (?))
                       AND (k.claimed_by IS NULL OR k.claimed_by = ? OR j.status NOT IN ('QUEUED', 'RUNNING'))
                     ORDER BY k.claimed_by IS NOT DISTINCT FROM ? DESC, k.seq
                     LIMIT 1
                     FOR UPDATE OF k SKIP LOCKED) pick
             WHERE c.run_job_id = pick.run_job_id AND c.seq = pick.seq
            RETURNING c.seq, c.trace_ids""";

    private final AgroalDataSource dataSource;
    private final long runJobId;

    RunChunks(AgroalDataSource dataSource, long runJobId) {
        this.dataSource = dataSource;
        this.runJobId = runJobId;
    }

    /** Whether the run was split already (a resumed run job must not split it again). */
    boolean exist() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM judge_run_chunk WHERE run_job_id = ? LIMIT 1")) {
            s.setLong(1, runJobId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Splits {@code traceIds} (in order) into chunks of {@code size}; returns how many. */
    int create(List<Long> traceIds, int size) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO judge_run_chunk (run_job_id, seq, trace_ids) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            int seq = 0;
            for (int from = 0; from < traceIds.size(); from += size, seq++) {
                s.setLong(1, runJobId);
                s.setInt(2, seq);
                s.setArray(3, c.createArrayOf("bigint",
                        traceIds.subList(from, Math.min(traceIds.size(), from + size)).toArray()));
                s.addBatch();
            }
            s.executeBatch();
            return seq;
        }
    }

    /**
     * The next chunk for job {@code claimer}: its own unfinished one first (left by an earlier attempt of the same
     * job), else a free one, else one whose job ended without finishing it; empty when none.
     *
     * @param skip chunks this attempt already works on (they are not done until all its outcomes are stored)
     */
    java.util.Optional<Chunk> claim(long claimer, java.util.Collection<Integer> skip) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setLong(1, claimer);
            s.setLong(2, runJobId);
            s.setArray(3, c.createArrayOf("integer", skip.toArray()));
            s.setLong(4, claimer);
            s.setLong(5, claimer);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                Long[] ids = (Long[]) rs.getArray(2).getArray();
                return java.util.Optional.of(new Chunk(rs.getInt(1), Arrays.asList(ids)));
            }
        }
    }

    /** Counts stored outcomes per chunk ({@code seq → [assessed, errors]}). */
    void count(Map<Integer, long[]> perChunk) throws SQLException {
        if (perChunk.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE judge_run_chunk SET assessed = assessed + ?, errors = errors + ? "
                        + "WHERE run_job_id = ? AND seq = ?")) {
            for (var e : perChunk.entrySet()) {
                s.setLong(1, e.getValue()[0]);
                s.setLong(2, e.getValue()[1]);
                s.setLong(3, runJobId);
                s.setInt(4, e.getKey());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Marks the chunks {@code claimer} finished (every outcome stored) as done. */
    void finish(long claimer, List<Integer> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE judge_run_chunk SET done = TRUE WHERE run_job_id = ? AND claimed_by = ? AND seq = ANY (?)")) {
            s.setLong(1, runJobId);
            s.setLong(2, claimer);
            s.setArray(3, c.createArrayOf("integer", seqs.toArray()));
            s.executeUpdate();
        }
    }

    /** Whether the run job {@code runJobId} still wants work done: queued or running and no cancel asked. */
    boolean runActive() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT status IN ('QUEUED', 'RUNNING') AND NOT cancel_requested FROM job WHERE id = ?")) {
            s.setLong(1, runJobId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    Totals totals() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*), count(*) FILTER (WHERE k.done), COALESCE(sum(cardinality(k.trace_ids)), 0),
                       COALESCE(sum(k.assessed), 0), COALESCE(sum(k.errors), 0),
                       count(DISTINCT k.claimed_by) FILTER (WHERE NOT k.done AND j.status IN ('QUEUED', 'RUNNING'))
                  FROM judge_run_chunk k LEFT JOIN job j ON j.id = k.claimed_by
                 WHERE k.run_job_id = ?""")) {
            s.setLong(1, runJobId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Totals(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getInt(6));
            }
        }
    }
}
