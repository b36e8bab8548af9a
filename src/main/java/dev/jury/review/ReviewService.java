package dev.jury.review;

import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.labels.Assessment;
import dev.jury.traces.Trace;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import dev.jury.home.QueueDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.TraceFields;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The reviewer's side of a queue: membership checks, rubric validation, then the {@link Dispenser}. Reviewers
 * only ever see their own labels; another reviewer's lease or label is "not found".
 */
@ApplicationScoped
@Transactional(TxType.SUPPORTS)
public class ReviewService implements QueueDirectory {

    /** The reviewer (subject = the OIDC subject, the source of their labels; username = what membership uses). */
    public record Reviewer(String subject, String username) {
    }

    /**
     * An item shown again (Back, or refused with an inline error): loaded through the entities, with the reviewer's
     * own current label. {@code judge} only in open (non-blind) queues. The live item is a {@link LoopItem}.
     */
    public record ItemView(QueueService.MemberQueue queue, Dispenser.Offer offer, Trace trace,
                           PinnedRubrics.Pinned rubric, Assessment judge, Assessment myLabel, Progress progress) {
    }

    /** Queue progress from one reviewer's point of view: their own labels and the queue's complete items. */
    public record Progress(long mine, long complete, long size) {
    }

    /**
     * The live item, for the JSON loop and the review page alike: the trace's stored JSON as text (the JSON loop
     * writes it into the answer as it is, never parsed and re-serialised), the pinned rubric from
     * {@link PinnedRubrics}, the judge's verdict only in open queues. {@code perChunk}: the queue's judge answers per
     * retrieved chunk (its latest version was made from the {@code chunk_relevance} template), and then
     * {@code spans} holds the trace's spans to find the chunks in; both only when asked for.
     */
    public record LoopItem(Dispenser.Offer offer, String inputs, String outputs, String expectations,
                           PinnedRubrics.Pinned rubric, JudgeLabel judge, Progress progress, boolean perChunk,
                           String spans) {
    }

    /** The judge's current assessment of the item's trace. */
    public record JudgeLabel(String value, String rationale, String source) {
    }

    /** The queue a lease belongs to, as submit, skip and edit need it. */
    record LeaseQueue(long queueId, long rubricVersionId) {
    }

    @Inject
    Dispenser dispenser;

    @Inject
    QueueService queues;

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PinnedRubrics rubrics;

    /** The queue as its member sees it, and their live item in it (empty: nothing left for them, or closed). */
    public record Next(QueueService.MemberQueue queue, Optional<LoopItem> item) {
    }

    /**
     * The reviewer's live item (the JSON loop): see {@link #next}.
     */
    public Optional<LoopItem> nextItem(long queueId, Reviewer reviewer) {
        return next(queueId, reviewer, false).item();
    }

    /**
     * The reviewer's live item in one transaction, all of it the dispenser's: membership, queue state, the live
     * lease and the lock in its first statement (404 for a non-member), then the candidate, then the lease inserted
     * in one statement with everything shown ({@link ItemShown}), before one commit, with no entity loaded. This
     * runs for every label, and at a reviewer's pace each round trip costs more in wake-ups than in work
     * (docs/performance.md, "Fifth pass" and "Sixth pass"). {@code withChunks}: also find out whether the item is
     * labelled chunk by chunk (the review page; the JSON loop labels whole items).
     */
    @Transactional
    public Next next(long queueId, Reviewer reviewer, boolean withChunks) {
        Dispenser.Dispensed<ItemShown.Row> dispensed = dispenser.nextForMember(queueId, reviewer.username(),
                reviewer.subject(), new ItemShown(queueId, reviewer.subject(), withChunks));
        QueueService.MemberQueue queue = dispensed.queue();
        return new Next(queue, dispensed.handed().map(handed -> {
            ItemShown.Row row = handed.shown();
            return new LoopItem(handed.offer(), row.inputs(), row.outputs(), row.expectations(),
                    rubrics.get(queue.rubricVersionId()), row.judge(),
                    new Progress(row.labelled(), row.queueComplete(), queue.size()), row.perChunk(), row.spans());
        }));
    }

