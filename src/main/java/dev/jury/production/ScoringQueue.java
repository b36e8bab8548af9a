package dev.jury.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The concurrency-critical SQL of online scoring, all in one place: finding new traces (discovery, which moves the
 * cursor), claiming sampled traces with {@code FOR UPDATE SKIP LOCKED}, and finishing a claim together with its
 * verdict. Exactly-once per trace and judge version rests on three things in the database: the primary key
 * (config, trace) of {@code online_scoring_item} (a trace is sampled once), the claim token (only the holder of
 * the current claim can finish it, in the same transaction that stores the verdict) and the unique index
 * {@code assessment_one_judge_verdict_idx} (one valid verdict per trace and version, whoever stores it).
 * Each method runs in its own short transaction.
 */
@ApplicationScoped
public class ScoringQueue {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OnlineScoringConfig config;

    /** A claimed trace and how many times a transient provider fault has already sent it back. */
    public record Claimed(long traceId, int attempts) {
    }

    /**
     * What scoring a claimed trace gave: a verdict ({@code error} null), an error with the model's raw answer, or
     * {@code existing}: the version had already judged the trace (through {@code assess} or a judge run), so the
     * trace is done without a call and without a second row.
     */
    public record Outcome(long traceId, String value, String rationale, String error, String raw, boolean existing) {

        public static Outcome verdict(long traceId, String value, String rationale) {
            return new Outcome(traceId, value, rationale == null ? "" : rationale, null, null, false);
        }

        public static Outcome error(long traceId, String error, String raw) {
            return new Outcome(traceId, null, null, error.length() > 2000 ? error.substring(0, 2000) + "…" : error,
                    raw, false);
        }

        public static Outcome existing(long traceId) {
            return new Outcome(traceId, null, null, null, null, true);
        }

        public boolean valid() {
            return error == null;
        }
    }

    /** The judge version a batch is scored by, as the assessment rows name it. */
    public record Scorer(long versionId, String name, String sourceId, long rubricVersionId) {
    }

    // ---- discovery -----------------------------------------------------------------------------------------------

