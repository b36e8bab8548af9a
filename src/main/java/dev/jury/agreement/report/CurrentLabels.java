package dev.jury.agreement.report;

import dev.jury.labels.LabelSql;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The current valid labels of one name in one experiment, read in a single streaming query into primitive arrays:
 * human raters' labels (every rubric version, so the report can pick one and list the others), judge verdicts and
 * adjudications. No entity is loaded; a million rows cost about 30 MB here and are read through a cursor.
 *
 * <p>Superseded rows ({@code superseded_by} set), invalid rows and failed judge calls are excluded by the query.
 * An adjudication is a HUMAN assessment whose source is {@code adjudication:…}: it decides the consensus and is
 * never a rater. Names match after trim and case-fold, as feedback matches them.
 *
 * <p>{@link LabelCache} keeps loaded labels and brings them up to date with {@link #refresh} (the rows added since),
 * so the rows can be removed too and are no longer strictly in database order: of two current labels of one
 * source on one trace (possible only with a foreign spelling), the report orders by id so the newer wins.
 */
final class CurrentLabels {

    /** Memory for the join of labels to the experiment's traces, for this transaction only. */
    static final String WORK_MEM = "32MB";

    /** Human rater labels (adjudications excluded), in the order the database returned them. */
    final Rows humans = new Rows();
    /** Judge verdicts; source index into {@link #sources} names the judge version. */
    final Rows judges = new Rows();
    /** Adjudications (every current one: of two admins' adjudications of one trace the newer decides). */
    final Rows adjudications = new Rows();

    final List<String> sources = new ArrayList<>();
    private final Map<String, Integer> sourceIndex = new HashMap<>();
    final List<String> values = new ArrayList<>();
    private final Map<String, Integer> valueIndex = new HashMap<>();
    /**
     * Human labels that spell the name otherwise than the rubric ("Quality ", imported with its trace): while there
     * are any, a source may have two current labels on one trace, one per spelling, and the newer must win.
     */
    private long foreignRows;

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
        /** Whether the row spells the name otherwise than the rubric (human rows only). */
        boolean[] foreign = new boolean[1024];
        int size;

        void add(long id, long trace, int source, int value, long rubricVersion, long millis, boolean foreign) {
            if (size == this.id.length) {
                resize(size * 2);
            }
            this.id[size] = id;
            this.trace[size] = trace;
            this.source[size] = source;
            this.value[size] = value;
            this.rubricVersion[size] = rubricVersion;
            this.millis[size] = millis;
            this.foreign[size] = foreign;
            size++;
        }

        private void resize(int capacity) {
            this.id = Arrays.copyOf(this.id, capacity);
            this.trace = Arrays.copyOf(this.trace, capacity);
            this.source = Arrays.copyOf(this.source, capacity);
            this.value = Arrays.copyOf(this.value, capacity);
            this.rubricVersion = Arrays.copyOf(this.rubricVersion, capacity);
            this.millis = Arrays.copyOf(this.millis, capacity);
            this.foreign = Arrays.copyOf(this.foreign, capacity);
        }

        /**
         * Drops the rows whose id is in {@code ids}, keeping the others in their order; returns how many dropped
         * rows were foreign spellings. One pass: supersessions arrive a few at a time, a pass over a million rows
         * costs a few milliseconds.
         */
        int remove(Set<Long> ids) {
            int kept = 0;
            int foreignDropped = 0;
            for (int i = 0; i < size; i++) {
                if (ids.contains(id[i])) {
                    foreignDropped += foreign[i] ? 1 : 0;
                    continue;
                }
                if (kept != i) {
                    id[kept] = id[i];
                    trace[kept] = trace[i];
                    source[kept] = source[i];
                    value[kept] = value[i];
                    rubricVersion[kept] = rubricVersion[i];
                    millis[kept] = millis[i];
                    foreign[kept] = foreign[i];
                }
                kept++;
            }
            size = kept;
            return foreignDropped;
        }

        /** Gives back the growth slack of a finished load (up to half the arrays). */
        void trim() {
            if (id.length > size + 1024) {
                resize(size + 1024);
            }
        }

        /** Adds every id above {@code floor} to {@code into}. */
        void idsAbove(long floor, Set<Long> into) {
            for (int i = 0; i < size; i++) {
                if (id[i] > floor) {
                    into.add(id[i]);
                }
            }
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

    /** Whether any human label spells the name otherwise than the rubric (then rows go in id order). */
    boolean foreignSpelling() {
        return foreignRows > 0;
    }

    /** Rows held, for the cache's memory bound. */
    long size() {
        return (long) humans.size + judges.size + adjudications.size;
    }

    /** Per trace, the value id of its newest current adjudication. */
    Map<Long, Integer> adjudicated() {
        Map<Long, Integer> value = new HashMap<>();
        Map<Long, Long> newest = new HashMap<>();
        for (int i = 0; i < adjudications.size; i++) {
            long trace = adjudications.trace[i];
            Long previous = newest.get(trace);
            if (previous == null || previous < adjudications.id[i]) {
                newest.put(trace, adjudications.id[i]);
                value.put(trace, adjudications.value[i]);
            }
        }
        return value;
    }

    /** Adds every row id above {@code floor} to {@code into} (what a later refresh must not add twice). */
    void idsAbove(long floor, Set<Long> into) {
        humans.idsAbove(floor, into);
        judges.idsAbove(floor, into);
        adjudications.idsAbove(floor, into);
    }

    /**
     * Streams the rows. The queue and time filters apply to human raters' labels only: adjudications decide the
     * consensus wherever they were made, and judge verdicts are compared on whatever traces the humans labelled.
     */
    static CurrentLabels load(Connection connection, int fetchSize, long experimentId, String foldedName,
                              Long queueId, Instant from, Instant to, boolean score) throws SQLException {
        CurrentLabels labels = new CurrentLabels();
        // The hash of an experiment's trace ids (250,000 traces ≈ 7 MB) spills to disk at the default 4 MB.
        try (var session = connection.createStatement()) {
            session.execute("SET LOCAL work_mem = '" + WORK_MEM + "'");
        }
        // The PostgreSQL driver streams through a cursor only with auto-commit off (the caller's transaction) and a
        // fetch size; numbers travel in binary only once a statement is server-prepared, which threshold -1 forces
        // from the first execution.
        try (PreparedStatement select = connection.prepareStatement(sql(false, queueId, from, to, score),
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            select.unwrap(PGStatement.class).setPrepareThreshold(-1);
            select.setFetchSize(fetchSize);
            select.setString(1, foldedName);
            select.setLong(2, experimentId);
            bindCurrent(select, 3, foldedName, queueId, from, to);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    labels.accept(rs);
                }
            }
        }
        labels.humans.trim();
        labels.judges.trim();
        labels.adjudications.trim();
        return labels;
    }

    /**
     * Brings loaded labels up to date with the rows of this experiment whose id is above {@code after}: a row
     * that names an older row in {@code supersedes} drops it (whatever its own name, validity or filters — the
     * old row is no longer current, and that update is made in the transaction that inserts the new row); a row
     * that is itself a current label passing the filters is added. Ids in {@code seen} are skipped, and every id
     * read is added to it, so a row read twice (it stays above {@code after} until the horizon passes it) counts
     * once. Nothing else ever changes on an assessment: content columns, {@code valid} and {@code error} are
     * written once (see {@link dev.jury.labels.Assessment}).
     *
     * @return rows read
     */
    int refresh(Connection connection, long after, Set<Long> seen, long experimentId, String foldedName,
                Long queueId, Instant from, Instant to, boolean score) throws SQLException {
        Set<Long> dropped = new HashSet<>();
        int read = 0;
        try (PreparedStatement select = connection.prepareStatement(sql(true, queueId, from, to, score))) {
            select.setString(1, foldedName);
            int p = bindCurrent(select, 2, foldedName, queueId, from, to);
            select.setLong(p++, experimentId);
            select.setLong(p++, after);
            select.setString(p++, foldedName);
            select.setString(p, foldedName);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    read++;
                    if (!seen.add(rs.getLong(1))) {
                        continue;
                    }
                    long supersedes = rs.getLong(9);
                    if (!rs.wasNull()) {
                        dropped.add(supersedes);
                    }
                    if (rs.getBoolean(10)) {
                        accept(rs);
                    }
                }
            }
        }
        if (!dropped.isEmpty()) {
            foreignRows -= humans.remove(dropped);
            judges.remove(dropped);
            adjudications.remove(dropped);
        }
        return read;
    }

    /**
     * The load (current rows only) or the refresh (every row above an id, with whether it is a current label
     * passing the filters and which row it supersedes). Parameters: see {@link #bind}, then for the refresh the id
     * and the folded name twice. With {@code score} the value read is the label's {@code metadata.score} (the 1–5
     * score a custom_score judge stores beside its yes/no, or a human's logged with the label), and labels
     * without one are not current labels of the report.
     */
    private static String sql(boolean refresh, Long queueId, Instant from, Instant to, boolean score) {
        // Every column costs per row, and a million rows is the case to be fast for: the kind of source is
        // decided here (null for a rater — nulls cost nothing on the wire —, 1 adjudication, 2 judge) and the name
        // is only compared. "name = ? OR …" lets the usual canonical spelling skip the trim and case-fold.
        String current = LabelSql.nameIs("a", "?") + """

                   AND a.valid AND a.error IS NULL AND a.value IS NOT NULL
                   AND a.source_type IN ('HUMAN', 'LLM_JUDGE')""";
        if (score) {
            current += "\n   AND (a.metadata ->> 'score') IS NOT NULL";
        }
        String rater = "a.source_type = 'HUMAN' AND a.source_id NOT LIKE 'adjudication:%'";
        if (queueId != null) {
            current += "\n   AND (NOT (" + rater + ") OR a.queue_id = ?)";
        }
        if (from != null) {
            current += "\n   AND (NOT (" + rater + ") OR a.created_at >= ?)";
        }
        if (to != null) {
            current += "\n   AND (NOT (" + rater + ") OR a.created_at < ?)";
        }
        String columns = """
                SELECT a.id, a.trace_id, a.source_id, $value,
                       CASE WHEN a.source_type = 'LLM_JUDGE' THEN 2
                            WHEN a.source_id LIKE 'adjudication:%' THEN 1 END,
                       a.rubric_version_id, a.time_spent_ms, a.name <> ?"""
                .replace("$value", score ? "a.metadata ->> 'score'" : "a.value");
        if (!refresh) {
            return columns + """

                      FROM current_assessment a
                      JOIN trace t ON t.id = a.trace_id
                     WHERE t.experiment_id = ?
                       AND\s""" + current;
        }
        // Rows above the id come from the primary key; the few of them are then checked against the trace.
        // Here every row is read, so whether it is current is asked of the row itself (LabelSql.IS_CURRENT).
        return columns + ",\n       a.supersedes, coalesce(" + LabelSql.isCurrent("a") + " AND " + current + """
                , FALSE)
                  FROM assessment a
                  JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ? AND a.id > ?
                   AND (%s OR a.supersedes IS NOT NULL)
                 ORDER BY a.id""".formatted(LabelSql.nameIs("a", "?"));
    }

    /** Binds the parameters of the current-label predicate from index {@code p}; returns the next index. */
    private static int bindCurrent(PreparedStatement select, int p, String foldedName, Long queueId, Instant from,
                                   Instant to) throws SQLException {
        select.setString(p++, foldedName);
        select.setString(p++, foldedName);
        if (queueId != null) {
            select.setLong(p++, queueId);
        }
        if (from != null) {
            select.setTimestamp(p++, Timestamp.from(from));
        }
        if (to != null) {
            select.setTimestamp(p++, Timestamp.from(to));
        }
        return p;
    }

    private void accept(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        long trace = rs.getLong(2);
        String source = rs.getString(3);
        int value = intern(rs.getString(4), values, valueIndex);
        int kind = rs.getInt(5);
        if (kind == 2) {
            judges.add(id, trace, intern(source, sources, sourceIndex), value, 0, -1, false);
            return;
        }
        if (kind == 1) {
            adjudications.add(id, trace, intern(source, sources, sourceIndex), value, 0, -1, false);
            return;
        }
        long rubricVersion = rs.getLong(6);
        long millis = rs.getLong(7);
        if (rs.wasNull()) {
            millis = -1;
        }
        boolean foreign = rs.getBoolean(8);
        foreignRows += foreign ? 1 : 0;
        humans.add(id, trace, intern(source, sources, sourceIndex), value, rubricVersion, millis, foreign);
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
