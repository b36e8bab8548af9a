package dev.jury.review;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Creating queues (balanced sampling from the judge's predictions), membership and status. */
@ApplicationScoped
@Transactional
public class QueueService {

    /**
     * What an admin asks for; null fields take the documented defaults. {@code source} is a {@link QueueSource} key
     * ({@code balanced} by default); {@code randomShare} the share of a purposive source's random stratum (0.2).
     */
    public record CreateQueue(String name, String judge, Integer size, Integer reviewersPerItem, Double balance,
                              Boolean blind, List<String> members, Long seed, Boolean allowUnbalanced,
                              PoolFilter pool, String consensusRule, Integer leaseMinutes, String source,
                              Double randomShare) {

        /** A balanced queue (the source before queue sources existed). */
        public CreateQueue(String name, String judge, Integer size, Integer reviewersPerItem, Double balance,
                           Boolean blind, List<String> members, Long seed, Boolean allowUnbalanced, PoolFilter pool,
                           String consensusRule, Integer leaseMinutes) {
            this(name, judge, size, reviewersPerItem, balance, blind, members, seed, allowUnbalanced, pool,
                    consensusRule, leaseMinutes, null, null);
        }
    }

    /** The random stratum's share of a purposive queue when none is given. */
    public static final double DEFAULT_RANDOM_SHARE = 0.20;

    /**
     * Which traces the queue is drawn from: all of the experiment, one tag ({@code key=value}), a creation time
     * range, and/or only traces the judge has assessed.
     */
    public record PoolFilter(String tag, Instant from, Instant to, boolean judgedOnly) {
        static final PoolFilter ALL = new PoolFilter(null, null, null, false);

        Map<String, String> describe() {
            var map = new LinkedHashMap<String, String>();
            if (tag != null && !tag.isBlank()) {
                map.put("tag", tag);
            }
            if (from != null) {
                map.put("from", from.toString());
            }
            if (to != null) {
                map.put("to", to.toString());
            }
            if (judgedOnly) {
                map.put("judged_only", "true");
            }
            return map;
        }
    }

    @Inject
    ExperimentService experiments;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditLog audit;

    @Inject
    Dispenser dispenser;

    public ReviewQueue create(String experimentName, CreateQueue request, String actor) {
        Experiment experiment = experiments.get(experimentName);
        var errors = new ArrayList<Problem.FieldError>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 128) {
            errors.add(Problem.FieldError.field("name", "Give the queue a name of 1 to 128 characters."));
        }
        int size = request.size() == null ? 100 : request.size();
        if (size < 1 || size > 1_000_000) {
            errors.add(Problem.FieldError.field("size", "Size must be between 1 and 1,000,000 items."));
        }
        int k = request.reviewersPerItem() == null ? 2 : request.reviewersPerItem();
        if (k < 1 || k > 10) {
            errors.add(Problem.FieldError.field("reviewers_per_item", "Reviewers per item must be between 1 and 10."));
        }
        double balance = request.balance() == null ? 0.30 : request.balance();
        if (balance < 0 || balance > 0.5) {
            errors.add(Problem.FieldError.field("balance", "The balance target must be between 0 and 0.5 (default 0.30)."));
        }
        String rule = request.consensusRule() == null ? "MAJORITY" : request.consensusRule().strip().toUpperCase();
        if (!rule.equals("MAJORITY") && !rule.equals("MEDIAN")) {
            errors.add(Problem.FieldError.field("consensus_rule", "Consensus rule must be 'majority' or 'median'."));
        }
        int leaseMinutes = request.leaseMinutes() == null ? 10 : request.leaseMinutes();
        if (leaseMinutes < 1 || leaseMinutes > 24 * 60) {
            errors.add(Problem.FieldError.field("lease_minutes", "Lease time must be between 1 minute and 24 hours."));
        }
        QueueSource source = request.source() == null || request.source().isBlank() ? QueueSource.BALANCED
                : QueueSource.parse(request.source()).orElse(null);
        if (source == null) {
            errors.add(Problem.FieldError.field("source", "Unknown queue source '" + request.source()
                    + "'; use one of " + QueueSource.keys() + "."));
        }
        double randomShare = request.randomShare() != null ? request.randomShare()
                : source != null && source.purposive() ? DEFAULT_RANDOM_SHARE : 0;
        if (randomShare < 0 || randomShare > 0.5 || Double.isNaN(randomShare)) {
            errors.add(Problem.FieldError.field("random_share",
                    "The random share must be between 0 and 0.5 (default 0.20); got " + randomShare + "."));
        } else if (source != null && !source.purposive() && randomShare > 0) {
            errors.add(Problem.FieldError.field("random_share", "A random share applies only to the sources "
                    + "uncertain and judge_human_disagree; '" + source.key() + "' is random already."));
        }
        String judge = request.judge() == null ? "" : request.judge().strip();
        Rubric rubric = judge.isEmpty() ? null : Rubric.findByName(experiment.id, judge).orElse(null);
        if (rubric == null) {
            var names = Rubric.listForExperiment(experiment.id).stream().map(r -> r.name).toList();
            errors.add(Problem.FieldError.field("judge", "No judge/rubric named '" + judge + "' in experiment '"
                    + experiment.name + "'" + (names.isEmpty() ? "; create a rubric first." : "; available: "
                    + String.join(", ", names) + ".")));
        }
        if ("MEDIAN".equals(rule) && rubric != null
                && rubric.current().spec().kind() == dev.jury.rubrics.RubricKind.BOOLEAN) {
            errors.add(Problem.FieldError.field("consensus_rule", "The median needs an ordered rubric, not yes/no."));
        }
        if (ReviewQueue.count("experimentId = ?1 and name = ?2", experiment.id, name) > 0) {
            throw ProblemException.conflict("A queue named '" + name + "' already exists in '" + experiment.name + "'.");
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
        RubricVersion pinned = rubric.current();
        RubricSpec spec = pinned.spec();
        PoolFilter pool = request.pool() == null ? PoolFilter.ALL : request.pool();
        long seed = request.seed() == null ? System.nanoTime() & 0xFFFFFFFL : request.seed();

        List<SourceSampler.Candidate> candidates = pool(experiment.id, judge, spec, pool, source);
        boolean allowUnbalanced = Boolean.TRUE.equals(request.allowUnbalanced());
        // Every source goes through the same balance rule (⌈b·N⌉ per side) and the same shortfall answer.
        var outcome = switch (source) {
            case BALANCED -> SourceSampler.balanced(candidates, size, balance, seed, allowUnbalanced);
            case UNCERTAIN -> SourceSampler.uncertain(candidates, size, randomShare, balance, seed, allowUnbalanced);
            case JUDGE_HUMAN_DISAGREE ->
                    SourceSampler.disagreements(candidates, size, randomShare, balance, seed, allowUnbalanced);
            case STRATIFIED_RANDOM -> SourceSampler.stratified(candidates, size, balance, seed, allowUnbalanced);
        };
        if (outcome instanceof SourceSampler.Nothing nothing) {
            throw new ProblemException(409, "Nothing to draw from", "Cannot draw a '" + source.key()
                    + "' queue for '" + judge + "': " + nothing.reason() + hint(source, experiment.name, judge),
                    List.of(), Map.of("source", source.key()));
        }
        if (outcome instanceof SourceSampler.Short s) {
            var shortfall = s.shortfall();
            throw new ProblemException(409, "Pool cannot supply a balanced queue", shortfall.message(), List.of(),
                    Map.of("shortfall", Map.of(
                            "requested_size", shortfall.requestedSize(),
                            "need_per_side", shortfall.needPerSide(),
                            "pool_size", shortfall.poolSize(),
                            "pool_negative", shortfall.poolNegative(),
                            "pool_positive", shortfall.poolPositive(),
                            "largest_balanced_size", shortfall.largestBalancedSize()),
                            "choices", List.of("size=" + shortfall.largestBalancedSize(), "allow_unbalanced=true")));
        }
        var draw = ((SourceSampler.Drawn) outcome).draw();
        if (draw.items().isEmpty()) {
            throw ProblemException.invalid("size", "The pool is empty: no traces match the filter in '"
                    + experiment.name + "'.");
        }

        var queue = new ReviewQueue();
        queue.experimentId = experiment.id;
        queue.name = name;
        queue.judgeName = judge;
        queue.rubricVersionId = pinned.id;
        queue.size = draw.items().size();
        queue.reviewersPerItem = k;
        queue.balanceTarget = BigDecimal.valueOf(balance);
        queue.blind = request.blind() == null || request.blind();
        queue.balance = draw.balance().name();
        queue.consensusRule = rule;
        queue.leaseSeconds = leaseMinutes * 60;
        queue.seed = seed;
        queue.poolFilter = pool.describe();
        queue.source = source.name();
        queue.randomShare = BigDecimal.valueOf(source.purposive() ? randomShare : 0);
        queue.status = "OPEN";
        queue.createdBy = actor;
        queue.createdAt = Instant.now();
        queue.persistAndFlush();
        insertItems(queue.id, draw.items());
        for (String member : new LinkedHashSet<>(request.members() == null ? List.<String>of() : request.members())) {
            addMember(queue, member, actor);
        }
        audit.record(actor, "queue.created", "review_queue", String.valueOf(queue.id),
                "'" + name + "' on " + judge + ": " + queue.size + " items, k=" + k + ", " + draw.balance()
                        + ", source " + source.key() + " " + draw.strata());
        return queue;
    }

    /** What to do when a source has nothing to draw from. */
    private static String hint(QueueSource source, String experiment, String judge) {
        return switch (source) {
            case UNCERTAIN -> ". Measure it first: POST /api/v1/experiments/" + experiment + "/judges/" + judge
                    + "/uncertainty (repeated samples, or the embedded judge's vote margin), or store verdicts whose"
                    + " metadata carries a 'confidence'.";
            case JUDGE_HUMAN_DISAGREE -> ". Label some of the judge's traces in a balanced queue first.";
            default -> ". Run the judge over the pool first.";
        };
    }

    /**
     * The pool with each trace's predicted polarity and value from the judge's latest valid verdict; for the
     * uncertain source the judge's uncertainty (the newest {@code trace_uncertainty} measurement of this judge name,
     * else 1 − the verdict's own {@code confidence}); for the disagreement source the current human label (the
     * most common current human value, ties to the newest).
     */
    List<SourceSampler.Candidate> pool(long experimentId, String judge, RubricSpec spec, PoolFilter filter,
                                       QueueSource source) {
        boolean uncertainty = source == QueueSource.UNCERTAIN;
        boolean human = source == QueueSource.JUDGE_HUMAN_DISAGREE;
        var sql = new StringBuilder("""
                SELECT t.id, v.value, v.confidence, """)
                .append(uncertainty ? "u.uncertainty" : "NULL::float8").append(", ")
                .append(human ? "h.value" : "NULL::text").append("""
                 FROM trace t
                  LEFT JOIN LATERAL (SELECT a.value,
                                            CASE WHEN jsonb_typeof(a.metadata -> 'confidence') = 'number'
                                                 THEN (a.metadata ->> 'confidence')::float8 END AS confidence
                                       FROM current_assessment a
                                      WHERE a.trace_id = t.id AND a.name = ? AND a.source_type = 'LLM_JUDGE'
                                        AND a.valid
                                      ORDER BY a.id DESC LIMIT 1) v ON TRUE
                """);
        var params = new ArrayList<Object>(List.of(judge));
        if (uncertainty) {
            sql.append("""
                      LEFT JOIN LATERAL (SELECT m.uncertainty FROM trace_uncertainty m
                                          WHERE m.trace_id = t.id AND m.name = ?
                                          ORDER BY m.measured_at DESC LIMIT 1) u ON TRUE
                    """);
            params.add(judge);
        }
        if (human) {
            sql.append("""
                      LEFT JOIN LATERAL (SELECT h.value FROM current_assessment h
                                          WHERE h.trace_id = t.id AND h.name = ? AND h.source_type = 'HUMAN'
                                            AND h.valid AND h.value IS NOT NULL
                                          GROUP BY h.value ORDER BY count(*) DESC, max(h.id) DESC LIMIT 1) h ON TRUE
                    """);
            params.add(judge);
        }
        sql.append(" WHERE t.experiment_id = ?");
        params.add(experimentId);
        if (filter.tag() != null && !filter.tag().isBlank()) {
            String[] kv = filter.tag().split("=", 2);
            sql.append(" AND t.tags @> jsonb_build_object(?::text, ?::text)");
            params.add(kv[0].strip());
            params.add(kv.length > 1 ? kv[1].strip() : "");
        }
        if (filter.from() != null) {
            sql.append(" AND t.created_at >= ?");
            params.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND t.created_at < ?");
            params.add(Timestamp.from(filter.to()));
        }
        if (filter.judgedOnly()) {
            sql.append(" AND v.value IS NOT NULL");
        }
        sql.append(" ORDER BY t.id");
        var pool = new ArrayList<SourceSampler.Candidate>();
        try (Connection c = dataSource.getConnection(); var select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                select.setObject(i + 1, params.get(i));
            }
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(2);
                    boolean known = value != null && RubricValues.indexOf(spec, value) >= 0;
                    Polarity polarity = !known ? Polarity.UNKNOWN
                            : RubricValues.isNegative(spec, value) ? Polarity.NEGATIVE : Polarity.POSITIVE;
                    Double measured = (Double) rs.getObject(4);
                    Double confidence = (Double) rs.getObject(3);
                    Double unsure = measured != null ? measured
                            : confidence != null && known ? Math.min(1, Math.max(0, 1 - confidence)) : null;
                    String humanValue = rs.getString(5);
                    pool.add(new SourceSampler.Candidate(rs.getLong(1), polarity, known ? value : null,
                            known ? unsure : null, known && humanValue != null && !humanValue.equals(value)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the pool of experiment " + experimentId, e);
        }
        return pool;
    }

    private void insertItems(long queueId, List<SourceSampler.Item> items) {
        try (Connection c = dataSource.getConnection(); var insert = c.prepareStatement("""
                INSERT INTO queue_item (queue_id, trace_id, predicted, priority, stratum, inclusion_probability,
                                        uncertainty) VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            int batch = 0;
            for (var item : items) {
                insert.setLong(1, queueId);
                insert.setLong(2, item.traceId());
                insert.setString(3, item.predicted().name());
                insert.setInt(4, item.priority());
                insert.setString(5, item.stratum());
                insert.setObject(6, item.inclusionProbability(), java.sql.Types.DOUBLE);
                insert.setObject(7, item.uncertainty(), java.sql.Types.DOUBLE);
                insert.addBatch();
                if (++batch % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the items of queue " + queueId, e);
        }
    }

    /** The queue, or 404. */
    @Transactional(TxType.SUPPORTS)
    public ReviewQueue get(long id) {
        ReviewQueue queue = ReviewQueue.findById(id);
        if (queue == null) {
            throw ProblemException.notFound("No review queue " + id + ".");
        }
        return queue;
    }

    /** The queue if {@code username} is a member; otherwise 404 — a non-member must not learn it exists. */
    @Transactional(TxType.SUPPORTS)
    public ReviewQueue getForMember(long id, String username) {
        ReviewQueue queue = ReviewQueue.findById(id);
        if (queue == null || username == null || !QueueMember.isMember(id, username)) {
            throw ProblemException.notFound("No review queue " + id + ".");
        }
        return queue;
    }

    /** What the review loop and the review page need of a queue the reviewer was let into. */
    public record MemberQueue(long id, String name, String judgeName, boolean blind, int size, long rubricVersionId,
                              boolean open) {
    }

    /**
     * {@link #getForMember} in one statement and without an entity: the review loop's check on every next (a
     * non-member gets the same 404).
     */
    @Transactional(TxType.SUPPORTS)
    public MemberQueue memberQueue(long id, String username) {
        if (username == null) {
            throw ProblemException.notFound("No review queue " + id + ".");
        }
        try (Connection c = dataSource.getConnection();
             var select = c.prepareStatement("""
                     SELECT q.judge_name, q.blind, q.size, q.rubric_version_id, q.name, q.status FROM review_queue q
                      WHERE q.id = ? AND EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id AND m.username = ?)""")) {
            select.setLong(1, id);
            select.setString(2, username);
            try (var rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No review queue " + id + ".");
                }
                return new MemberQueue(id, rs.getString(5), rs.getString(1), rs.getBoolean(2), rs.getInt(3),
                        rs.getLong(4), "OPEN".equals(rs.getString(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read review queue " + id, e);
        }
    }

    public void addMember(ReviewQueue queue, String username, String actor) {
        String clean = username == null ? "" : username.strip();
        if (clean.isEmpty() || clean.length() > 255) {
            throw ProblemException.invalid("members", "A member is a username of 1 to 255 characters.");
        }
        if (QueueMember.isMember(queue.id, clean)) {
            return;
        }
        var member = new QueueMember();
        member.queueId = queue.id;
        member.username = clean;
        member.addedBy = actor;
        member.addedAt = Instant.now();
        member.persist();
        audit.record(actor, "queue.member_added", "review_queue", String.valueOf(queue.id), clean);
    }

    /** Adds several members at once: all of them or, when one username is refused, none. */
    public void addMembers(ReviewQueue queue, List<String> usernames, String actor) {
        for (String username : new LinkedHashSet<>(usernames)) {
            addMember(queue, username, actor);
        }
    }

    public void removeMember(ReviewQueue queue, String username, String actor) {
        long removed = QueueMember.delete("queueId = ?1 and username = ?2", queue.id, username);
        if (removed > 0) {
            audit.record(actor, "queue.member_removed", "review_queue", String.valueOf(queue.id), username);
        }
    }

    public void setOpen(long queueId, boolean open, String actor) {
        ReviewQueue queue = get(queueId);
        queue.status = open ? "OPEN" : "CLOSED";
        audit.record(actor, open ? "queue.reopened" : "queue.closed", "review_queue", String.valueOf(queueId), "");
    }

    /** Where an adjudication applies: the trace, the judge name, the rubric it is checked against, its queue. */
    public record AdjudicationTarget(Experiment experiment, dev.jury.traces.Trace trace, String name,
                                     RubricVersion rubric, ReviewQueue queue) {
    }

    /**
     * Resolves what an admin adjudicates, or 404 naming what is missing: the trace must belong to the experiment,
     * the name must be one of its rubrics, and a given queue must be of that experiment and judge. The value is
     * checked against the queue's pinned rubric version, or the rubric's current one without a queue.
     */
    @Transactional(TxType.SUPPORTS)
    public AdjudicationTarget adjudicationTarget(String experimentName, long traceId, String name, Long queueId) {
        Experiment experiment = experiments.get(experimentName);
        dev.jury.traces.Trace trace = dev.jury.traces.Trace.findById(traceId);
        if (trace == null || !experiment.id.equals(trace.experimentId)) {
            throw ProblemException.notFound("No trace " + traceId + " in experiment '" + experiment.name + "'.");
        }
        String judge = name == null ? "" : name.strip();
        Rubric rubric = judge.isEmpty() ? null : Rubric.findByName(experiment.id, judge).orElse(null);
        if (rubric == null) {
            throw ProblemException.notFound("No judge/rubric named '" + judge + "' in experiment '"
                    + experiment.name + "'.");
        }
        ReviewQueue queue = null;
        if (queueId != null) {
            queue = ReviewQueue.findById(queueId);
            if (queue == null || !experiment.id.equals(queue.experimentId) || !judge.equals(queue.judgeName)) {
                throw ProblemException.notFound("No review queue " + queueId + " for '" + judge + "' in experiment '"
                        + experiment.name + "'.");
            }
        }
        return new AdjudicationTarget(experiment, trace, judge, queue == null ? rubric.current() : rubric(queue),
                queue);
    }

    /**
     * Stores an admin's final label as a HUMAN assessment from {@code adjudication:<admin>} (a new adjudication by
     * the same admin supersedes theirs; nothing is deleted), then recomputes the consensus and live counters of
     * every queue of this judge that holds the trace.
     */
    public dev.jury.labels.Assessment adjudicate(AdjudicationTarget target, String value, String rationale,
                                                 String actor) {
        RubricSpec spec = target.rubric().spec();
        String canonical = ReviewService.checkLabel(spec, value, rationale);
        var label = dev.jury.labels.Assessment.create(target.trace().id, target.name(), canonical,
                rationale == null ? "" : rationale.strip(), dev.jury.labels.SourceType.HUMAN, "adjudication:" + actor);
        label.rubricVersionId = target.rubric().id;
        label.queueId = target.queue() == null ? null : target.queue().id;
        dev.jury.labels.Assessment.supersede(label);
        @SuppressWarnings("unchecked")
        List<Object[]> holders = dev.jury.labels.Assessment.getEntityManager().createNativeQuery("""
                        SELECT q.id, q.rubric_version_id FROM queue_item i JOIN review_queue q ON q.id = i.queue_id
                         WHERE i.trace_id = ?1 AND q.judge_name = ?2 AND q.experiment_id = ?3 ORDER BY q.id""")
                .setParameter(1, target.trace().id).setParameter(2, target.name())
                .setParameter(3, target.experiment().id).getResultList();
        String detail = "trace " + target.trace().id + " " + target.name() + " = " + canonical;
        for (Object[] holder : holders) {
            long queueId = ((Number) holder[0]).longValue();
            RubricVersion pinned = RubricVersion.findById(((Number) holder[1]).longValue());
            dispenser.refreshItem(queueId, target.trace().id, pinned.spec());
            audit.record(actor, "queue.adjudicated", "review_queue", String.valueOf(queueId), detail);
        }
        if (holders.isEmpty()) {
            audit.record(actor, "queue.adjudicated", "trace", String.valueOf(target.trace().id), detail);
        }
        return label;
    }

    /** The rubric the queue is pinned to. */
    @Transactional(TxType.SUPPORTS)
    public RubricVersion rubric(ReviewQueue queue) {
        RubricVersion version = RubricVersion.findById(queue.rubricVersionId);
        if (version == null) {
            throw new IllegalStateException("queue " + queue.id + " points at a missing rubric version");
        }
        return version;
    }
}