    /**
     * Examines the experiment's traces after the cursor (at most {@code jury.online-scoring.scan-limit}) and adds
     * those that pass the filter and the sample as {@code PENDING}; moves the cursor over the examined traces older
     * than the settle time. Holds the config's row lock meanwhile; when another replica or job holds it, or scoring
     * is off, does nothing.
     *
     * @return how many traces were added
     */
    public int discover(long configId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                return discover(c, configId);
            }
        });
    }

    private int discover(Connection c, long configId) throws SQLException, IOException {
        long judgeId;
        long experimentId;
        double rate;
        ScoringFilter filter;
        long cursor;
        try (var s = c.prepareStatement("""
                SELECT s.judge_id, j.experiment_id, s.sample_rate, s.filter, s.cursor_trace_id
                  FROM online_scoring s JOIN judge j ON j.id = s.judge_id
                 WHERE s.id = ? AND s.enabled
                   FOR UPDATE OF s SKIP LOCKED""")) {
            s.setLong(1, configId);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                judgeId = rs.getLong(1);
                experimentId = rs.getLong(2);
                rate = rs.getDouble(3);
                filter = ScoringFilter.parse(rs.getString(4));
                cursor = rs.getLong(5);
            }
        }
        var sampled = new ArrayList<Long>();
        long newCursor = cursor;
        boolean settledSoFar = true;
        // Traces already sampled are listed too (without their tags): the cursor must move over them as well.
        try (var s = c.prepareStatement("""
                SELECT t.id, CASE WHEN i.trace_id IS NULL THEN t.tags::text END, t.source,
                       t.created_at < now() - ? * INTERVAL '1 millisecond', i.trace_id IS NOT NULL
                  FROM trace t
                  LEFT JOIN online_scoring_item i ON i.config_id = ? AND i.trace_id = t.id
                 WHERE t.experiment_id = ? AND t.id > ?
                 ORDER BY t.id
                 LIMIT ?""")) {
            s.setLong(1, config.settleTime().toMillis());
            s.setLong(2, configId);
            s.setLong(3, experimentId);
            s.setLong(4, cursor);
            s.setInt(5, Math.max(1, config.scanLimit()));
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    long traceId = rs.getLong(1);
                    boolean known = rs.getBoolean(5);
                    if (!known && Sampler.sampled(traceId, judgeId, rate)
                            && filter.matches(tags(rs.getString(2)), rs.getString(3))) {
                        sampled.add(traceId);
                    }
                    settledSoFar &= rs.getBoolean(4);
                    if (settledSoFar) {
                        newCursor = traceId;
                    }
                }
            }
        }
        int added = 0;
        if (!sampled.isEmpty()) {
            try (var s = c.prepareStatement("""
                    INSERT INTO online_scoring_item (config_id, trace_id)
                    SELECT ?, t FROM unnest(?::bigint[]) AS t
                    ON CONFLICT DO NOTHING""")) {
                s.setLong(1, configId);
                s.setArray(2, c.createArrayOf("bigint", sampled.toArray()));
                added = s.executeUpdate();
            }
        }
        if (newCursor != cursor) {
            try (var s = c.prepareStatement("UPDATE online_scoring SET cursor_trace_id = ? WHERE id = ?")) {
                s.setLong(1, newCursor);
                s.setLong(2, configId);
                s.executeUpdate();
            }
        }
        return added;
    }

    /** A trace's tags as text: strings as they are, other JSON values as JSON text. */
    static Map<String, String> tags(String json) throws IOException {
        if (json == null) {
            return Map.of();
        }
        JsonNode node = JSON.readTree(json);
        var tags = new HashMap<String, String>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            tags.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        return tags;
    }

    // ---- claims --------------------------------------------------------------------------------------------------

    /**
     * Claims up to {@code limit} waiting traces of the config, oldest first: {@code PENDING} ones, and
     * {@code CLAIMED} ones whose claim is older than the claim timeout (their worker died). Concurrent claimers
     * skip each other's rows ({@code SKIP LOCKED}), so no trace is claimed twice at once. The claimed traces are
     * pinned to {@code versionId}, the registered version now: an alias move applies to every trace not yet scored.
     */
    public List<Claimed> claim(long configId, long versionId, UUID token, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                    WITH candidate AS (
                        SELECT config_id, trace_id
                          FROM online_scoring_item
                         WHERE config_id = ?
                           AND (status = 'PENDING'
                                OR (status = 'CLAIMED' AND claimed_at < now() - ? * INTERVAL '1 millisecond'))
                         ORDER BY trace_id
                         LIMIT ?
                           FOR UPDATE SKIP LOCKED)
                    UPDATE online_scoring_item i
                       SET status = 'CLAIMED', claim_token = ?, claimed_at = now(), judge_version_id = ?
                      FROM candidate c
                     WHERE i.config_id = c.config_id AND i.trace_id = c.trace_id
                    RETURNING i.trace_id, i.attempts""")) {
                s.setLong(1, configId);
                s.setLong(2, config.claimTimeout().toMillis());
                s.setInt(3, limit);
                s.setObject(4, token);
                s.setLong(5, versionId);
                var claimed = new ArrayList<Claimed>();
                try (var rs = s.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Claimed(rs.getLong(1), rs.getInt(2)));
                    }
                }
                claimed.sort(java.util.Comparator.comparingLong(Claimed::traceId));
                return claimed;
            }
        });
    }

    /**
     * Finishes claimed traces: marks those still held with {@code token} {@code DONE} (verdict) or {@code FAILED}
     * (error) and stores their outcomes through {@link LabelWriter#insertVerdicts}, all in one transaction. A claim
     * another worker took over meanwhile is not ours any more: its outcome is dropped (the other worker stores its
     * own), so a trace never gets two verdicts of one version.
     *
     * @return the traces whose outcome was stored
     */
    public List<Long> complete(long configId, UUID token, Scorer scorer, List<Outcome> outcomes, String metadata) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                var ids = new Long[outcomes.size()];
                var statuses = new String[outcomes.size()];
                var errors = new String[outcomes.size()];
                for (int i = 0; i < outcomes.size(); i++) {
                    ids[i] = outcomes.get(i).traceId();
                    statuses[i] = outcomes.get(i).valid() ? "DONE" : "FAILED";
                    errors[i] = outcomes.get(i).error();
                }
                var ours = new java.util.HashSet<Long>();
                try (var s = c.prepareStatement("""
                        UPDATE online_scoring_item i
                           SET status = o.status, error = o.error, finished_at = now(), claim_token = NULL
                          FROM unnest(?::bigint[], ?::text[], ?::text[]) AS o(trace_id, status, error)
                         WHERE i.config_id = ? AND i.trace_id = o.trace_id AND i.claim_token = ?
                           AND i.status = 'CLAIMED'
                        RETURNING i.trace_id""")) {
                    s.setArray(1, c.createArrayOf("bigint", ids));
                    s.setArray(2, c.createArrayOf("text", statuses));
                    s.setArray(3, c.createArrayOf("text", errors));
                    s.setLong(4, configId);
                    s.setObject(5, token);
                    try (var rs = s.executeQuery()) {
                        while (rs.next()) {
                            ours.add(rs.getLong(1));
                        }
                    }
                }
                var rows = new ArrayList<NewLabel>();
                for (Outcome o : outcomes) {
                    if (!ours.contains(o.traceId()) || o.existing()) {
                        continue;
                    }
                    rows.add(o.valid()
                            ? NewLabel.verdict(o.traceId(), scorer.name(), o.value(), o.rationale(), scorer.sourceId(),
                            scorer.versionId(), scorer.rubricVersionId(), metadata)
                            : NewLabel.failedVerdict(o.traceId(), scorer.name(), o.error(), scorer.sourceId(),
                            scorer.versionId(), scorer.rubricVersionId(), withRaw(metadata, o.raw())));
                }
                LabelWriter.insertVerdicts(c, scorer.sourceId(), rows);
                return ours.stream().sorted().toList();
            }
        });
    }

    /**
     * Gives claimed traces back ({@code PENDING}) without an outcome: the provider was unavailable (circuit open,
     * rate limited, …) or the job is stopping. {@code countAttempt} adds one to their attempts (a fault that may
     * recur); a pause or a shutdown does not count.
     */
    public void release(long configId, UUID token, List<Long> traceIds, boolean countAttempt) {
        if (traceIds.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                    UPDATE online_scoring_item
                       SET status = 'PENDING', claim_token = NULL, claimed_at = NULL,
                           attempts = attempts + ?
                     WHERE config_id = ? AND claim_token = ? AND trace_id = ANY (?)""")) {
                s.setInt(1, countAttempt ? 1 : 0);
                s.setLong(2, configId);
                s.setObject(3, token);
                s.setArray(4, c.createArrayOf("bigint", traceIds.toArray()));
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not release claimed traces of online scoring " + configId, e);
            }
        });
    }

    /**
     * Gives back every claim of the config. Called when a scoring job (re)starts: only one job per config runs at a
     * time, so a claim that exists then belongs to a worker that died or was stopped. Should that worker be only
     * slow, its claim token no longer matches and {@link #complete} drops its outcome.
     *
     * @return how many claims were given back
     */
    public int releaseAll(long configId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                    UPDATE online_scoring_item
                       SET status = 'PENDING', claim_token = NULL, claimed_at = NULL
                     WHERE config_id = ? AND status = 'CLAIMED'""")) {
                s.setLong(1, configId);
                return s.executeUpdate();
            }
        });
    }

    /** Those of the traces that already have a valid verdict of the source (a judge version). */
    public java.util.Set<Long> alreadyJudged(List<Long> traceIds, String sourceId) throws SQLException {
        var judged = new java.util.HashSet<Long>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT trace_id FROM current_assessment
                 WHERE trace_id = ANY (?) AND source_type = 'LLM_JUDGE' AND source_id = ? AND valid""")) {
            s.setArray(1, c.createArrayOf("bigint", traceIds.toArray()));
            s.setString(2, sourceId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    judged.add(rs.getLong(1));
                }
            }
        }
        return judged;
    }

    private static String withRaw(String metadata, String raw) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(metadata);
        node.put("raw", raw);
        return node.toString();
    }
}
