package dev.jury.review;

import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The review loop's safety properties on the real database, under real concurrency. */
@QuarkusTest
class DispenserTest {

    static final RubricSpec YES_NO = new RubricSpec(RubricKind.BOOLEAN, List.of(
            new RubricLevel("yes", "Yes", "The answer is correct.", false),
            new RubricLevel("no", "No", "The answer is wrong.", true)), "", false, 0, null);

    @Inject
    Dispenser dispenser;

    @Inject
    AgroalDataSource dataSource;

    /** Creates an experiment, {@code items} traces and a queue over them; returns the queue id. */
    long queue(int items, int k, int leaseSeconds) throws SQLException {
        try (var c = dataSource.getConnection()) {
            long experiment;
            try (var s = c.prepareStatement(
                    "INSERT INTO experiment (name, created_by) VALUES (?, 'test') RETURNING id")) {
                s.setString(1, "disp-" + UUID.randomUUID().toString().substring(0, 8));
                var rs = s.executeQuery();
                rs.next();
                experiment = rs.getLong(1);
            }
            long rubricVersion;
            try (var s = c.prepareStatement("""
                    WITH r AS (INSERT INTO rubric (experiment_id, name, created_by) VALUES (?, 'correct', 'test') RETURNING id)
                    INSERT INTO rubric_version (rubric_id, version, kind, levels, rationale_required, fingerprint, created_by)
                    SELECT r.id, 1, 'BOOLEAN', '[]'::jsonb, false, 'test', 'test' FROM r RETURNING id""")) {
                s.setLong(1, experiment);
                var rs = s.executeQuery();
                rs.next();
                rubricVersion = rs.getLong(1);
            }
            long queue;
            try (var s = c.prepareStatement("""
                    INSERT INTO review_queue (experiment_id, name, judge_name, rubric_version_id, size,
                        reviewers_per_item, balance_target, balance, lease_seconds, seed, created_by)
                    VALUES (?, 'q', 'correct', ?, ?, ?, 0.3, 'BALANCED', ?, 1, 'test') RETURNING id""")) {
                s.setLong(1, experiment);
                s.setLong(2, rubricVersion);
                s.setInt(3, items);
                s.setInt(4, k);
                s.setInt(5, leaseSeconds);
                var rs = s.executeQuery();
                rs.next();
                queue = rs.getLong(1);
            }
            for (int i = 0; i < items; i++) {
                long trace;
                try (var s = c.prepareStatement("""
                        INSERT INTO trace (experiment_id, inputs, outputs) VALUES (?, '{"q": 1}', '"a"') RETURNING id""")) {
                    s.setLong(1, experiment);
                    var rs = s.executeQuery();
                    rs.next();
                    trace = rs.getLong(1);
                }
                try (var s = c.prepareStatement("""
                        INSERT INTO queue_item (queue_id, trace_id, predicted, priority) VALUES (?, ?, ?, ?)""")) {
                    s.setLong(1, queue);
                    s.setLong(2, trace);
                    s.setString(3, i % 3 == 0 ? "NEGATIVE" : "POSITIVE");
                    s.setInt(4, items - i);
                    s.executeUpdate();
                }
            }
            return queue;
        }
    }

    int count(String sql, long queue) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
            s.setLong(1, queue);
            var rs = s.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void reloadReturnsTheSameLiveLease() throws SQLException {
        long q = queue(5, 2, 600);
        var first = dispenser.next(q, "r1").orElseThrow();
        var again = dispenser.next(q, "r1").orElseThrow();
        assertEquals(first.leaseId(), again.leaseId());
        assertTrue(again.reissued());
        assertEquals(count("SELECT max(priority) FROM queue_item WHERE queue_id = ?", q),
                count("SELECT priority FROM queue_item WHERE id = " + first.itemId() + " AND queue_id = ?", q));
    }

    @Test
    void submitIsIdempotentPerToken() throws SQLException {
        long q = queue(3, 2, 600);
        var offer = dispenser.next(q, "r1").orElseThrow();
        var stored = dispenser.submit(offer.leaseId(), "r1", offer.token(), "yes", "fine", YES_NO);
        var repeated = dispenser.submit(offer.leaseId(), "r1", offer.token(), "yes", "fine", YES_NO);
        assertEquals(stored.assessmentId(), repeated.assessmentId());
        assertTrue(repeated.repeated());
        assertEquals(1, count("SELECT count(*) FROM assessment WHERE queue_id = ?", q));
    }

    @Test
    void onlyTheHolderCanSubmitAndOthersSeeNotFound() throws SQLException {
        long q = queue(3, 2, 600);
        var offer = dispenser.next(q, "r1").orElseThrow();
        var e = assertThrows(ProblemException.class,
                () -> dispenser.submit(offer.leaseId(), "intruder", offer.token(), "yes", "", YES_NO));
        assertEquals(404, e.status());
    }

