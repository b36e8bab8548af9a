package dev.jury.agreement.report;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The highest assessment id below which no row can still appear: every row with an id at or below
 * {@link #settled()} is visible to any snapshot taken from now on, or never will be (rolled back). Pure logic; the
 * samples come from PostgreSQL (the id sequence's last value and the snapshot's xmin/xmax, see {@link LabelCache}).
 *
 * <p>Why this is needed: ids come from a sequence when a row is inserted, but transactions commit in any order. A
 * transaction can take id 100, a second one take 101 and commit, a report read everything up to 101, and only then
 * the first one commit. Reading "{@code id >} the largest id seen" would lose row 100 for good.
 *
 * <p>The rule. A sample taken at time t reads the sequence's last value C. A row with an id ≤ C that it could not
 * see got its id before t (the sequence hands ids out once, in order; CACHE 1) from a transaction still running at
 * t. Such a transaction gets its transaction id (xid) while inserting the row, within microseconds of taking the
 * id; the {@code settle} delay bounds that generously. So a sample s2 taken at least {@code settle} after t has an
 * xmax above the xids of all those transactions, and once a later snapshot's xmin (the oldest xid still running,
 * cluster-wide) reaches s2's xmax, they have all ended: C is settled, and everything ≤ C is read by any statement
 * that starts after that xmin was observed.
 */
final class IdHorizon {

    /** One observation: the last id handed out and the snapshot bounds of the same statement, at {@code nanos}. */
    record Sample(long nanos, long maxId, long xmin, long xmax) {
    }

    /** Samples kept while they wait to settle; beyond this the oldest are dropped (never unsafe: C only lags). */
    static final int MAX_SAMPLES = 256;

    private final long settleNanos;
    private final ArrayDeque<Sample> waiting = new ArrayDeque<>();
    private long settled = -1;

    IdHorizon(long settleNanos) {
        this.settleNanos = Math.max(0, settleNanos);
    }

    /**
     * Records {@code now} and returns the settled id, -1 while none is known yet (right after start). The caller
     * must read rows with a later statement than the one {@code now} came from.
     */
    synchronized long observe(Sample now) {
        // Release the oldest samples whose "settle later" sample has an xmax that now.xmin has reached. The best
        // partner of s is the first sample at least settle after it (xmax only grows); now itself can be it.
        while (!waiting.isEmpty()) {
            Sample s = waiting.peekFirst();
            Sample partner = null;
            Iterator<Sample> later = waiting.iterator();
            while (later.hasNext()) {
                Sample candidate = later.next();
                if (candidate.nanos() - s.nanos() >= settleNanos) {
                    partner = candidate;
                    break;
                }
            }
            if (partner == null && now.nanos() - s.nanos() >= settleNanos) {
                partner = now;
            }
            if (partner == null || now.xmin() < partner.xmax()) {
                break; // later samples have later partners with larger xmax: they cannot settle either
            }
            settled = Math.max(settled, s.maxId());
            waiting.removeFirst();
        }
        Sample last = waiting.peekLast();
        // One sample per quarter of the settle delay is enough to make progress; more would only take memory.
        if (last == null || now.nanos() - last.nanos() >= settleNanos / 4) {
            if (waiting.size() == MAX_SAMPLES) {
                waiting.removeFirst();
            }
            waiting.addLast(now);
        }
        return settled;
    }

    synchronized long settled() {
        return settled;
    }
}
