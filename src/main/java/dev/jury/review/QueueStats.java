package dev.jury.review;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** What the admin sees of a queue: progress, per-reviewer work, live balance, disagreements. */
@ApplicationScoped
@Transactional(TxType.SUPPORTS)
public class QueueStats {

    public record ReviewerStats(String subject, String username, long labelled, long skipped, Double medianSeconds) {
    }

    public record Balance(long consensusNegative, long consensusPositive, long predictedNegative,
                          long predictedPositive, long size) {
        public double consensusNegativeShare() {
            long n = consensusNegative + consensusPositive;
            return n == 0 ? 0 : (double) consensusNegative / n;
        }

        public double predictedNegativeShare() {
            return size == 0 ? 0 : (double) predictedNegative / size;
        }
    }

    public record Disagreement(long itemId, long traceId, long labels) {
    }

    /**
     * @param disagreements      the first {@link #DISAGREEMENTS_SHOWN} items without a consensus, highest priority
     *                           first (the page's live region, refreshed every few seconds, stays light)
     * @param disagreementsTotal every item without a consensus
     */
    public record Overview(long complete, long size, long labels, long liveLeases, Balance balance,
                           List<ReviewerStats> reviewers, List<Disagreement> disagreements, long disagreementsTotal) {
        public int percent() {
            return size == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * complete / size));
        }
    }

    /**
     * One stratum of a queue (docs/production.md, "Review queues fed by the judge's uncertainty").
     *
     * @param inclusionProbability the stratum's π (null for items chosen on purpose)
     * @param decided              complete items whose consensus is negative or positive
     * @param judgeAgrees          of those, the items whose predicted polarity is the consensus
     */
    public record Stratum(String name, long items, long complete, Double inclusionProbability,
                          Double meanUncertainty, long decided, long judgeAgrees) {
        public Double agreement() {
            return decided == 0 ? null : (double) judgeAgrees / decided;
        }

        public boolean random() {
            return inclusionProbability != null;
        }
    }

    /**
     * A queue's strata, and the judge–human agreement on polarity estimated for the whole pool from the randomly
     * drawn strata only: Σ (1/π) · agree / Σ (1/π) over their decided items (Hájek). Null when no random item is
     * decided yet; the purposive strata are reported beside it, never mixed in.
     */
    public record Strata(List<Stratum> strata, Double weightedAgreement, long weightedItems) {
        public boolean mixed() {
            return strata.size() > 1 || strata.stream().anyMatch(s -> !s.name().equals(SourceSampler.BALANCED));
        }
    }

    public Strata strata(ReviewQueue queue) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT stratum, count(*), count(*) FILTER (WHERE is_full), min(inclusion_probability),
                               avg(uncertainty),
                               count(*) FILTER (WHERE consensus IN ('NEGATIVE', 'POSITIVE')),
                               count(*) FILTER (WHERE consensus IN ('NEGATIVE', 'POSITIVE') AND consensus = predicted),
                               sum(1 / inclusion_probability) FILTER (WHERE consensus IN ('NEGATIVE', 'POSITIVE')),
                               sum(1 / inclusion_probability)
                                   FILTER (WHERE consensus IN ('NEGATIVE', 'POSITIVE') AND consensus = predicted)
                          FROM queue_item WHERE queue_id = ?1 GROUP BY stratum ORDER BY stratum""")
                .setParameter(1, queue.id).getResultList();
        var strata = new ArrayList<Stratum>();
        double weight = 0;
        double agreeing = 0;
        long weighted = 0;
        for (Object[] r : rows) {
            var stratum = new Stratum((String) r[0], n(r[1]), n(r[2]), r[3] == null ? null : ((Number) r[3]).doubleValue(),
                    r[4] == null ? null : ((Number) r[4]).doubleValue(), n(r[5]), n(r[6]));
            strata.add(stratum);
            if (stratum.random() && r[7] != null) {
                weight += ((Number) r[7]).doubleValue();
                agreeing += r[8] == null ? 0 : ((Number) r[8]).doubleValue();
                weighted += stratum.decided();
            }
        }
        return new Strata(strata, weight == 0 ? null : agreeing / weight, weighted);
    }

    /** Items per stratum. */
    public java.util.Map<String, Long> strataCounts(ReviewQueue queue) {
        var counts = new java.util.TreeMap<String, Long>();
        strata(queue).strata().forEach(s -> counts.put(s.name(), s.items()));
        return counts;
    }

    /** Items without a consensus listed on the queue page; the agreement report pages through all of them. */
    public static final int DISAGREEMENTS_SHOWN = 50;

    @Inject
    EntityManager em;

    public Overview overview(ReviewQueue queue) {
        Object[] counts = (Object[]) em.createNativeQuery("""
                        SELECT count(*) FILTER (WHERE is_full),
                               count(*) FILTER (WHERE predicted = 'NEGATIVE'),
                               count(*) FILTER (WHERE predicted = 'POSITIVE'),
                               (SELECT count(*) FROM lease WHERE queue_id = ?1 AND status = 'SUBMITTED'),
                               (SELECT count(*) FROM lease WHERE queue_id = ?1 AND status = 'LEASED' AND expires_at > now()),
                               count(*) FILTER (WHERE consensus = 'NONE')
                          FROM queue_item WHERE queue_id = ?1""")
                .setParameter(1, queue.id).getSingleResult();
        Object[] live = (Object[]) em.createNativeQuery(
                        "SELECT consensus_negative, consensus_positive FROM review_queue WHERE id = ?1")
                .setParameter(1, queue.id).getSingleResult();
        var balance = new Balance(n(live[0]), n(live[1]), n(counts[1]), n(counts[2]), queue.size);
        return new Overview(n(counts[0]), queue.size, n(counts[3]), n(counts[4]), balance, reviewers(queue),
                disagreements(queue), n(counts[5]));
    }

    @SuppressWarnings("unchecked")
    public List<ReviewerStats> reviewers(ReviewQueue queue) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT l.reviewer, coalesce(r.username, l.reviewer),
                               count(*) FILTER (WHERE l.status = 'SUBMITTED'),
                               count(*) FILTER (WHERE l.status = 'SKIPPED'),
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY a.time_spent_ms)
                                   FILTER (WHERE a.time_spent_ms IS NOT NULL) / 1000.0
                          FROM lease l
                          LEFT JOIN reviewer r ON r.subject = l.reviewer
                          LEFT JOIN assessment a ON a.id = l.assessment_id
                         WHERE l.queue_id = ?1
                         GROUP BY l.reviewer, r.username
                         ORDER BY 2""")
                .setParameter(1, queue.id).getResultList();
        return rows.stream().map(r -> new ReviewerStats((String) r[0], (String) r[1], n(r[2]), n(r[3]),
                r[4] == null ? null : ((Number) r[4]).doubleValue())).toList();
    }

    @SuppressWarnings("unchecked")
    public List<Disagreement> disagreements(ReviewQueue queue) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT i.id, i.trace_id, i.completed FROM queue_item i
                         WHERE i.queue_id = ?1 AND i.consensus = 'NONE'
                         ORDER BY i.priority DESC LIMIT ?2""")
                .setParameter(1, queue.id).setParameter(2, DISAGREEMENTS_SHOWN).getResultList();
        return rows.stream().map(r -> new Disagreement(n(r[0]), n(r[1]), n(r[2]))).toList();
    }

    /** A current human label on a trace, for adjudication: who gave it (admins may see identities) and why. */
    public record HumanLabel(long id, String value, String rationale, String sourceId, String username,
                             Long queueId, Integer rubricVersion, Instant createdAt) {
        public boolean isAdjudication() {
            return sourceId.startsWith(ADJUDICATION_PREFIX);
        }
    }

    /** One assessment given in a queue, as the exports write it. */
    public record LabelRow(long assessmentId, long traceId, String mlflowTraceId, String name, String value,
                           String rationale, String sourceType, String sourceId, String username,
                           Integer rubricVersion, String rubricKind, Long timeSpentMs, Instant createdAt,
                           Long supersedes, Long supersededBy, boolean valid, boolean extra, String metadata,
                           String stratum, Double inclusionProbability) {
    }

    static final String ADJUDICATION_PREFIX = "adjudication:";
    private static final int EXPORT_PAGE = 500;

    @Inject
    AgroalDataSource dataSource;

    /** The current (not superseded, valid) human labels of a trace under one name, adjudications included. */
    @SuppressWarnings("unchecked")
    public List<HumanLabel> currentLabels(long traceId, String name) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT a.id, a.value, a.rationale, a.source_id,
                               CASE WHEN a.source_id LIKE 'adjudication:%' THEN substr(a.source_id, 14)
                                    ELSE coalesce(r.username, a.source_id) END,
                               a.queue_id, v.version, a.created_at
                          FROM current_assessment a
                          LEFT JOIN reviewer r ON r.subject = a.source_id
                          LEFT JOIN rubric_version v ON v.id = a.rubric_version_id
                         WHERE a.trace_id = ?1 AND a.name = ?2 AND a.source_type = 'HUMAN' AND a.valid
                         ORDER BY a.id""")
                .setParameter(1, traceId).setParameter(2, name).getResultList();
        return rows.stream().map(r -> new HumanLabel(n(r[0]), (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], r[5] == null ? null : n(r[5]), r[6] == null ? null : ((Number) r[6]).intValue(),
                instant(r[7]))).toList();
    }

    /** The judge's latest valid verdict on a trace, if any. */
    public java.util.Optional<dev.jury.labels.Assessment> judgeVerdict(long traceId, String name) {
        return dev.jury.labels.Assessment.findCurrentVerdict(traceId, name);
    }

    /**
     * Hands every assessment given in the queue to {@code sink}, oldest first, reading in keyset pages of
     * {@value #EXPORT_PAGE} rows, each its own short query: an export of any size streams in constant memory and
     * holds no transaction open while the client reads.
     */
    public void forEachLabel(long queueId, Consumer<LabelRow> sink) {
        long after = 0;
        while (true) {
            List<LabelRow> page = labelPage(queueId, after);
            page.forEach(sink);
            if (page.size() < EXPORT_PAGE) {
                return;
            }
            after = page.get(page.size() - 1).assessmentId();
        }
    }

    private List<LabelRow> labelPage(long queueId, long after) {
        var rows = new ArrayList<LabelRow>(EXPORT_PAGE);
        try (Connection c = dataSource.getConnection(); var select = c.prepareStatement("""
                SELECT a.id, a.trace_id, t.mlflow_trace_id, a.name, a.value, a.rationale, a.source_type, a.source_id,
                       CASE WHEN a.source_id LIKE 'adjudication:%' THEN substr(a.source_id, 14) ELSE r.username END,
                       v.version, v.kind, a.time_spent_ms, a.created_at, a.supersedes, a.superseded_by, a.valid,
                       coalesce(l.extra, FALSE), a.metadata::text, i.stratum, i.inclusion_probability
                  FROM assessment a
                  JOIN trace t ON t.id = a.trace_id
                  LEFT JOIN reviewer r ON r.subject = a.source_id
                  LEFT JOIN rubric_version v ON v.id = a.rubric_version_id
                  LEFT JOIN queue_item i ON i.queue_id = a.queue_id AND i.trace_id = a.trace_id
                  LEFT JOIN lease l ON l.item_id = i.id AND l.reviewer = a.source_id
                 WHERE a.queue_id = ? AND a.id > ?
                 ORDER BY a.id
                 LIMIT ?""")) {
            select.setLong(1, queueId);
            select.setLong(2, after);
            select.setInt(3, EXPORT_PAGE);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new LabelRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            (Integer) rs.getObject(10), rs.getString(11), (Long) rs.getObject(12),
                            rs.getTimestamp(13).toInstant(), (Long) rs.getObject(14), (Long) rs.getObject(15),
                            rs.getBoolean(16), rs.getBoolean(17), rs.getString(18), rs.getString(19),
                            (Double) rs.getObject(20)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the labels of queue " + queueId, e);
        }
        return rows;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return null;
    }

    private static long n(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }
}