    @Test
    void aReviewerNeverGetsAnItemTwiceAndAFullItemIsNotOffered() throws SQLException {
        long q = queue(2, 1, 600);
        var a = dispenser.next(q, "r1").orElseThrow();
        dispenser.submit(a.leaseId(), "r1", a.token(), "no", "", YES_NO);
        var b = dispenser.next(q, "r1").orElseThrow();
        assertNotEquals(a.itemId(), b.itemId());
        dispenser.skip(b.leaseId(), "r1", b.token(), "unsure");
        assertTrue(dispenser.next(q, "r1").isEmpty(), "nothing left for r1");
        var c = dispenser.next(q, "r2").orElseThrow();
        assertEquals(b.itemId(), c.itemId(), "k=1: the labelled item is full, the skipped one is open for r2");
    }

    @Test
    void anExpiredLeaseIsReissuedToSomeoneElseAndTheLateSubmitIsKeptAsExtra() throws Exception {
        long q = queue(1, 1, 1);
        var late = dispenser.next(q, "slow").orElseThrow();
        Thread.sleep(1_300);
        var other = dispenser.next(q, "fast").orElseThrow();
        assertEquals(late.itemId(), other.itemId(), "the expired slot went to another reviewer");
        dispenser.submit(other.leaseId(), "fast", other.token(), "yes", "", YES_NO);
        var stored = dispenser.submit(late.leaseId(), "slow", late.token(), "no", "typed after lunch", YES_NO);
        assertTrue(stored.extra(), "no room left: kept as an extra label, not thrown away");
        assertEquals(2, count("SELECT count(*) FROM assessment WHERE queue_id = ?", q));
        assertEquals(1, count("SELECT completed FROM queue_item WHERE queue_id = ?", q));
    }

    @Test
    void aLateSubmitCountsWhenThereIsStillRoom() throws Exception {
        long q = queue(1, 2, 1);
        var late = dispenser.next(q, "slow").orElseThrow();
        Thread.sleep(1_300);
        var stored = dispenser.submit(late.leaseId(), "slow", late.token(), "no", "", YES_NO);
        assertFalse(stored.extra());
        assertEquals(1, count("SELECT completed FROM queue_item WHERE queue_id = ?", q));
    }

    @Test
    void editSupersedesAndKeepsHistory() throws SQLException {
        long q = queue(1, 2, 600);
        var offer = dispenser.next(q, "r1").orElseThrow();
        var first = dispenser.submit(offer.leaseId(), "r1", offer.token(), "yes", "first look", YES_NO);
        var edited = dispenser.edit(offer.leaseId(), "r1", "no", "second look", YES_NO);
        assertNotEquals(first.assessmentId(), edited.assessmentId());
        assertEquals(2, count("SELECT count(*) FROM assessment WHERE queue_id = ?", q), "history kept");
        assertEquals(1, count("SELECT count(*) FROM assessment WHERE queue_id = ? AND superseded_by IS NULL", q));
        assertEquals(1, count("SELECT completed FROM queue_item WHERE queue_id = ?", q), "an edit is not a new label");
    }

    @Test
    void consensusMovesTheLiveBalanceAndSteersDispensing() throws SQLException {
        // Items by priority: 9 NEGATIVE, 8 POSITIVE, 7 POSITIVE, 6 NEGATIVE, …
        long q = queue(9, 1, 600);
        var first = dispenser.next(q, "r1").orElseThrow();
        assertEquals(9, count("SELECT priority FROM queue_item WHERE id = " + first.itemId() + " AND queue_id = ?", q));
        dispenser.submit(first.leaseId(), "r1", first.token(), "yes", "", YES_NO);
        assertEquals(1, count("SELECT consensus_positive FROM review_queue WHERE id = ?", q));
        assertEquals(0, count("SELECT consensus_negative FROM review_queue WHERE id = ?", q));
        // Negative share 0 < 0.3: the next offer is the best predicted-negative item (6), not the best item (8).
        var next = dispenser.next(q, "r1").orElseThrow();
        assertEquals(6, count("SELECT priority FROM queue_item WHERE id = " + next.itemId() + " AND queue_id = ?", q));
        dispenser.submit(next.leaseId(), "r1", next.token(), "no", "", YES_NO);
        // Now 1 negative of 2 = 0.5: balanced, plain priority order again (8).
        var third = dispenser.next(q, "r1").orElseThrow();
        assertEquals(8, count("SELECT priority FROM queue_item WHERE id = " + third.itemId() + " AND queue_id = ?", q));
    }

