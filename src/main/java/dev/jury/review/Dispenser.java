package dev.jury.review;

import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;
import dev.jury.agreement.Consensus;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Hands out queue items to reviewers and takes their labels back. The one class that owns the
 * concurrency-critical SQL of the review loop ({@code FOR UPDATE SKIP LOCKED}, lease counting); the algorithm and
 * the query plans it relies on are written up in docs/dispensing.md.
 *
 * <p>Invariant: for every item, submitted (non-extra) labels plus live leases never exceed k. It holds because a
 * lease is only ever taken, and a late submit only ever counted, while holding the item's row lock, and the count
 * is re-read after the lock is taken (a fresh snapshot that sees every competitor that held the lock before).
 */
@ApplicationScoped
public class Dispenser {

    /** A lease handed to a reviewer. {@code reissued} when it was their live lease already (reload-safe). */
    public record Offer(long leaseId, UUID token, Instant issuedAt, Instant expiresAt, long itemId, long traceId,
                        boolean reissued) {
    }

    /** What a submit stored. {@code repeated} when the same token was submitted before (double click). */
    public record Stored(long assessmentId, boolean repeated, boolean extra) {
    }

    /** The queue settings the loop needs, read once per call. */
    record QueueState(long id, String status, int k, double balanceTarget, int consensusNegative,
                      int consensusPositive, int leaseSeconds, String judgeName, long rubricVersionId,
                      String consensusRule) {
    }

    private static final int MAX_CANDIDATES_PER_CALL = 16;

    @Inject
    AgroalDataSource dataSource;

    /**
     * The reviewer's next item: their live lease if they hold one, else the highest-priority open item they have
     * not seen that has room, preferring the under-represented polarity while the consensus balance is below the
     * target. Empty when nothing is left for them.
     */
    @Transactional
    public Optional<Offer> next(long queueId, String reviewer) {
        try (Connection c = dataSource.getConnection()) {
            QueueState queue = queueState(c, queueId);
            if (!"OPEN".equals(queue.status())) {
                return Optional.empty();
            }
            // Two tabs of the same reviewer must not race each other into two leases.
            try (var lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, (int) queueId);
                lock.setString(2, reviewer);
                lock.execute();
            }
            Optional<Offer> live = liveLease(c, queueId, reviewer);
            if (live.isPresent()) {
                return live;
            }
            Polarity preferred = preferredPolarity(queue);
            List<Long> rejected = new ArrayList<>();
            for (int attempt = 0; attempt < MAX_CANDIDATES_PER_CALL; attempt++) {
                Optional<long[]> candidate = preferred == null ? Optional.empty()
                        : candidate(c, queue, reviewer, preferred, rejected);
                if (candidate.isEmpty()) {
                    candidate = candidate(c, queue, reviewer, null, rejected);
                }
                if (candidate.isEmpty()) {
                    return Optional.empty();
                }
                long itemId = candidate.get()[0];
                long traceId = candidate.get()[1];
                if (taken(c, itemId) < queue.k()) {
                    return Optional.of(lease(c, queue, itemId, traceId, reviewer));
                }
                rejected.add(itemId); // a competitor filled it between our snapshot and our lock
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not dispense from queue " + queueId, e);
        }
    }

    /**
     * Stores the reviewer's label for their lease. Idempotent per lease token; after the lease expired the label
     * still counts if the item has room, else it is kept as an extra label. Nothing typed is thrown away.
     *
     * @param canonicalValue the value in the rubric's spelling (validated by the caller)
     */
    @Transactional
    public Stored submit(long leaseId, String reviewer, UUID token, String canonicalValue, String rationale,
                         RubricSpec rubric) {
        return submit(leaseId, reviewer, token, canonicalValue, rationale, rubric, null);
    }