    /** What the review page and the JSON loop show with an item, read by the dispenser with its lease. */
    private record ItemShown(long queueId, String reviewer, boolean withChunks)
            implements Dispenser.ItemRead<ItemShown.Row> {

        /** The trace's JSON as text, the judge's verdict (null: none, or blind), the counts and the chunk view. */
        record Row(String inputs, String outputs, String expectations, JudgeLabel judge, long queueComplete,
                   long labelled, boolean perChunk, String spans) {
        }

        @Override
        public String sql() {
            return ITEM_SQL;
        }

        @Override
        public void bind(PreparedStatement statement, int first, long traceId) throws SQLException {
            statement.setString(first, reviewer);
            statement.setLong(first + 1, queueId);
            statement.setBoolean(first + 2, withChunks);
            statement.setLong(first + 3, traceId);
        }

        @Override
        public Row read(ResultSet rs, int first) throws SQLException {
            int f = first - 1; // so that f + n is ITEM_SQL's column n
            JudgeLabel judge = rs.getBoolean(f + 4) // null (no verdict, or a blind queue) reads as false
                    ? new JudgeLabel(rs.getString(f + 5), rs.getString(f + 6), rs.getString(f + 7)) : null;
            return new Row(rs.getString(f + 1), rs.getString(f + 2), rs.getString(f + 3), judge, rs.getLong(f + 8),
                    rs.getLong(f + 9), rs.getBoolean(f + 10), rs.getString(f + 11));
        }
    }

    /**
     * The item of {@link #nextItem}: trace JSON as text, the judge's current verdict (open queues only), progress,
     * and when asked whether the queue's judge answers per chunk, with the spans then.
     */
    private static final String ITEM_SQL = """
            SELECT CAST(t.inputs AS text), CAST(t.outputs AS text), CAST(t.expectations AS text),
                   j.found, j.value, j.rationale, j.source_id, q.items_complete,
                   %2$s,
                   tpl.template IS NOT DISTINCT FROM '%1$s',
                   CASE WHEN tpl.template = '%1$s' THEN CAST(t.spans AS text) END
              FROM trace t
              JOIN review_queue q ON q.id = ?
              LEFT JOIN LATERAL (SELECT TRUE AS found, a.value, a.rationale, a.source_id FROM current_assessment a
                                  WHERE NOT q.blind AND a.trace_id = t.id AND a.name = q.judge_name
                                    AND a.source_type = 'LLM_JUDGE' AND a.valid
                                  ORDER BY a.id DESC LIMIT 1) j ON TRUE
              LEFT JOIN LATERAL (SELECT v.template FROM judge_version v JOIN judge jd ON jd.id = v.judge_id
                                  WHERE ? AND jd.experiment_id = q.experiment_id AND jd.name = q.judge_name
                                  ORDER BY v.version DESC LIMIT 1) tpl ON TRUE
             WHERE t.id = ?""".formatted(JudgeTemplates.CHUNK_RELEVANCE, labelledBy("?"));

    /**
     * How many items of queue {@code q} the reviewer (placeholder {@code reviewer}) labelled: their submitted leases.
     * One spelling for the review page, its progress line and the home page's queue list, so they always agree.
     */
    private static String labelledBy(String reviewer) {
        return "(SELECT count(*) FROM lease l WHERE l.queue_id = q.id AND l.reviewer = " + reviewer
                + " AND l.status = 'SUBMITTED')";
    }

    /**
     * Stores a label. Value and rationale are checked against the queue's pinned rubric (422 with the field).
     * {@code inQueue}: the queue the caller named (the page's URL), whose lease this must be; null when the caller
     * names only the lease (the JSON loop).
     */
    public Dispenser.Stored submit(Long inQueue, long leaseId, Reviewer reviewer, String token, String value,
                                   String rationale) {
        return dispenser.submitForMember(leaseId, inQueue, reviewer.username(), reviewer.subject(),
                rubricVersionId -> checked(token(token), rubricVersionId, value, rationale, null));
    }