    /**
     * Many tabs of one reviewer asking at once get one lease between them: the first statement's snapshot predates
     * the reviewer's lock, so a lease another tab committed meanwhile is found by the candidate query's guard.
     */
    @Test
    void tabsOfOneReviewerRacingShareOneLease() throws Exception {
        long q = queue(10, 2, 600);
        int tabs = 8;
        ExecutorService pool = Executors.newFixedThreadPool(tabs);
        try {
            for (int round = 0; round < 5; round++) {
                var start = new CountDownLatch(1);
                List<Future<Dispenser.Offer>> futures = new ArrayList<>();
                for (int t = 0; t < tabs; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return dispenser.next(q, "tabs").orElseThrow();
                    }));
                }
                start.countDown();
                var leases = new java.util.HashSet<Long>();
                Dispenser.Offer any = null;
                for (var f : futures) {
                    any = f.get();
                    leases.add(any.leaseId());
                }
                assertEquals(1, leases.size(), "round " + round + ": one lease for all tabs");
                assertEquals(1, count("SELECT count(*) FROM lease WHERE queue_id = ? AND reviewer = 'tabs'"
                        + " AND status = 'LEASED'", q));
                dispenser.submit(any.leaseId(), "tabs", any.token(), "yes", "", YES_NO);
            }
        } finally {
            pool.shutdown();
        }
    }


    /**
     * The queue's last open slot while another transaction holds its item's row for the moment (here a plain
     * connection standing in for a submit on it): SKIP LOCKED passes over it, and the reviewer must not be told
     * "nothing left" for that — the dispenser waits briefly and hands the slot once the row is free.
     */
    @Test
    void aSlotOnAMomentarilyLockedItemIsStillHandedOut() throws Exception {
        long q = queue(1, 2, 600);
        var first = dispenser.next(q, "r1").orElseThrow();
        dispenser.submit(first.leaseId(), "r1", first.token(), "yes", "", YES_NO);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (var holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("SELECT id FROM queue_item WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, first.itemId());
                lock.executeQuery().close();
            }
            var asked = new CountDownLatch(1);
            Future<Optional<Dispenser.Offer>> second = pool.submit(() -> {
                asked.countDown();
                return dispenser.next(q, "r2");
            });
            asked.await();
            Thread.sleep(20); // the call meets the locked row, then the holder commits
            holder.commit();
            var offer = second.get().orElseThrow(() -> new AssertionError("r2 was told nothing is left"));
            assertEquals(first.itemId(), offer.itemId());
        } finally {
            pool.shutdown();
        }
    }
    @Test
    void concurrentReviewersNeverExceedKAndLoseNoSubmit() throws Exception {
        for (int k : new int[]{2, 3}) {
            int items = 40;
            int reviewers = 32;
            long q = queue(items, k, 600);
            ExecutorService pool = Executors.newFixedThreadPool(reviewers);
            var start = new CountDownLatch(1);
            var submitted = new AtomicInteger();
            Map<String, List<Long>> seen = new ConcurrentHashMap<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int r = 0; r < reviewers; r++) {
                String reviewer = "reviewer-" + r;
                futures.add(pool.submit(() -> {
                    start.await();
                    while (true) {
                        var offer = dispenser.next(q, reviewer);
                        if (offer.isEmpty()) {
                            return null;
                        }
                        seen.computeIfAbsent(reviewer, x -> new ArrayList<>()).add(offer.get().itemId());
                        var o = offer.get();
                        dispenser.submit(o.leaseId(), reviewer, o.token(), o.itemId() % 2 == 0 ? "yes" : "no", "", YES_NO);
                        // a double click must not store twice
                        dispenser.submit(o.leaseId(), reviewer, o.token(), o.itemId() % 2 == 0 ? "yes" : "no", "", YES_NO);
                        submitted.incrementAndGet();
                    }
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            // "Nothing left" is an answer for now: the dispenser waits only so long (about 160 ms) for an item another
            // transaction holds locked, which a loaded CI machine can exceed, so each reviewer asks once more after
            // the race, as the page's reload does.
            for (int r = 0; r < reviewers; r++) {
                String reviewer = "reviewer-" + r;
                for (var offer = dispenser.next(q, reviewer); offer.isPresent(); offer = dispenser.next(q, reviewer)) {
                    var o = offer.get();
                    seen.computeIfAbsent(reviewer, x -> new ArrayList<>()).add(o.itemId());
                    dispenser.submit(o.leaseId(), reviewer, o.token(), o.itemId() % 2 == 0 ? "yes" : "no", "", YES_NO);
                    submitted.incrementAndGet();
                }
            }
            assertEquals(items * k, submitted.get(), "every slot filled exactly once (k=" + k + ")");
            assertEquals(items * k, count("SELECT count(*) FROM assessment WHERE queue_id = ?", q), "no lost or duplicated submit");
            assertEquals(0, count("SELECT count(*) FROM queue_item WHERE queue_id = ? AND completed <> " + k, q));
            assertEquals(0, count("""
                    SELECT count(*) FROM (SELECT item_id FROM lease WHERE queue_id = ? AND NOT extra
                     GROUP BY item_id HAVING count(*) > %d) over_k""".formatted(k), q), "no item beyond k");
            seen.forEach((reviewer, list) -> assertEquals(list.size(), list.stream().distinct().count(),
                    reviewer + " got an item twice"));
        }
    }
}
