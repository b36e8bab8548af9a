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

    /**
     * How long {@link #dispense} waits, one pause per round, for an item that has room for the reviewer but that
     * {@code SKIP LOCKED} passed over because another transaction holds its row for the moment — a submit on it or
     * another reviewer's dispense, each a few milliseconds. Without the wait the reviewer would be told "nothing left"
     * while a slot is open (it showed as a lost slot in DispenserTest's race). Bounded, and never a blocking lock
     * wait: this transaction already holds the reviewer's advisory lock and the rows of any full item it rejected,
     * so waiting on a lock could close a cycle with a competitor doing the same.
     */
    private static final long[] LOCKED_ITEM_WAITS_MS = {2, 5, 10, 20, 40, 80};

    @Inject
    AgroalDataSource dataSource;

    /**
     * The reviewer's next item: their live lease if they hold one, else the highest-priority open item they have
     * not seen that has room, preferring the under-represented polarity while the consensus balance is below the
     * target. Empty when nothing is left for them (or the queue is closed). No membership check: see
     * {@link #nextForMember}.
     */
    @Transactional
    public Optional<Offer> next(long queueId, String reviewer) {
        try (Connection c = dataSource.getConnection()) {
            return dispense(c, openQueue(c, queueId, null, reviewer), reviewer, NOTHING_SHOWN).map(Handed::offer);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not dispense from queue " + queueId, e);
        }
    }

    /**
     * What the caller shows with an item, read by the dispenser in the statement that leases it (a live lease: in
     * one statement of its own). At a reviewer's pace every round trip costs more in wake-ups than in work, and
     * this saves one per label (docs/performance.md, "Sixth pass").
     *
     * @param <T> what the caller makes of the row
     */
    public interface ItemRead<T> {

        /** One row about the trace; the dispenser joins it to the lease it inserts, so it is a complete SELECT. */
        String sql();

        /** Binds the parameters of {@link #sql()}, the first of them at index {@code first}. */
        void bind(PreparedStatement statement, int first, long traceId) throws SQLException;

        /** Reads the row, whose first column of {@link #sql()} is {@code first}. */
        T read(ResultSet row, int first) throws SQLException;
    }

    /** The offer with what the caller's {@link ItemRead} made of its item. */
    public record Handed<T>(Offer offer, T shown) {
    }

    /** The queue as its member sees it, and what {@link #nextForMember} handed them (empty: none left, or closed). */
    public record Dispensed<T>(QueueService.MemberQueue queue, Optional<Handed<T>> handed) {
    }

    /** For {@link #next}, whose callers read the item themselves. */
    private static final ItemRead<Void> NOTHING_SHOWN = new ItemRead<>() {
        @Override
        public String sql() {
            return "SELECT 1";
        }

        @Override
        public void bind(PreparedStatement statement, int first, long traceId) {
        }

        @Override
        public Void read(ResultSet row, int first) {
            return null;
        }
    };

    /**
     * {@link #next} for a member of the queue (anyone else: 404, as if the queue did not exist), the membership read
     * in the transaction's first statement with the queue's state, the reviewer's live lease and their advisory
     * lock, and the item read with its lease ({@link ItemRead}): three statements and a commit per new item
     * (docs/performance.md, "Fifth pass" and "Sixth pass").
     */
    @Transactional
    public <T> Dispensed<T> nextForMember(long queueId, String username, String reviewer, ItemRead<T> read) {
        if (username == null) {
            throw ProblemException.notFound("No review queue " + queueId + ".");
        }
        try (Connection c = dataSource.getConnection()) {
            OpenedQueue opened = openQueue(c, queueId, username, reviewer);
            if (!opened.member()) {
                throw ProblemException.notFound("No review queue " + queueId + ".");
            }
            return new Dispensed<>(opened.asMember(), dispense(c, opened, reviewer, read));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not dispense from queue " + queueId, e);
        }
    }

    private static <T> Optional<Handed<T>> dispense(Connection c, OpenedQueue opened, String reviewer, ItemRead<T> read)
            throws SQLException {
        QueueState queue = opened.state();
        if (!"OPEN".equals(queue.status())) {
            return Optional.empty();
        }
        if (opened.live().isPresent()) {
            return Optional.of(shown(c, opened.live().get(), read));
        }
        Polarity preferred = preferredPolarity(queue);
        List<Long> rejected = new ArrayList<>();
        int waits = 0;
        for (int attempt = 0; attempt < MAX_CANDIDATES_PER_CALL; attempt++) {
            Optional<long[]> candidate = preferred == null ? Optional.empty()
                    : candidate(c, queue, reviewer, preferred, rejected);
            if (candidate.isEmpty()) {
                candidate = candidate(c, queue, reviewer, null, rejected);
            }
            if (candidate.isEmpty()) {
                // Nothing left, or the reviewer's other tab leased an item while this call waited for the lock
                // (the live lease in openQueue's snapshot predates the lock; the candidate query's does not). Once
                // is enough: holding the lock, no new lease of theirs can appear during the waits below.
                Optional<Offer> live = waits == 0 ? liveLease(c, queue.id(), reviewer) : Optional.empty();
                if (live.isPresent()) {
                    return Optional.of(shown(c, live.get(), read));
                }
                if (waits < LOCKED_ITEM_WAITS_MS.length && lockedCandidateExists(c, queue, reviewer, rejected)) {
                    pause(LOCKED_ITEM_WAITS_MS[waits++]);
                    attempt--; // a wait is not a rejected candidate
                    continue;
                }
                return Optional.empty();
            }
            long itemId = candidate.get()[0];
            Optional<Handed<T>> handed = leaseIfRoom(c, queue, itemId, candidate.get()[1], reviewer, read);
            if (handed.isPresent()) {
                return handed;
            }
            rejected.add(itemId); // a competitor filled it between our snapshot and our lock
        }
        return Optional.empty();
    }

    /** A live lease handed again, with its item read in a statement of its own. */
    private static <T> Handed<T> shown(Connection c, Offer live, ItemRead<T> read) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(read.sql())) {
            read.bind(select, 1, live.traceId());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("The item of lease " + live.leaseId() + " has no trace");
                }
                return new Handed<>(live, read.read(rs, 1));
            }
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
            return store(c, lockForSubmit(c, leaseId, null, reviewer), reviewer, token, canonicalValue, rationale,
                    rubric, metadata);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the label of lease " + leaseId, e);
        }
    }

    /**
     * What the caller checks once the lease's queue is known, before anything is stored: the lease token as sent,
     * and the label in the spelling of the queue's rubric ({@code rubricVersionId}), or a {@link ProblemException}
     * (422) naming the field.
     */
    @FunctionalInterface
    public interface SubmitCheck {
        Checked check(long rubricVersionId);
    }

    /** A label that passed {@link SubmitCheck}: its canonical value, clean rationale, rubric and metadata. */
    public record Checked(UUID token, String canonicalValue, String rationale, RubricSpec rubric, String metadata) {
    }

    /**
     * {@link #submit} for a member of the lease's queue, in one transaction whose first statement locks the lease
     * and its item and reads the queue and the membership: no lease of the reviewer's, not a member, or a lease of
     * another queue than {@code inQueue} (when given): 404; queue closed: 409; then {@code check} (422). Nothing is
     * stored before all of them passed.
     */
    @Transactional
    public Stored submitForMember(long leaseId, Long inQueue, String username, String reviewer, SubmitCheck check) {
        try (Connection c = dataSource.getConnection()) {
            LockedLease locked = lockForSubmit(c, leaseId, username, reviewer);
            checkLeaseAccess(leaseId, inQueue, username, locked.queue().id(), locked.queueName(),
                    locked.queue().status(), locked.member());
            Checked label = check.check(locked.queue().rubricVersionId());
            return store(c, locked, reviewer, label.token(), label.canonicalValue(), label.rationale(), label.rubric(),
                    label.metadata());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the label of lease " + leaseId, e);
        }
    }

    /**
     * Whether a reviewer may act on their lease in queue {@code queueId}, as every label-changing call checks it: not
     * a member (or no username): 404, as if the queue did not exist; a lease of another queue than {@code inQueue}
     * (the page's URL, null when the caller names only the lease): 404, a page of one queue must never store a label
     * in another; queue closed: 409.
     */
    static void checkLeaseAccess(long leaseId, Long inQueue, String username, long queueId, String queueName,
                                 String queueStatus, boolean member) {
        if (username == null || !member) {
            throw ProblemException.notFound("No review queue " + queueId + ".");
        }
        if (inQueue != null && inQueue != queueId) {
            throw ProblemException.notFound("No lease " + leaseId + " of yours in queue " + inQueue + ".");
        }
        if (!"OPEN".equals(queueStatus)) {
            throw ProblemException.conflict("Queue '" + queueName + "' is closed; your label was not stored.");
        }
    }

    /**
     * The label stored for a lease locked by {@link #lockForSubmit}. Idempotent per lease token; after the lease
     * expired the label still counts if the item has room, else it is kept as an extra label.
     */
    private static Stored store(Connection c, LockedLease locked, String reviewer, UUID token, String canonicalValue,
                                String rationale, RubricSpec rubric, String metadata) throws SQLException {
        LeaseRow lease = locked.lease();
        if (!lease.token().equals(token)) {
            throw ProblemException.conflict("This lease was handed out again with a new token; reload the item.");
        }
        if ("SUBMITTED".equals(lease.status())) {
            return new Stored(lease.assessmentId(), true, lease.extra());
        }
        if ("SKIPPED".equals(lease.status())) {
            throw ProblemException.conflict("This item was skipped; use 'back' to label it.");
        }
        QueueState queue = locked.queue();
        boolean extra = false;
        if (lease.expiresAt().isBefore(Instant.now())) {
            // The slot was released at expiry; count it only if the item still has room without this lease.
            extra = taken(c, lease.itemId()) >= queue.k();
        }
        long assessmentId = insertLabel(c, queue, locked.traceId(), reviewer, canonicalValue, rationale,
                Instant.now().toEpochMilli() - lease.issuedAt().toEpochMilli(), metadata);
        ItemState item = complete(c, lease, assessmentId, extra, queue.k());
        refreshConsensus(c, queue, lease.itemId(), locked.traceId(), rubric, item);
        return new Stored(assessmentId, false, extra);
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
            LockedLease locked = lockForSubmit(c, leaseId, null, reviewer);
            LeaseRow lease = locked.lease();
            QueueState queue = locked.queue();
            long traceId = locked.traceId();
            if ("SKIPPED".equals(lease.status())) {
                // A skipped item labelled from 'back' counts like a fresh label when there is room.
                boolean extra = taken(c, lease.itemId()) >= queue.k();
                long assessmentId = insertLabel(c, queue, traceId, reviewer, canonicalValue, rationale, null);
                refreshConsensus(c, queue, lease.itemId(), traceId, rubric,
                        complete(c, lease, assessmentId, extra, queue.k()));
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
    private static ItemState complete(Connection c, LeaseRow lease, long assessmentId, boolean extra, int k)
            throws SQLException {
        // One round trip: the lease's update rides along with the item's, which answers what refreshConsensus needs.
        String sql = """
                WITH done AS (UPDATE lease SET status = 'SUBMITTED', completed_at = now(), assessment_id = ?,
                                     extra = ?, skip_reason = NULL WHERE id = ?)
                """ + (extra ? "SELECT consensus, is_full FROM queue_item WHERE id = ?" : """
                UPDATE queue_item SET completed = completed + 1, is_full = completed + 1 >= ? WHERE id = ?
                RETURNING consensus, is_full""");
        try (var update = c.prepareStatement(sql)) {
            update.setLong(1, assessmentId);
            update.setBoolean(2, extra);
            update.setLong(3, lease.id());
            if (extra) {
                update.setLong(4, lease.itemId());
            } else {
                update.setInt(4, k);
                update.setLong(5, lease.itemId());
            }
            try (ResultSet rs = update.executeQuery()) {
                rs.next();
                return new ItemState(rs.getString(1), rs.getBoolean(2));
            }
        }
    }

    /** An item's consensus polarity (null until it is full) and whether it is full. */
    private record ItemState(String consensus, boolean full) {
    }

    // ---- queries ------------------------------------------------------------------------------------------

    /** The queue's state as {@link #openQueue} read it, with what a member's page shows of it. */
    record OpenedQueue(QueueState state, String name, boolean blind, int size, boolean member,
                       Optional<Offer> live) {

        QueueService.MemberQueue asMember() {
            return new QueueService.MemberQueue(state.id(), name, state.judgeName(), blind, size,
                    state.rubricVersionId(), "OPEN".equals(state.status()));
        }
    }

    /**
     * The first statement of {@link #next}: the queue's state, whether {@code username} is a member (false when
     * null), the reviewer's live lease in the queue, and the reviewer's advisory lock on the queue, so that two tabs
     * of the same reviewer cannot race each other into two leases. This statement's snapshot predates the lock, so
     * a lease the other tab committed while this one waited may be missing from it: the candidate query, a new
     * statement with a snapshot taken after the lock, finds nothing while the reviewer holds a live lease, and
     * {@link #dispense} then hands that lease. (Taking the lock for a closed queue or a non-member is harmless: it
     * ends with the transaction.)
     *
     * <p>It also turns {@code synchronous_commit} off for this transaction, which writes nothing but a lease: the
     * commit then returns without waiting for the WAL flush (docs/performance.md, "Sixth pass"). Nothing a reviewer
     * typed can be lost by it: WAL is flushed in order, so the synchronous commit of the label submitted on this
     * lease flushes the lease first. A crash in the fraction of a second before the flush loses only the lease
     * itself; its submit then finds no lease (404) and the page asks for the next item, and since a submit checks
     * the lease's token and reviewer, no label can attach to another lease.
     *
     * <p>The same statement sets {@code plan_cache_mode} to {@code force_generic_plan} for the rest of the
     * transaction: left to itself PostgreSQL re-plans the candidate query on every call (its generic plan is
     * estimated dearer than a custom one, though it is the same plan), and planning was two thirds of that query's
     * time — 0.53 ms of planning against 0.28 ms of execution per call (pg_stat_statements with track_planning;
     * docs/performance.md, "Fifth pass"). Every other statement of the loop already runs from a cached plan.
     * Measured both ways on 2026-12-07: the paced htmx loop is far better with it (server p50/p99 6.4/26 ms
     * against 9.4/45 ms, PostgreSQL 3.4 against 5.6 ms CPU per label); the zero-pause JSON loop is worse
     * (120 against 140 labels/s, 9.3 against 6.8 ms) — not understood yet, see "Fifth pass".
     */
    private static OpenedQueue openQueue(Connection c, long queueId, String username, String reviewer)
            throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT q.id, q.status, q.reviewers_per_item, q.balance_target, q.consensus_negative,
                       q.consensus_positive, q.lease_seconds, q.judge_name, q.rubric_version_id, q.consensus_rule,
                       q.name, q.blind, q.size,
                       EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id AND m.username = ?),
                       pg_advisory_xact_lock(?, hashtext(?)) IS NULL,
                       set_config('plan_cache_mode', 'force_generic_plan', TRUE),
                       set_config('synchronous_commit', 'off', TRUE),
                       live.id, live.token, live.issued_at, live.expires_at, live.item_id, live.trace_id
                  FROM review_queue q
                  LEFT JOIN LATERAL (SELECT l.id, l.token, l.issued_at, l.expires_at, l.item_id, i.trace_id
                                       FROM lease l JOIN queue_item i ON i.id = l.item_id
                                      WHERE l.queue_id = q.id AND l.reviewer = ? AND l.status = 'LEASED'
                                        AND l.expires_at > now()
                                      ORDER BY l.issued_at LIMIT 1) live ON TRUE
                 WHERE q.id = ?""")) {
            select.setString(1, username);
            select.setInt(2, (int) queueId);
            select.setString(3, reviewer);
            select.setString(4, reviewer);
            select.setLong(5, queueId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No review queue " + queueId + ".");
                }
                long leaseId = rs.getLong(18);
                Optional<Offer> live = rs.wasNull() ? Optional.empty()
                        : Optional.of(new Offer(leaseId, rs.getObject(19, UUID.class), rs.getTimestamp(20).toInstant(),
                                rs.getTimestamp(21).toInstant(), rs.getLong(22), rs.getLong(23), true));
                return new OpenedQueue(queueState(rs), rs.getString(11), rs.getBoolean(12), rs.getInt(13),
                        rs.getBoolean(14), live);
            }
        }
    }

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
                return queueState(rs);
            }
        }
    }

    /** A {@link QueueState} from the first ten columns, in {@link #queueState(Connection, long)}'s order. */
    private static QueueState queueState(ResultSet rs) throws SQLException {
        return new QueueState(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getDouble(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getLong(9), rs.getString(10));
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
     * leases row by row on every call was most of PostgreSQL's time per label (V026, docs/performance.md). Nothing
     * while the reviewer holds a live lease in the queue: {@link #openQueue}'s read of it can predate their lock.
     */
    private static Optional<long[]> candidate(Connection c, QueueState queue, String reviewer, Polarity polarity,
                                              List<Long> rejected) throws SQLException {
        return scan(c, queue, reviewer, polarity, rejected, true);
    }

    private static Optional<long[]> scan(Connection c, QueueState queue, String reviewer, Polarity polarity,
                                         List<Long> rejected, boolean lock) throws SQLException {
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
                   AND NOT EXISTS (SELECT 1 FROM lease o WHERE o.queue_id = ? AND o.reviewer = ?
                                      AND o.status = 'LEASED' AND o.expires_at > now())
                 ORDER BY i.priority DESC
                 LIMIT 1
                 %s""".formatted(polarity == null ? "" : "AND i.predicted = ?", lock ? "FOR UPDATE OF i SKIP LOCKED" : "");
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
            select.setString(p++, reviewer);
            select.setLong(p++, queue.id());
            select.setString(p, reviewer);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new long[]{rs.getLong(1), rs.getLong(2)}) : Optional.empty();
            }
        }
    }

    /**
     * Whether the candidate query, ignoring row locks, finds an item for the reviewer: when the locking scan found
     * none, something it would take is only held for the moment by another transaction. Reads without locking.
     */
    private static boolean lockedCandidateExists(Connection c, QueueState queue, String reviewer, List<Long> rejected)
            throws SQLException {
        return scan(c, queue, reviewer, null, rejected, false).isPresent();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a locked queue item", e);
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

    /**
     * Leases the item, which this transaction holds locked, if it still has room: completed labels plus live leases
     * below k. One statement re-counts and inserts; it starts after the lock was taken, so its snapshot sees every
     * competitor that held the lock before (the invariant in the class comment). Empty when the item is full.
     */
    private static <T> Optional<Handed<T>> leaseIfRoom(Connection c, QueueState queue, long itemId, long traceId,
                                                       String reviewer, ItemRead<T> read) throws SQLException {
        UUID token = UUID.randomUUID();
        Instant now = Instant.now();
        Instant expires = now.plusSeconds(queue.leaseSeconds());
        // An expired, never-submitted lease of this reviewer on this item is renewed rather than duplicated.
        // The item is read in the same statement, joined to the lease row (none: no room, nothing read). The
        // read's snapshot is the statement's, so it does not see the lease it joins; it reads only the trace.
        try (var upsert = c.prepareStatement("""
                WITH leased AS (
                INSERT INTO lease (item_id, queue_id, reviewer, token, status, issued_at, expires_at)
                SELECT i.id, ?, ?, ?, 'LEASED', ?, ?
                  FROM queue_item i
                 WHERE i.id = ?
                   AND i.completed + (SELECT count(*) FROM lease a
                                       WHERE a.item_id = i.id AND a.status = 'LEASED' AND a.expires_at > now()) < ?
                ON CONFLICT (item_id, reviewer) DO UPDATE
                   SET token = EXCLUDED.token, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at
                 WHERE lease.status = 'LEASED'
                RETURNING id)
                SELECT leased.id, shown.* FROM leased CROSS JOIN (%s) shown""".formatted(read.sql()))) {
            upsert.setLong(1, queue.id());
            upsert.setString(2, reviewer);
            upsert.setObject(3, token);
            upsert.setTimestamp(4, Timestamp.from(now));
            upsert.setTimestamp(5, Timestamp.from(expires));
            upsert.setLong(6, itemId);
            upsert.setInt(7, queue.k());
            read.bind(upsert, 8, traceId);
            try (ResultSet rs = upsert.executeQuery()) {
                return rs.next() ? Optional.of(new Handed<>(
                        new Offer(rs.getLong(1), token, now, expires, itemId, traceId, false), read.read(rs, 2)))
                        : Optional.empty();
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

    /** A lease {@link #lockForSubmit} locked with its item, and the queue it belongs to. */
    record LockedLease(LeaseRow lease, long traceId, QueueState queue, String queueName, boolean member) {
    }

    /**
     * The reviewer's own lease and its item, both locked (the order submit and edit always take them in), with the
     * queue's state and whether {@code username} is a member (false when null), in one statement. Anyone else's
     * lease is "not found" (never reveal other reviewers).
     */
    private static LockedLease lockForSubmit(Connection c, long leaseId, String username, String reviewer)
            throws SQLException {
        try (var select = c.prepareStatement("""
                SELECT q.id, q.status, q.reviewers_per_item, q.balance_target, q.consensus_negative,
                       q.consensus_positive, q.lease_seconds, q.judge_name, q.rubric_version_id, q.consensus_rule,
                       l.id, l.item_id, l.token, l.status, l.issued_at, l.expires_at, l.assessment_id, l.extra,
                       i.trace_id, q.name,
                       EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id AND m.username = ?)
                  FROM lease l JOIN queue_item i ON i.id = l.item_id JOIN review_queue q ON q.id = l.queue_id
                 WHERE l.id = ? AND l.reviewer = ?
                   FOR UPDATE OF l, i""")) {
            select.setString(1, username);
            select.setLong(2, leaseId);
            select.setString(3, reviewer);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No lease " + leaseId + " of yours.");
                }
                QueueState queue = queueState(rs);
                long assessment = rs.getLong(17);
                var lease = new LeaseRow(rs.getLong(11), rs.getLong(12), queue.id(), rs.getObject(13, UUID.class),
                        rs.getString(14), rs.getTimestamp(15).toInstant(), rs.getTimestamp(16).toInstant(),
                        rs.wasNull() ? null : assessment, rs.getBoolean(18));
                return new LockedLease(lease, rs.getLong(19), queue, rs.getString(20), rs.getBoolean(21));
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
        ItemState item;
        try (var select = c.prepareStatement("SELECT consensus, is_full FROM queue_item WHERE id = ?")) {
            select.setLong(1, itemId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                item = new ItemState(rs.getString(1), rs.getBoolean(2));
            }
        }
        refreshConsensus(c, queue, itemId, traceId, rubric, item);
    }

    /** {@link #refreshConsensus(Connection, QueueState, long, long, RubricSpec)} from the item's state as read. */
    private static void refreshConsensus(Connection c, QueueState queue, long itemId, long traceId, RubricSpec rubric,
                                         ItemState item) throws SQLException {
        String before = item.consensus();
        String after = item.full() ? consensusPolarity(c, queue, traceId, rubric) : null;
        if (java.util.Objects.equals(before, after)) {
            return;
        }
        try (var update = c.prepareStatement("""
                WITH item AS (UPDATE queue_item SET consensus = ? WHERE id = ?)
                UPDATE review_queue
                   SET consensus_negative = consensus_negative + ?, consensus_positive = consensus_positive + ?,
                       items_complete = items_complete + ?
                 WHERE id = ?""")) {
            update.setString(1, after);
            update.setLong(2, itemId);
            update.setInt(3, delta("NEGATIVE", before, after));
            update.setInt(4, delta("POSITIVE", before, after));
            update.setInt(5, (after != null ? 1 : 0) - (before != null ? 1 : 0));
            update.setLong(6, queue.id());
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
