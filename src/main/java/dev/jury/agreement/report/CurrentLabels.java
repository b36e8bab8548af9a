package dev.jury.agreement.report;

import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current valid labels of one name in one experiment, read in a single streaming query into primitive arrays:
 * human raters' labels (every rubric version, so the report can pick one and list the others), judge verdicts and
 * adjudications. No entity is loaded; a million rows cost about 30 MB here and are read through a cursor.
 *
 * <p>Superseded rows ({@code superseded_by} set), invalid rows and failed judge calls are excluded by the query.
 * An adjudication is a HUMAN assessment whose source is {@code adjudication:…}: it decides the consensus and is
 * never a rater. Names match after trim and case-fold, as feedback matches them.
 */
final class CurrentLabels {

    /** Memory for the join of labels to the experiment's traces, for this transaction only. */
    static final String WORK_MEM = "32MB";

    /** Human rater labels (adjudications excluded), in the order the database returned them. */
    final Rows humans = new Rows();
    /** Judge verdicts; source index into {@link #sources} names the judge version. */
    final Rows judges = new Rows();
    /** Per trace, the newest adjudication's value id. */
    final Map<Long, Integer> adjudicated = new HashMap<>();
    private final Map<Long, Long> adjudicationId = new HashMap<>();

    final List<String> sources = new ArrayList<>();
    private final Map<String, Integer> sourceIndex = new HashMap<>();
    final List<String> values = new ArrayList<>();
    private final Map<String, Integer> valueIndex = new HashMap<>();
    /**
     * Whether a human label spells the name otherwise than the rubric ("Quality ", imported with its trace): then a
     * source may have two current labels on one trace, one per spelling, and the newer must win.
     */
    boolean foreignSpelling;

    /** Growable columns of one kind of row. */
    static final class Rows {
        long[] id = new long[1024];
        long[] trace = new long[1024];
        int[] source = new int[1024];
        int[] value = new int[1024];
        /** rubric_version_id, 0 when the label has none (imported with its trace). */
        long[] rubricVersion = new long[1024];
        /** time_spent_ms, -1 when not recorded. */
        long[] millis = new long[1024];
        int size;

        void add(long id, long trace, int source, int value, long rubricVersion, long millis) {
            if (size == this.id.length) {
                int capacity = size * 2;
                this.id = Arrays.copyOf(this.id, capacity);
                this.trace = Arrays.copyOf(this.trace, capacity);
                this.source = Arrays.copyOf(this.source, capacity);
                this.value = Arrays.copyOf(this.value, capacity);
                this.rubricVersion = Arrays.copyOf(this.rubricVersion, capacity);
                this.millis = Arrays.copyOf(this.millis, capacity);
            }
            this.id[size] = id;
            this.trace[size] = trace;
            this.source[size] = source;
            this.value[size] = value;
            this.rubricVersion[size] = rubricVersion;
            this.millis[size] = millis;
            size++;
        }

        /** Row positions ordered by assessment id, so that of two current labels of one source the newer wins. */
        int[] orderById() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(id[a], id[b]));
            return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Streams the rows. The queue and time filters apply to human raters' labels only: adjudications decide the
     * consensus wherever they were made, and judge verdicts are compared on whatever traces the humans labelled.
     */
    static CurrentLabels load(Connection connection, int fetchSize, long experimentId, String foldedName,
                              Long queueId, Instant from, Instant to) throws SQLException {
        // Every column costs per row, and a million rows is the case to be fast for: the kind of source is
        // decided here (null for a rater — nulls cost nothing on the wire —, 1 adjudication, 2 judge) and the name
        // is only compared. "name = ? OR …" lets the usual canonical spelling skip the trim and case-fold.
        StringBuilder sql = new StringBuilder("""
                SELECT a.id, a.trace_id, a.source_id, a.value,
                       CASE WHEN a.source_type = 'LLM_JUDGE' THEN 2
                            WHEN a.source_id LIKE 'adjudication:%' THEN 1 END,
                       a.rubric_version_id, a.time_spent_ms, a.name <> ?
                  FROM assessment a
                  JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ?
                   AND (a.name = ? OR lower(btrim(a.name)) = ?)
                   AND a.superseded_by IS NULL AND a.valid AND a.error IS NULL AND a.value IS NOT NULL
                   AND a.source_type IN ('HUMAN', 'LLM_JUDGE')""");
        String rater = "a.source_type = 'HUMAN' AND a.source_id NOT LIKE 'adjudication:%'";
        if (queueId != null) {
            sql.append("\n   AND (NOT (").append(rater).append(") OR a.queue_id = ?)");
        }
        if (from != null) {
            sql.append("\n   AND (NOT (").append(rater).append(") OR a.created_at >= ?)");
        }
        if (to != null) {
            sql.append("\n   AND (NOT (").append(rater).append(") OR a.created_at < ?)");
        }
        CurrentLabels labels = new CurrentLabels();
        // The hash of an experiment's trace ids (250,000 traces ≈ 7 MB) spills to disk at the default 4 MB.
        try (var session = connection.createStatement()) {
            session.execute("SET LOCAL work_mem = '" + WORK_MEM + "'");
        }
        // The PostgreSQL driver streams through a cursor only with auto-commit off (the caller's transaction) and a
        // fetch size; numbers travel in binary only once a statement is server-prepared, which threshold -1 forces
        // from the first execution.
        try (PreparedStatement select = connection.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            select.unwrap(PGStatement.class).setPrepareThreshold(-1);
            select.setFetchSize(fetchSize);
            int p = 1;
            select.setString(p++, foldedName);
            select.setLong(p++, experimentId);
            select.setString(p++, foldedName);
            select.setString(p++, foldedName);
            if (queueId != null) {
                select.setLong(p++, queueId);
            }
            if (from != null) {
                select.setTimestamp(p++, Timestamp.from(from));
            }
            if (to != null) {
                select.setTimestamp(p, Timestamp.from(to));
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    labels.accept(rs);
                }
            }
        }
        return labels;
    }

    private void accept(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        long trace = rs.getLong(2);
        String source = rs.getString(3);
        int value = intern(rs.getString(4), values, valueIndex);
        int kind = rs.getInt(5);
        if (kind == 2) {
            judges.add(id, trace, intern(source, sources, sourceIndex), value, 0, -1);
            return;
        }
        if (kind == 1) {
            Long previous = adjudicationId.get(trace);
            if (previous == null || previous < id) {
                adjudicationId.put(trace, id);
                adjudicated.put(trace, value);
            }
            return;
        }
        long rubricVersion = rs.getLong(6);
        long millis = rs.getLong(7);
        if (rs.wasNull()) {
            millis = -1;
        }
        foreignSpelling |= rs.getBoolean(8);
        humans.add(id, trace, intern(source, sources, sourceIndex), value, rubricVersion, millis);
    }

    private static int intern(String key, List<String> keys, Map<String, Integer> index) {
        Integer known = index.get(key);
        if (known != null) {
            return known;
        }
        int fresh = keys.size();
        keys.add(key);
        index.put(key, fresh);
        return fresh;
    }
}