    /**
     * Stores a per-chunk label (issue 15): the reviewer marked which of the trace's {@code chunkCount} retrieved
     * chunks are relevant; the stored value is the rubric's yes/no as a per-chunk judge derives it (yes when at least
     * half are relevant, {@code ChunkVerdicts}), the answers per chunk and the precision go into the label's metadata
     * in the judge's own shape, so agreement compares the two like any yes/no label.
     */
    public Dispenser.Stored submitChunks(Long inQueue, long leaseId, Reviewer reviewer, String token,
                                         int chunkCount, java.util.Collection<Integer> relevant, String rationale) {
        return dispenser.submitForMember(leaseId, inQueue, reviewer.username(), reviewer.subject(), rubricVersionId -> {
            UUID parsed = token(token);
            if (chunkCount < 1 || chunkCount > ChunkLabels.MAX_CHUNKS) {
                throw ProblemException.invalid("chunks", "A per-chunk label needs between 1 and "
                        + ChunkLabels.MAX_CHUNKS + " chunks, got " + chunkCount + ".");
            }
            for (int index : relevant) {
                if (index < 1 || index > chunkCount) {
                    throw ProblemException.invalid("chunks", "There is no chunk " + index + " (the trace has "
                            + chunkCount + ").");
                }
            }
            var label = ChunkLabels.of(chunkCount, relevant);
            return checked(parsed, rubricVersionId, label.value(), rationale, label.metadata());
        });
    }

    /**
     * A submit's label as {@link Dispenser#submitForMember} takes it: {@code value} in the spelling of the lease's
     * pinned rubric, the rationale as the rubric demands (422 naming the field otherwise).
     */
    private Dispenser.Checked checked(UUID parsed, long rubricVersionId, String value, String rationale,
                                      String metadata) {
        RubricSpec rubric = rubrics.get(rubricVersionId).spec();
        String canonical = checkLabel(rubric, value, rationale);
        return new Dispenser.Checked(parsed, canonical, clean(rationale), rubric, metadata);
    }

    /**
     * The retrieved chunks to label one by one, when the queue's judge answers per chunk and the trace has 1 to
     * {@link ChunkLabels#MAX_CHUNKS} of them; otherwise empty and the item is labelled as a whole.
     */
    public static List<TraceFields.Chunk> chunksToLabel(boolean perChunkJudge, JsonNode outputs, JsonNode spans) {
        return perChunkJudge ? labellable(TraceFields.chunks(outputs, spans)) : List.of();
    }

    /** {@link #chunksToLabel(boolean, JsonNode, JsonNode)} for an item shown again with an inline error. */
    @Transactional(TxType.SUPPORTS)
    public List<TraceFields.Chunk> chunksToLabel(ItemView item) {
        // The trace first (no statement): most traces carry no retrieved chunks.
        var chunks = labellable(TraceFields.chunks(item.trace().outputs, item.trace().spans));
        if (chunks.isEmpty()) {
            return chunks;
        }
        List<?> template = em.createNativeQuery("""
                        SELECT v.template FROM judge_version v JOIN judge j ON j.id = v.judge_id
                          JOIN review_queue q ON q.id = ?1
                         WHERE j.experiment_id = q.experiment_id AND j.name = q.judge_name
                         ORDER BY v.version DESC LIMIT 1""")
                .setParameter(1, item.queue().id()).getResultList();
        return !template.isEmpty() && JudgeTemplates.CHUNK_RELEVANCE.equals(template.get(0)) ? chunks : List.of();
    }

    /** Up to {@link ChunkLabels#MAX_CHUNKS} chunks are labelled one by one; more, and the item is labelled whole. */
    private static List<TraceFields.Chunk> labellable(List<TraceFields.Chunk> chunks) {
        return chunks.size() > ChunkLabels.MAX_CHUNKS ? List.of() : chunks;
    }

    public void skip(Long inQueue, long leaseId, Reviewer reviewer, String token, String reason) {
        queueOfLease(inQueue, leaseId, reviewer);
        dispenser.skip(leaseId, reviewer.subject(), token(token), reason);
    }

