import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements one next + submit runs (copied from dev.jury.review.Dispenser and
 * ReviewService; keep them in step), on the data the reviewer-loop scenario left behind. Runs in one transaction
 * that is rolled back, so the statements that write (lease, label, counters) change nothing. Each statement is
 * shown twice where it matters: with literal values (the custom plan of the first executions) and as a prepared
 * statement forced to its generic plan (what PostgreSQL may switch to after five executions of the driver's
 * server-prepared statement).
 */
final class Plans {

    private Plans() {
    }

    static String explain(Connection c, long queueId, String username, int k) throws SQLException {
        StringBuilder out = new StringBuilder();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            String reviewer = single(s, "SELECT reviewer FROM lease WHERE queue_id = " + queueId
                    + " GROUP BY reviewer ORDER BY count(*) DESC LIMIT 1");
            if (reviewer == null) {
                reviewer = username;
            }
            String r = "'" + reviewer.replace("'", "''") + "'";
            String item = single(s, "SELECT id FROM queue_item WHERE queue_id = " + queueId
                    + " AND NOT is_full ORDER BY priority DESC LIMIT 1");
            String trace = single(s, "SELECT trace_id FROM queue_item WHERE id = " + item);
            String lease = single(s, "SELECT id FROM lease WHERE queue_id = " + queueId + " AND reviewer = " + r
                    + " ORDER BY id DESC LIMIT 1");
            out.append("queue ").append(queueId).append(", reviewer ").append(reviewer).append(", item ").append(item)
                    .append(", trace ").append(trace).append(", lease ").append(lease).append("\n");
            out.append(single(s, "SELECT format('queue_item %s rows (%s full), lease %s rows, assessment %s rows', "
                    + "(SELECT count(*) FROM queue_item WHERE queue_id = " + queueId + "), (SELECT count(*) FROM "
                    + "queue_item WHERE queue_id = " + queueId + " AND is_full), (SELECT count(*) FROM lease), "
                    + "(SELECT count(*) FROM assessment))")).append("\n");

            explain(s, out, "next: queue settings", "SELECT id, status, reviewers_per_item, balance_target, "
                    + "consensus_negative, consensus_positive, lease_seconds, judge_name, rubric_version_id, "
                    + "consensus_rule FROM review_queue WHERE id = " + queueId);
            explain(s, out, "next: the reviewer's live lease", """
                    SELECT l.id, l.token, l.issued_at, l.expires_at, l.item_id, i.trace_id
                      FROM lease l JOIN queue_item i ON i.id = l.item_id
                     WHERE l.queue_id = %d AND l.reviewer = %s AND l.status = 'LEASED' AND l.expires_at > now()
                     ORDER BY l.issued_at LIMIT 1""".formatted(queueId, r));
            String candidate = """
                    SELECT i.id, i.trace_id FROM queue_item i
                     WHERE i.queue_id = %s AND NOT i.is_full
                       %s
                       AND i.id <> ALL (%s)
                       AND NOT EXISTS (SELECT 1 FROM lease m WHERE m.item_id = i.id AND m.reviewer = %s)
                       AND i.completed + (SELECT count(*) FROM lease a
                                           WHERE a.item_id = i.id AND a.status = 'LEASED' AND a.expires_at > now()) < %s
                     ORDER BY i.priority DESC
                     LIMIT 1
                     FOR UPDATE OF i SKIP LOCKED""";
            explain(s, out, "next: candidate, preferred polarity", candidate.formatted(queueId,
                    "AND i.predicted = 'NEGATIVE'", "'{}'::bigint[]", r, k));
            explain(s, out, "next: candidate, any polarity", candidate.formatted(queueId, "", "'{}'::bigint[]", r, k));
            s.execute("PREPARE candidate(bigint, text, bigint[], text, int) AS " + candidate.formatted("$1",
                    "AND i.predicted = $2", "$3", "$4", "$5"));
            s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            explain(s, out, "next: candidate, preferred polarity, generic plan (prepared)",
                    "EXECUTE candidate(" + queueId + ", 'NEGATIVE', '{}', " + r + ", " + k + ")");
            s.execute("SET LOCAL plan_cache_mode = auto");
            explain(s, out, "next: taken (count under the row lock)", """
                    SELECT i.completed + (SELECT count(*) FROM lease a
                                           WHERE a.item_id = i.id AND a.status = 'LEASED' AND a.expires_at > now())
                      FROM queue_item i WHERE i.id = %s""".formatted(item));
            explain(s, out, "next: take the lease", """
                    INSERT INTO lease (item_id, queue_id, reviewer, token, status, issued_at, expires_at)
                    VALUES (%s, %d, 'plans-reviewer', gen_random_uuid(), 'LEASED', now(), now() + interval '10 min')
                    ON CONFLICT (item_id, reviewer) DO UPDATE
                       SET token = EXCLUDED.token, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at
                     WHERE lease.status = 'LEASED'
                    RETURNING id""".formatted(item, queueId));
            explain(s, out, "next: queue and membership (QueueService.memberQueue)", """
                    SELECT q.judge_name, q.blind, q.size, q.rubric_version_id FROM review_queue q
                     WHERE q.id = %d AND EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id
                                                 AND m.username = %s)""".formatted(queueId, "'" + username + "'"));
            explain(s, out, "next: trace, judge verdict, progress (ReviewService.nextItem)", """
                    SELECT CAST(t.inputs AS text), CAST(t.outputs AS text), CAST(t.expectations AS text),
                           j.found, j.value, j.rationale, j.source_id, q.items_complete,
                           (SELECT count(*) FROM lease l WHERE l.queue_id = q.id AND l.reviewer = %s
                                                            AND l.status = 'SUBMITTED')
                      FROM trace t
                      LEFT JOIN LATERAL (SELECT TRUE AS found, a.value, a.rationale, a.source_id FROM assessment a
                                          WHERE TRUE AND a.trace_id = t.id AND a.name = 'quality'
                                            AND a.source_type = 'LLM_JUDGE' AND a.valid AND a.superseded_by IS NULL
                                          ORDER BY a.id DESC LIMIT 1) j ON TRUE
                      JOIN review_queue q ON q.id = %d
                     WHERE t.id = %s""".formatted(r, queueId, trace));
            if (lease != null) {
                explain(s, out, "submit: the lease's queue and membership (ReviewService.queueOfLease)", """
                        SELECT q.id, q.name, q.status, q.rubric_version_id,
                               EXISTS (SELECT 1 FROM queue_member m WHERE m.queue_id = q.id AND m.username = %s)
                          FROM lease l JOIN review_queue q ON q.id = l.queue_id
                         WHERE l.id = %s AND l.reviewer = %s""".formatted("'" + username + "'", lease, r));
            }
            if (lease != null) {
                explain(s, out, "submit: lock the lease", "SELECT id, item_id, queue_id, token, status, issued_at, "
                        + "expires_at, assessment_id, extra FROM lease WHERE id = " + lease + " AND reviewer = " + r
                        + " FOR UPDATE");
            }
            explain(s, out, "submit: lock the item", "SELECT trace_id FROM queue_item WHERE id = " + item
                    + " FOR UPDATE");
            explain(s, out, "submit: the reviewer's current label on the trace", """
                    SELECT id FROM assessment
                     WHERE trace_id = %s AND name = 'quality' AND source_id = %s AND superseded_by IS NULL
                     ORDER BY id DESC LIMIT 1 FOR UPDATE""".formatted(trace, r));
            explain(s, out, "submit: insert the label", """
                    INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id, rubric_version_id,
                                            queue_id, time_spent_ms, supersedes, valid)
                    VALUES (%s, 'quality', 'good', 'bench', 'HUMAN', 'plans-reviewer',
                            (SELECT rubric_version_id FROM review_queue WHERE id = %d), %d, 1000, NULL, TRUE)
                    RETURNING id""".formatted(trace, queueId, queueId));
            if (lease != null) {
                explain(s, out, "submit: complete the lease", "UPDATE lease SET status = 'SUBMITTED', completed_at = "
                        + "now(), assessment_id = NULL, extra = FALSE WHERE id = " + lease);
            }
            explain(s, out, "submit: count the label on the item", "UPDATE queue_item SET completed = completed + 1, "
                    + "is_full = completed + 1 >= " + k + " WHERE id = " + item);
            explain(s, out, "submit: the item's consensus so far", "SELECT consensus, is_full FROM queue_item WHERE id = "
                    + item);
            explain(s, out, "submit: the labels of the item for its consensus", """
                    SELECT value, source_id FROM assessment
                     WHERE trace_id = %s AND name = 'quality' AND source_type = 'HUMAN' AND superseded_by IS NULL
                       AND valid AND (queue_id = %d OR source_id LIKE 'adjudication:%%')
                     ORDER BY id""".formatted(trace, queueId));
            explain(s, out, "submit: queue balance counters", "UPDATE review_queue SET consensus_negative = "
                    + "consensus_negative + 1, consensus_positive = consensus_positive + 0, items_complete = "
                    + "items_complete + 1 WHERE id = " + queueId);
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        return out.toString();
    }

    private static void explain(Statement s, StringBuilder out, String title, String sql) throws SQLException {
        out.append("\n-- ").append(title).append("\n");
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append("\n");
            }
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
