package dev.jury.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.List;

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

    public record Overview(long complete, long size, long labels, long liveLeases, Balance balance,
                           List<ReviewerStats> reviewers, List<Disagreement> disagreements) {
        public int percent() {
            return size == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * complete / size));
        }
    }

    @Inject
    EntityManager em;

    public Overview overview(ReviewQueue queue) {
        Object[] counts = (Object[]) em.createNativeQuery("""
                        SELECT count(*) FILTER (WHERE is_full),
                               count(*) FILTER (WHERE predicted = 'NEGATIVE'),
                               count(*) FILTER (WHERE predicted = 'POSITIVE'),
                               (SELECT count(*) FROM lease WHERE queue_id = ?1 AND status = 'SUBMITTED'),
                               (SELECT count(*) FROM lease WHERE queue_id = ?1 AND status = 'LEASED' AND expires_at > now())
                          FROM queue_item WHERE queue_id = ?1""")
                .setParameter(1, queue.id).getSingleResult();
        Object[] live = (Object[]) em.createNativeQuery(
                        "SELECT consensus_negative, consensus_positive FROM review_queue WHERE id = ?1")
                .setParameter(1, queue.id).getSingleResult();
        var balance = new Balance(n(live[0]), n(live[1]), n(counts[1]), n(counts[2]), queue.size);
        return new Overview(n(counts[0]), queue.size, n(counts[3]), n(counts[4]), balance, reviewers(queue),
                disagreements(queue));
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
                         ORDER BY i.priority DESC LIMIT 500""")
                .setParameter(1, queue.id).getResultList();
        return rows.stream().map(r -> new Disagreement(n(r[0]), n(r[1]), n(r[2]))).toList();
    }

    private static long n(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }
}