    static UUID token(String token) {
        try {
            return UUID.fromString(token == null ? "" : token.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("token", "The lease token is missing or malformed; send the token 'next' returned.");
        }
    }

    /** Replaces the reviewer's label on an item they labelled or skipped before ('back'). */
    public Dispenser.Stored edit(Long inQueue, long leaseId, Reviewer reviewer, String value, String rationale) {
        LeaseQueue queue = queueOfLease(inQueue, leaseId, reviewer);
        RubricSpec rubric = rubrics.get(queue.rubricVersionId()).spec();
        String canonical = checkLabel(rubric, value, rationale);
        return dispenser.edit(leaseId, reviewer.subject(), canonical, clean(rationale), rubric);
    }

    /**
     * The reviewer's previous item before {@code beforeLeaseId} (or their latest when null): the newest lease
     * they completed (labelled or skipped), with their current label.
     */
    public Optional<ItemView> previous(long queueId, Reviewer reviewer, Long beforeLeaseId) {
        QueueService.MemberQueue queue = queues.memberQueue(queueId, reviewer.username());
        Object[] row = (Object[]) em.createNativeQuery("""
                        SELECT l.id, l.token, l.issued_at, l.expires_at, l.item_id, i.trace_id
                          FROM lease l JOIN queue_item i ON i.id = l.item_id
                         WHERE l.queue_id = ?1 AND l.reviewer = ?2 AND l.status IN ('SUBMITTED', 'SKIPPED')
                           AND l.completed_at < COALESCE((SELECT b.completed_at FROM lease b
                                                           WHERE b.id = ?3 AND b.reviewer = ?2), 'infinity')
                         ORDER BY l.completed_at DESC LIMIT 1""")
                .setParameter(1, queueId).setParameter(2, reviewer.subject())
                .setParameter(3, beforeLeaseId == null ? 0L : beforeLeaseId)
                .getResultStream().findFirst().orElse(null);
        if (row == null) {
            return Optional.empty();
        }
        var offer = new Dispenser.Offer(((Number) row[0]).longValue(), (UUID) row[1],
                ((java.time.OffsetDateTime) toOffset(row[2])).toInstant(), ((java.time.OffsetDateTime) toOffset(row[3])).toInstant(),
                ((Number) row[4]).longValue(), ((Number) row[5]).longValue(), true);
        return Optional.of(view(queue, offer, reviewer));
    }

    /**
     * One of the reviewer's own leases in the queue as an item view (to show it again with an inline error, or to
     * edit it); anyone else's lease, or one of another queue, is "not found".
     */
    public ItemView ownLease(long queueId, long leaseId, Reviewer reviewer) {
        QueueService.MemberQueue queue = queues.memberQueue(queueId, reviewer.username());
        Object[] row = (Object[]) em.createNativeQuery("""
                        SELECT l.id, l.token, l.issued_at, l.expires_at, l.item_id, i.trace_id
                          FROM lease l JOIN queue_item i ON i.id = l.item_id
                         WHERE l.id = ?1 AND l.queue_id = ?2 AND l.reviewer = ?3""")
                .setParameter(1, leaseId).setParameter(2, queueId).setParameter(3, reviewer.subject())
                .getResultStream().findFirst().orElse(null);
        if (row == null) {
            throw ProblemException.notFound("No lease " + leaseId + " of yours in queue " + queueId + ".");
        }
        var offer = new Dispenser.Offer(((Number) row[0]).longValue(), (UUID) row[1],
                ((java.time.OffsetDateTime) toOffset(row[2])).toInstant(),
                ((java.time.OffsetDateTime) toOffset(row[3])).toInstant(),
                ((Number) row[4]).longValue(), ((Number) row[5]).longValue(), true);
        return view(queue, offer, reviewer);
    }

    /** Whether the reviewer's lease is still open (not yet labelled or skipped). */
    public boolean isOpenLease(long leaseId, Reviewer reviewer) {
        return ((Number) em.createNativeQuery(
                        "SELECT count(*) FROM lease WHERE id = ?1 AND reviewer = ?2 AND status = 'LEASED'")
                .setParameter(1, leaseId).setParameter(2, reviewer.subject()).getSingleResult()).longValue() > 0;
    }

    private static Object toOffset(Object value) {
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt;
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected time type " + value.getClass());
    }

    private ItemView view(QueueService.MemberQueue queue, Dispenser.Offer offer, Reviewer reviewer) {
        Trace trace = Trace.findById(offer.traceId());
        Assessment judge = queue.blind() ? null
                : Assessment.findCurrentVerdict(trace.id, queue.judgeName()).orElse(null);
        Assessment mine = Assessment.findCurrentLabel(trace.id, queue.judgeName(), reviewer.subject())
                .filter(a -> a.queueId != null && a.queueId == queue.id()).orElse(null);
        return new ItemView(queue, offer, trace, rubrics.get(queue.rubricVersionId()), judge, mine,
                progress(queue, reviewer));
    }

    /**
     * The queue's complete items are its {@code items_complete} counter, which the dispenser moves in the same
     * transaction that fills an item (an item gets its consensus exactly when it becomes full); counting the full
     * items instead grew with the queue's progress (≈ 25 ms for a finished 100,000-item queue).
     */
    public Progress progress(QueueService.MemberQueue queue, Reviewer reviewer) {
        Object[] row = (Object[]) em.createNativeQuery("""
                        SELECT q.items_complete, %s
                          FROM review_queue q WHERE q.id = ?1""".formatted(labelledBy("?2")))
                .setParameter(1, queue.id()).setParameter(2, reviewer.subject()).getSingleResult();
        return new Progress(((Number) row[1]).longValue(), ((Number) row[0]).longValue(), queue.size());
    }

    /** Home page: the queues a reviewer belongs to, with how many items they labelled of those open to them. */
    @Override
    public List<QueueSummary> queuesFor(String subject, String username) {
        if (username == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT q.id, q.name, e.name, q.judge_name, q.size, q.status, %s AS mine,
                               q.items_complete
                          FROM review_queue q JOIN queue_member m ON m.queue_id = q.id
                          JOIN experiment e ON e.id = q.experiment_id
                         WHERE m.username = ?1
                         ORDER BY q.status DESC, q.created_at DESC""".formatted(labelledBy("?2")))
                .setParameter(1, username).setParameter(2, subject == null ? "" : subject)
                .getResultList();
        return rows.stream().map(r -> new QueueSummary(((Number) r[0]).longValue(), (String) r[1], (String) r[2],
                (String) r[3], ((Number) r[6]).longValue(), ((Number) r[4]).longValue(), "OPEN".equals(r[5]),
                ((Number) r[7]).longValue())).toList();
    }

    /**
     * The reviewer's own lease's queue (skip and edit), checked as {@link Dispenser#checkLeaseAccess} says, in one
     * statement; no such lease of theirs: 404.
     */
    private LeaseQueue queueOfLease(Long inQueue, long leaseId, Reviewer reviewer) {
        long queueId;
        String name;
        String status;
        long rubricVersionId;
        boolean member;
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("""
                SELECT q.id, q.name, q.status, q.rubric_version_id,
                       EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id AND m.username = ?)
                  FROM lease l JOIN review_queue q ON q.id = l.queue_id
                 WHERE l.id = ? AND l.reviewer = ?""")) {
            select.setString(1, reviewer.username());
            select.setLong(2, leaseId);
            select.setString(3, reviewer.subject());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No lease " + leaseId + " of yours.");
                }
                queueId = rs.getLong(1);
                name = rs.getString(2);
                status = rs.getString(3);
                rubricVersionId = rs.getLong(4);
                member = rs.getBoolean(5);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read lease " + leaseId, e);
        }
        Dispenser.checkLeaseAccess(leaseId, inQueue, reviewer.username(), queueId, name, status, member);
        return new LeaseQueue(queueId, rubricVersionId);
    }

    /** The value in the rubric's spelling, or a 422 naming the field; the rationale as the rubric demands. */
    static String checkLabel(RubricSpec rubric, String value, String rationale) {
        String raw = value == null ? "" : value;
        var canonical = RubricValues.canonical(rubric, raw);
        if (canonical.isEmpty()) {
            String message = raw.isBlank() ? "Pick a level: " + String.join(", ", RubricValues.allowedValues(rubric)) + "."
                    : RubricValues.notAllowedMessage(rubric, raw);
            throw ProblemException.invalid("value", message);
        }
        var rationaleProblem = RubricValues.checkRationale(rubric, rationale);
        if (rationaleProblem.isPresent()) {
            throw new ProblemException(422, "Invalid request", rationaleProblem.get(),
                    List.of(Problem.FieldError.field("rationale", rationaleProblem.get())));
        }
        return canonical.get();
    }

    private static String clean(String rationale) {
        return rationale == null ? "" : rationale.strip();
    }
}
