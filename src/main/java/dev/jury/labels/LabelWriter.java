package dev.jury.labels;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The only code that writes the {@code assessment} table (docs/architecture.md; {@code ArchitectureTest} fails on
 * any other). Labels are append-only: a row's content is written once; the one change ever made to a stored row is
 * linking it to the row that replaces it ({@code superseded_by}, and {@code supersedes} on the new row when it was
 * not known at insert time).
 *
 * <p>Every method works on the caller's connection, inside the caller's transaction, so a caller that holds row
 * locks (the dispenser locks the queue item it labels) keeps them, and a label is stored with the rest of the
 * caller's work or not at all. Three shapes of write exist because the callers differ in what they know:
 * <ul>
 *     <li>{@link #replaceCurrent}: one label that becomes its source's current label on a trace and name — a
 *     reviewer's submit or edit, an adjudication, feedback through the API;</li>
 *     <li>{@link #insertVerdicts}: a judge run's batch of outcomes, at most one valid verdict per trace and version
 *     however often a run resumes, each outcome superseding that version's current error on the trace;</li>
 *     <li>{@link #insertAll} + {@link #supersede}: imports, where a row replaces another of the same batch that
 *     has no id until both are stored.</li>
 * </ul>
 * Invalidating a label is appending its replacement with {@code valid = false}; nothing is ever deleted.
 */
public final class LabelWriter {

    private static final String COLUMNS = """
            trace_id, name, value, rationale, source_type, source_id, judge_version_id, rubric_version_id, queue_id,
            error, time_spent_ms, valid, created_at, metadata, supersedes""";

    /** Many rows in one statement: arrays expanded by unnest, inserted in input order (identity ids ascend). */
    private static final String INSERT_MANY = "INSERT INTO assessment (" + COLUMNS + """
            )
            SELECT r.trace_id, r.name, r.value, r.rationale, r.source_type, r.source_id, r.judge_version_id,
                   r.rubric_version_id, r.queue_id, r.error, r.time_spent_ms, r.valid,
                   coalesce(r.created_at::timestamptz, now()), r.metadata::jsonb, r.supersedes
              FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],
                          ?::bigint[], ?::text[], ?::bigint[], ?::boolean[], ?::text[], ?::text[], ?::bigint[])
                   WITH ORDINALITY AS r(trace_id, name, value, rationale, source_type, source_id, judge_version_id,
                                        rubric_version_id, queue_id, error, time_spent_ms, valid, created_at,
                                        metadata, supersedes, ord)
             ORDER BY r.ord""";

    /** A valid verdict that the trace already has for this version is skipped (the one-valid-verdict index). */
    private static final String SKIP_DUPLICATE_VERDICT =
            "\nON CONFLICT (trace_id, source_id) WHERE source_type = 'LLM_JUDGE' AND valid DO NOTHING";

    /** Both directions of each (old, new) pair in one statement; a direction already set is left alone. */
    private static final String LINK = """
            WITH pair AS (SELECT * FROM unnest(?::bigint[], ?::bigint[]) AS p(old_id, new_id)),
                 replacing AS (UPDATE assessment a SET supersedes = pair.old_id FROM pair
                                WHERE a.id = pair.new_id AND a.supersedes IS DISTINCT FROM pair.old_id)
            UPDATE assessment a SET superseded_by = pair.new_id FROM pair WHERE a.id = pair.old_id""";

    /** One direction only: the new rows were inserted with {@code supersedes} set already. */
    private static final String MARK_SUPERSEDED = """
            UPDATE assessment a SET superseded_by = pair.new_id
              FROM unnest(?::bigint[], ?::bigint[]) AS pair(old_id, new_id) WHERE a.id = pair.old_id""";

    private LabelWriter() {
    }

    /** What {@link #replaceCurrent} stored: the new row, and the row it superseded (null if none). */
    public record Stored(long id, Long superseded) {
    }

    /**
     * Stores {@code label} as its source's current label on its trace and name: the previous current label (if
     * any) is locked, superseded and kept. Two writers of the same source, trace and name serialize on that lock.
     * One statement (one round trip: this runs for every label a reviewer submits, docs/performance.md "Fifth
     * pass"): the previous row is locked by the first CTE, the new row names it in {@code supersedes}, and the last
     * CTE points the previous row at the new one.
     */
    public static Stored replaceCurrent(Connection c, NewLabel label) throws SQLException {
        try (var insert = c.prepareStatement(REPLACE_CURRENT)) {
            insert.setLong(1, label.traceId());
            insert.setString(2, label.name());
            insert.setString(3, label.sourceId());
            insert.setLong(4, label.traceId());
            insert.setString(5, label.name());
            insert.setString(6, label.value());
            insert.setString(7, label.rationale());
            insert.setString(8, label.sourceType().name());
            insert.setString(9, label.sourceId());
            setLong(insert, 10, label.judgeVersionId());
            setLong(insert, 11, label.rubricVersionId());
            setLong(insert, 12, label.queueId());
            insert.setString(13, label.error());
            setLong(insert, 14, label.timeSpentMs());
            insert.setBoolean(15, label.valid());
            insert.setString(16, label.createdAt() == null ? null : label.createdAt().toString());
            insert.setString(17, label.metadata());
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                long previous = rs.getLong(2);
                return new Stored(id, rs.wasNull() ? null : previous);
            }
        }
    }

    /** {@link #replaceCurrent}'s statement: lock the current row, insert its successor, link the old row to it. */
    private static final String REPLACE_CURRENT = """
            WITH previous AS (SELECT id FROM current_assessment
                               WHERE trace_id = ? AND name = ? AND source_id = ?
                               ORDER BY id DESC LIMIT 1 FOR UPDATE),
                 inserted AS (INSERT INTO assessment (""" + COLUMNS + """
            )
                              SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(CAST(? AS timestamptz), now()),
                                     CAST(? AS jsonb), (SELECT id FROM previous)
                              RETURNING id, supersedes),
                 linked AS (UPDATE assessment a SET superseded_by = inserted.id FROM inserted
                             WHERE a.id = inserted.supersedes)
            SELECT id, supersedes FROM inserted""";

    /**
     * Appends every row, in input order.
     *
     * @return the new ids, position by position
     */
    public static long[] insertAll(Connection c, List<NewLabel> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new long[0];
        }
        long[] ids = new long[rows.size()];
        try (var insert = c.prepareStatement(INSERT_MANY + "\nRETURNING id")) {
            bindRows(c, insert, rows);
            try (ResultSet rs = insert.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    ids[i++] = rs.getLong(1);
                }
            }
        }
        Arrays.sort(ids); // identity values are drawn in insertion order, which is input order
        return ids;
    }

    /**
     * Stores one judge version's outcomes, at most one per trace: a valid verdict is skipped when the trace
     * already has one of this source (so a resumed run never doubles a verdict), and every stored outcome
     * supersedes the source's current error on its trace, which is locked until the caller commits.
     *
     * @param sourceId the judge version's source id, the same on every row
     * @return trace → id of the row stored for it; a skipped verdict has no entry
     */
    public static Map<Long, Long> insertVerdicts(Connection c, String sourceId, List<NewLabel> outcomes)
            throws SQLException {
        if (outcomes.isEmpty()) {
            return Map.of();
        }
        Map<Long, Long> currentError = lockCurrentErrors(c, sourceId, outcomes);
        var rows = outcomes.stream().map(o -> o.superseding(currentError.get(o.traceId()))).toList();
        Map<Long, Long> stored = new HashMap<>();
        List<long[]> superseded = new ArrayList<>();
        try (var insert = c.prepareStatement(INSERT_MANY + SKIP_DUPLICATE_VERDICT + "\nRETURNING id, trace_id, supersedes")) {
            bindRows(c, insert, rows);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getLong(2), rs.getLong(1));
                    long old = rs.getLong(3);
                    if (!rs.wasNull()) {
                        superseded.add(new long[]{old, rs.getLong(1)});
                    }
                }
            }
        }
        link(c, MARK_SUPERSEDED, superseded);
        return stored;
    }

    /** Links each {@code {old id, new id}} pair: the old row is superseded by the new one, which supersedes it. */
    public static void supersede(Connection c, List<long[]> pairs) throws SQLException {
        link(c, LINK, pairs);
    }

    private static void link(Connection c, String sql, List<long[]> pairs) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        try (var link = c.prepareStatement(sql)) {
            link.setArray(1, c.createArrayOf("bigint", pairs.stream().map(p -> p[0]).toArray()));
            link.setArray(2, c.createArrayOf("bigint", pairs.stream().map(p -> p[1]).toArray()));
            link.executeUpdate();
        }
    }

    /** trace → the source's newest current error row on it, locked until the caller commits. */
    private static Map<Long, Long> lockCurrentErrors(Connection c, String sourceId, List<NewLabel> outcomes)
            throws SQLException {
        Map<Long, Long> current = new HashMap<>();
        try (var select = c.prepareStatement("""
                SELECT trace_id, id FROM current_assessment
                 WHERE trace_id = ANY (?) AND source_id = ? AND source_type = 'LLM_JUDGE' AND NOT valid
                 FOR UPDATE""")) {
            select.setArray(1, c.createArrayOf("bigint", outcomes.stream().map(NewLabel::traceId).toArray()));
            select.setString(2, sourceId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    current.merge(rs.getLong(1), rs.getLong(2), Math::max);
                }
            }
        }
        return current;
    }

    private static void bindRows(Connection c, PreparedStatement insert, List<NewLabel> rows) throws SQLException {
        insert.setArray(1, c.createArrayOf("bigint", rows.stream().map(NewLabel::traceId).toArray()));
        insert.setArray(2, c.createArrayOf("text", rows.stream().map(NewLabel::name).toArray()));
        insert.setArray(3, c.createArrayOf("text", rows.stream().map(NewLabel::value).toArray()));
        insert.setArray(4, c.createArrayOf("text", rows.stream().map(NewLabel::rationale).toArray()));
        insert.setArray(5, c.createArrayOf("text", rows.stream().map(r -> r.sourceType().name()).toArray()));
        insert.setArray(6, c.createArrayOf("text", rows.stream().map(NewLabel::sourceId).toArray()));
        insert.setArray(7, c.createArrayOf("bigint", rows.stream().map(NewLabel::judgeVersionId).toArray()));
        insert.setArray(8, c.createArrayOf("bigint", rows.stream().map(NewLabel::rubricVersionId).toArray()));
        insert.setArray(9, c.createArrayOf("bigint", rows.stream().map(NewLabel::queueId).toArray()));
        insert.setArray(10, c.createArrayOf("text", rows.stream().map(NewLabel::error).toArray()));
        insert.setArray(11, c.createArrayOf("bigint", rows.stream().map(NewLabel::timeSpentMs).toArray()));
        insert.setArray(12, c.createArrayOf("boolean", rows.stream().map(NewLabel::valid).toArray()));
        insert.setArray(13, c.createArrayOf("text",
                rows.stream().map(r -> r.createdAt() == null ? null : r.createdAt().toString()).toArray()));
        insert.setArray(14, c.createArrayOf("text", rows.stream().map(NewLabel::metadata).toArray()));
        insert.setArray(15, c.createArrayOf("bigint", rows.stream().map(NewLabel::supersedes).toArray()));
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