    /** As {@link #submit(long, String, UUID, String, String, RubricSpec)}, the label carrying {@code metadata}. */
    @Transactional
    public Stored submit(long leaseId, String reviewer, UUID token, String canonicalValue, String rationale,
                         RubricSpec rubric, String metadata) {
        try (Connection c = dataSource.getConnection()) {
            LeaseRow lease = lockLease(c, leaseId, reviewer);
            if (!lease.token().equals(token)) {
                throw ProblemException.conflict("This lease was handed out again with a new token; reload the item.");
            }
            if ("SUBMITTED".equals(lease.status())) {
                return new Stored(lease.assessmentId(), true, lease.extra());
            }
            if ("SKIPPED".equals(lease.status())) {
                throw ProblemException.conflict("This item was skipped; use 'back' to label it.");
            }
            QueueState queue = queueState(c, lease.queueId());
            long traceId = lockItem(c, lease.itemId());
            boolean extra = false;
            if (lease.expiresAt().isBefore(Instant.now())) {
                // The slot was released at expiry; count it only if the item still has room without this lease.
                extra = taken(c, lease.itemId()) >= queue.k();
            }
            long assessmentId = insertLabel(c, queue, traceId, reviewer, canonicalValue, rationale,
                    Instant.now().toEpochMilli() - lease.issuedAt().toEpochMilli(), metadata);
            complete(c, lease, assessmentId, extra, queue.k());
            refreshConsensus(c, queue, lease.itemId(), traceId, rubric);
            return new Stored(assessmentId, false, extra);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the label of lease " + leaseId, e);
        }
    }

    /** Gives the item up; the reviewer will not be offered it again (they can reach it with 'back'). */
    @Transactional
    public void skip(long leaseId, String reviewer, UUID token, String reason) {
        try (Connection c = dataSource.getConnection()) {
            LeaseRow lease = lockLease(c, leaseId, reviewer);
            if (!lease.token().equals(token)) {
                throw ProblemException.conflict("This lease was handed out again with a new token; reload the item.");
            }
            if (!"LEASED".equals(lease.status())) {
                return; // skipping twice, or after submitting, changes nothing
            }
            try (var update = c.prepareStatement(
                    "UPDATE lease SET status = 'SKIPPED', completed_at = now(), skip_reason = ? WHERE id = ?")) {
                update.setString(1, reason == null || reason.isBlank() ? null : reason.strip());
                update.setLong(2, leaseId);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not skip lease " + leaseId, e);
        }
    }

    /**
     * Replaces the reviewer's label on a lease they already submitted ('back' then edit): a new assessment
     * supersedes the old one, the lease points at the new one, the item's consensus is recomputed.
     */
    @Transactional
    public Stored edit(long leaseId, String reviewer, String canonicalValue, String rationale, RubricSpec rubric) {
        try (Connection c = dataSource.getConnection()) {
            LeaseRow lease = lockLease(c, leaseId, reviewer);
            QueueState queue = queueState(c, lease.queueId());
            long traceId = lockItem(c, lease.itemId());
            if ("SKIPPED".equals(lease.status())) {
                // A skipped item labelled from 'back' counts like a fresh label when there is room.
                boolean extra = taken(c, lease.itemId()) >= queue.k();
                long assessmentId = insertLabel(c, queue, traceId, reviewer, canonicalValue, rationale, null);
                complete(c, lease, assessmentId, extra, queue.k());
                refreshConsensus(c, queue, lease.itemId(), traceId, rubric);
                return new Stored(assessmentId, false, extra);
            }
            if (!"SUBMITTED".equals(lease.status())) {
                throw ProblemException.conflict("This item has no label yet; submit it instead.");
            }
            long assessmentId = insertLabel(c, queue, traceId, reviewer, canonicalValue, rationale, null);
            try (var update = c.prepareStatement("UPDATE lease SET assessment_id = ? WHERE id = ?")) {
                update.setLong(1, assessmentId);
                update.setLong(2, leaseId);
                update.executeUpdate();
            }
            refreshConsensus(c, queue, lease.itemId(), traceId, rubric);
            return new Stored(assessmentId, false, lease.extra());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not edit the label of lease " + leaseId, e);
        }
    }

    /**
     * Recomputes one item's consensus and the queue's live counters after a label outside the loop changed it (an
     * admin's adjudication). Same discipline as submit: the item row is locked first, so the re-count cannot race
     * a reviewer's submit on the same item.
     */
    @Transactional
    void refreshItem(long queueId, long traceId, RubricSpec rubric) {
        try (Connection c = dataSource.getConnection()) {
            QueueState queue = queueState(c, queueId);
            long itemId;
            try (var select = c.prepareStatement(
                    "SELECT id FROM queue_item WHERE queue_id = ? AND trace_id = ? FOR UPDATE")) {
                select.setLong(1, queueId);
                select.setLong(2, traceId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw ProblemException.notFound("Trace " + traceId + " is not in review queue " + queueId + ".");
                    }
                    itemId = rs.getLong(1);
                }
            }
            refreshConsensus(c, queue, itemId, traceId, rubric);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not refresh trace " + traceId + " in queue " + queueId, e);
        }
    }

    /**
     * Marks the lease submitted with its label; a label that is not extra counts towards the item's k. (A skipped
     * lease labelled from 'back' loses its skip reason: it is a label now.)
     */
    private static void complete(Connection c, LeaseRow lease, long assessmentId, boolean extra, int k)
            throws SQLException {
        try (var update = c.prepareStatement("""
                UPDATE lease SET status = 'SUBMITTED', completed_at = now(), assessment_id = ?, extra = ?,
                       skip_reason = NULL WHERE id = ?""")) {
            update.setLong(1, assessmentId);
            update.setBoolean(2, extra);
            update.setLong(3, lease.id());
            update.executeUpdate();
        }
        if (!extra) {
            try (var update = c.prepareStatement(
                    "UPDATE queue_item SET completed = completed + 1, is_full = completed + 1 >= ? WHERE id = ?")) {
                update.setInt(1, k);
                update.setLong(2, lease.itemId());
                update.executeUpdate();
            }
        }
    }

    // ---- queries ------------------------------------------------------------------------------------------

    static QueueState queueState(Connection c, long queueId) throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT id, status, reviewers_per_item, balance_target, consensus_negative, consensus_positive,
                       lease_seconds, judge_name, rubric_version_id, consensus_rule
                  FROM review_queue WHERE id = ?""")) {
            select.setLong(1, queueId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No review queue " + queueId + ".");
                }
                return new QueueState(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getDouble(4), rs.getInt(5),
                        rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getLong(9), rs.getString(10));
            }
        }
    }

    /**
     * Adaptive balance: while the consensus share of one polarity among completed items is below the target,
     * prefer items the judge predicted on that side. No preference before the first consensus.
     */
    static Polarity preferredPolarity(QueueState queue) {
        int labelled = queue.consensusNegative() + queue.consensusPositive();
        if (labelled == 0 || queue.balanceTarget() <= 0) {
            return null;
        }
        double negativeShare = (double) queue.consensusNegative() / labelled;
        if (negativeShare < queue.balanceTarget()) {
            return Polarity.NEGATIVE;
        }
        if (1 - negativeShare < queue.balanceTarget()) {
            return Polarity.POSITIVE;
        }
        return null;
    }

    private static Optional<Offer> liveLease(Connection c, long queueId, String reviewer) throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT l.id, l.token, l.issued_at, l.expires_at, l.item_id, i.trace_id
                  FROM lease l JOIN queue_item i ON i.id = l.item_id
                 WHERE l.queue_id = ? AND l.reviewer = ? AND l.status = 'LEASED' AND l.expires_at > now()
                 ORDER BY l.issued_at LIMIT 1""")) {
            select.setLong(1, queueId);
            select.setString(2, reviewer);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Offer(rs.getLong(1), rs.getObject(2, UUID.class),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getLong(5), rs.getLong(6),
                        true));
            }
        }
    }

    /**
     * The best open, unlocked item this reviewer has not seen, optionally of one predicted polarity. The items whose
     * completed labels plus live leases already reach k are found first, from the queue's few live leases, and
     * skipped by one hash lookup each: the in-flight items sit at the top of the priority order, and counting their
     * leases row by row on every call was most of PostgreSQL's time per label (V026, docs/performance.md).
     */
    private static Optional<long[]> candidate(Connection c, QueueState queue, String reviewer, Polarity polarity,
                                              List<Long> rejected) throws SQLException {
        String sql = """
                SELECT i.id, i.trace_id FROM queue_item i
                 WHERE i.queue_id = ? AND NOT i.is_full AND i.completed < ?
                   %s
                   AND i.id <> ALL (?)
                   AND i.id NOT IN (SELECT a.item_id FROM lease a JOIN queue_item s ON s.id = a.item_id
                                     WHERE a.queue_id = ? AND a.status = 'LEASED' AND a.expires_at > now()
                                     GROUP BY a.item_id, s.completed
                                    HAVING s.completed + count(*) >= ?)
                   AND NOT EXISTS (SELECT 1 FROM lease m WHERE m.item_id = i.id AND m.reviewer = ?)
                 ORDER BY i.priority DESC
                 LIMIT 1
                 FOR UPDATE OF i SKIP LOCKED""".formatted(polarity == null ? "" : "AND i.predicted = ?");
        try (PreparedStatement select = c.prepareStatement(sql)) {
            int p = 1;
            select.setLong(p++, queue.id());
            select.setInt(p++, queue.k());
            if (polarity != null) {
                select.setString(p++, polarity.name());
            }
            select.setArray(p++, c.createArrayOf("bigint", rejected.toArray()));
            select.setLong(p++, queue.id());
            select.setInt(p++, queue.k());
            select.setString(p, reviewer);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new long[]{rs.getLong(1), rs.getLong(2)}) : Optional.empty();
            }
        }
    }

    /** Completed (non-extra) labels plus live leases of an item, read in a fresh snapshot under its row lock. */
    private static int taken(Connection c, long itemId) throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT i.completed + (SELECT count(*) FROM lease a
                                       WHERE a.item_id = i.id AND a.status = 'LEASED' AND a.expires_at > now())
                  FROM queue_item i WHERE i.id = ?""")) {
            select.setLong(1, itemId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Offer lease(Connection c, QueueState queue, long itemId, long traceId, String reviewer)
            throws SQLException {
        UUID token = UUID.randomUUID();
        Instant now = Instant.now();
        Instant expires = now.plusSeconds(queue.leaseSeconds());
        // An expired, never-submitted lease of this reviewer on this item is renewed rather than duplicated.
        try (var upsert = c.prepareStatement("""
                INSERT INTO lease (item_id, queue_id, reviewer, token, status, issued_at, expires_at)
                VALUES (?, ?, ?, ?, 'LEASED', ?, ?)
                ON CONFLICT (item_id, reviewer) DO UPDATE
                   SET token = EXCLUDED.token, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at
                 WHERE lease.status = 'LEASED'
                RETURNING id""")) {
            upsert.setLong(1, itemId);
            upsert.setLong(2, queue.id());
            upsert.setString(3, reviewer);
            upsert.setObject(4, token);
            upsert.setTimestamp(5, Timestamp.from(now));
            upsert.setTimestamp(6, Timestamp.from(expires));
            try (ResultSet rs = upsert.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("item " + itemId + " was already completed by " + reviewer);
                }
                return new Offer(rs.getLong(1), token, now, expires, itemId, traceId, false);
            }
        }
    }

    record LeaseRow(long id, long itemId, long queueId, UUID token, String status, Instant issuedAt,
                    Instant expiresAt, Long assessmentId, boolean extra) {
    }

    /** The reviewer's own lease, locked; anyone else's lease is "not found" (never reveal other reviewers). */
    private static LeaseRow lockLease(Connection c, long leaseId, String reviewer) throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT id, item_id, queue_id, token, status, issued_at, expires_at, assessment_id, extra
                  FROM lease WHERE id = ? AND reviewer = ? FOR UPDATE""")) {
            select.setLong(1, leaseId);
            select.setString(2, reviewer);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No lease " + leaseId + " of yours.");
                }
                long assessment = rs.getLong(8);
                return new LeaseRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getObject(4, UUID.class),
                        rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(),
                        rs.wasNull() ? null : assessment, rs.getBoolean(9));
            }
        }
    }

    private static long lockItem(Connection c, long itemId) throws SQLException {
        try (var select = c.prepareStatement("SELECT trace_id FROM queue_item WHERE id = ? FOR UPDATE")) {
            select.setLong(1, itemId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Appends the reviewer's label as a HUMAN assessment named after the judge, superseding their previous
     * current label on this trace and name, on this transaction's connection (the item stays locked).
     */
    private static long insertLabel(Connection c, QueueState queue, long traceId, String reviewer, String value,
                                    String rationale, Long timeSpentMs) throws SQLException {
        return insertLabel(c, queue, traceId, reviewer, value, rationale, timeSpentMs, null);
    }

    private static long insertLabel(Connection c, QueueState queue, long traceId, String reviewer, String value,
                                    String rationale, Long timeSpentMs, String metadata) throws SQLException {
        return LabelWriter.replaceCurrent(c, NewLabel.human(traceId, queue.judgeName(), value,
                rationale == null ? "" : rationale, reviewer, queue.rubricVersionId(), queue.id(), timeSpentMs,
                metadata)).id();
    }

    /**
     * Recomputes the item's consensus polarity once it is full (adjudication first, else the queue's rule over
     * the current labels given in this queue) and moves the queue's live balance counters accordingly.
     */
    private static void refreshConsensus(Connection c, QueueState queue, long itemId, long traceId, RubricSpec rubric)
            throws SQLException {
        String before;
        boolean full;
        try (var select = c.prepareStatement("SELECT consensus, is_full FROM queue_item WHERE id = ?")) {
            select.setLong(1, itemId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                before = rs.getString(1);
                full = rs.getBoolean(2);
            }
        }
        String after = full ? consensusPolarity(c, queue, traceId, rubric) : null;
        if (java.util.Objects.equals(before, after)) {
            return;
        }
        try (var update = c.prepareStatement("UPDATE queue_item SET consensus = ? WHERE id = ?")) {
            update.setString(1, after);
            update.setLong(2, itemId);
            update.executeUpdate();
        }
        try (var update = c.prepareStatement("""
                UPDATE review_queue
                   SET consensus_negative = consensus_negative + ?, consensus_positive = consensus_positive + ?,
                       items_complete = items_complete + ?
                 WHERE id = ?""")) {
            update.setInt(1, delta("NEGATIVE", before, after));
            update.setInt(2, delta("POSITIVE", before, after));
            update.setInt(3, (after != null ? 1 : 0) - (before != null ? 1 : 0));
            update.setLong(4, queue.id());
            update.executeUpdate();
        }
    }

    private static int delta(String polarity, String before, String after) {
        return (polarity.equals(after) ? 1 : 0) - (polarity.equals(before) ? 1 : 0);
    }

    /** NEGATIVE, POSITIVE, or NONE when the labels have no consensus. */
    static String consensusPolarity(Connection c, QueueState queue, long traceId, RubricSpec rubric)
            throws SQLException {
        int[] counts = new int[rubric.levels().size()];
        String adjudicated = null;
        try (var select = c.prepareStatement("""
                SELECT value, source_id FROM current_assessment
                 WHERE trace_id = ? AND name = ? AND source_type = 'HUMAN' AND valid
                   AND (queue_id = ? OR source_id LIKE 'adjudication:%')
                 ORDER BY id""")) {
            select.setLong(1, traceId);
            select.setString(2, queue.judgeName());
            select.setLong(3, queue.id());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    if (rs.getString(2).startsWith("adjudication:")) {
                        adjudicated = value;
                        continue;
                    }
                    int index = RubricValues.indexOf(rubric, value);
                    if (index >= 0) {
                        counts[index]++;
                    }
                }
            }
        }
        if (adjudicated != null && RubricValues.indexOf(rubric, adjudicated) >= 0) {
            return RubricValues.isNegative(rubric, adjudicated) ? "NEGATIVE" : "POSITIVE";
        }
        int winner = "MEDIAN".equals(queue.consensusRule()) ? Consensus.median(counts) : Consensus.majority(counts);
        if (winner == Consensus.NONE) {
            return "NONE";
        }
        return rubric.levels().get(winner).negative() ? "NEGATIVE" : "POSITIVE";
    }
}
