package dev.jury.production;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.jury.testenv.Db.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exactly-once machinery of online scoring on the real database: concurrent claims, a dead worker's claim taken
 * over, the verdict uniqueness, and discovery (sample, filter, cursor, a trace committed late). The queue is
 * driven by hand here on settings rows that are off, so the scheduler leaves them alone.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ScoringQueueTest {

    @Inject
    ScoringQueue queue;

    @Inject
    OnlineScoringWorld worlds;

    @Inject
    AgroalDataSource dataSource;

    private static List<ScoringQueue.Outcome> yes(List<Long> traces) {
        return traces.stream().map(t -> ScoringQueue.Outcome.verdict(t, "yes", "fine")).toList();
    }

    private static List<Long> ids(List<ScoringQueue.Claimed> claimed) {
        return claimed.stream().map(ScoringQueue.Claimed::traceId).toList();
    }

    @Test
    void twoWorkersClaimingAtOnceNeverTakeTheSameTraceAndEachTraceGetsOneVerdict() throws Exception {
        var w = worlds.create(0);
        long config = worlds.config(w, false, 1.0, "", 0);
        List<Long> traces = worlds.traces(w, 300, Map.of());
        worlds.items(config, traces);
        long v1 = worlds.versionId(w, 1);
        var scorer = new ScoringQueue.Scorer(v1, "correct", "judge:correct@v1",
                count(dataSource, "SELECT rubric_version_id FROM judge_version WHERE id = ?", v1));

        var barrier = new CyclicBarrier(2);
        var pool = Executors.newFixedThreadPool(2);
        List<Future<List<Long>>> workers = new ArrayList<>();
        for (int worker = 0; worker < 2; worker++) {
            workers.add(pool.submit(() -> {
                var mine = new ArrayList<Long>();
                barrier.await();
                while (true) {
                    UUID token = UUID.randomUUID();
                    List<Long> claimed = ids(queue.claim(config, v1, token, 7));
                    if (claimed.isEmpty()) {
                        return mine;
                    }
                    List<Long> stored = queue.complete(config, token, scorer, yes(claimed), "{\"via\": \"test\"}");
                    assertEquals(claimed, stored, "a fresh claim is ours to complete");
                    mine.addAll(claimed);
                }
            }));
        }
        List<Long> a = workers.get(0).get();
        List<Long> b = workers.get(1).get();
        pool.shutdown();
        Set<Long> overlap = new HashSet<>(a);
        overlap.retainAll(b);
        assertTrue(overlap.isEmpty(), "claimed by both workers: " + overlap);
        assertTrue(!a.isEmpty() && !b.isEmpty(), "both workers got work: " + a.size() + " / " + b.size());
        assertEquals(new HashSet<>(traces), new HashSet<>(a) {{ addAll(b); }});
        Map<Long, Long> verdicts = worlds.verdicts(w, 1);
        assertEquals(300, verdicts.size());
        assertTrue(verdicts.values().stream().allMatch(n -> n == 1), "one valid verdict per trace");
        assertEquals(300, count(dataSource, "SELECT count(*) FROM online_scoring_item WHERE config_id = ? "
                + "AND status = 'DONE' AND judge_version_id = ?", config, v1));
    }

    @Test
    void aDeadWorkersClaimIsTakenOverAndOnlyTheNewHolderStoresTheVerdict() throws Exception {
        var w = worlds.create(0);
        long config = worlds.config(w, false, 1.0, "", 0);
        List<Long> traces = worlds.traces(w, 10, Map.of());
        worlds.items(config, traces);
        long v1 = worlds.versionId(w, 1);
        var scorer = new ScoringQueue.Scorer(v1, "correct", "judge:correct@v1",
                count(dataSource, "SELECT rubric_version_id FROM judge_version WHERE id = ?", v1));

        // worker A claims everything and "dies" (no completion); its claim is fresh, so nobody else gets it
        UUID dead = UUID.randomUUID();
        assertEquals(traces, ids(queue.claim(config, v1, dead, 100)));
        assertEquals(List.of(), queue.claim(config, v1, UUID.randomUUID(), 100));

        // past the claim timeout another worker takes the traces over
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE online_scoring_item SET claimed_at = now() - INTERVAL '1 hour' WHERE config_id = ?")) {
            s.setLong(1, config);
            s.executeUpdate();
        }
        UUID heir = UUID.randomUUID();
        assertEquals(traces, ids(queue.claim(config, v1, heir, 100)));
        // A was only slow: its late completion is refused, so it stores nothing
        assertEquals(List.of(), queue.complete(config, dead, scorer, yes(traces), "{}"));
        assertEquals(Map.of(), worlds.verdicts(w, 1));
        assertEquals(traces, queue.complete(config, heir, scorer, yes(traces), "{}"));
        // completing twice changes nothing
        assertEquals(List.of(), queue.complete(config, heir, scorer, yes(traces), "{}"));
        assertEquals(10, worlds.verdicts(w, 1).size());
        assertTrue(worlds.verdicts(w, 1).values().stream().allMatch(n -> n == 1));

        // a job restart gives back every claim of the config at once (releaseAll), without waiting for the timeout
        List<Long> more = worlds.traces(w, 4, Map.of());
        worlds.items(config, more);
        UUID stopped = UUID.randomUUID();
        assertEquals(more, ids(queue.claim(config, v1, stopped, 100)));
        assertEquals(4, queue.releaseAll(config));
        UUID resumed = UUID.randomUUID();
        assertEquals(more, ids(queue.claim(config, v1, resumed, 100)));
        assertEquals(List.of(), queue.complete(config, stopped, scorer, yes(more), "{}"));
        assertEquals(more, queue.complete(config, resumed, scorer, yes(more), "{}"));
        assertEquals(14, worlds.verdicts(w, 1).size());
    }

    @Test
    void evenAClaimThatStoresAgainCannotAddASecondVerdictOfTheSameVersion() throws Exception {
        var w = worlds.create(0);
        long config = worlds.config(w, false, 1.0, "", 0);
        List<Long> traces = worlds.traces(w, 3, Map.of());
        worlds.items(config, traces);
        long v1 = worlds.versionId(w, 1);
        var scorer = new ScoringQueue.Scorer(v1, "correct", "judge:correct@v1",
                count(dataSource, "SELECT rubric_version_id FROM judge_version WHERE id = ?", v1));
        UUID first = UUID.randomUUID();
        queue.claim(config, v1, first, 100);
        assertEquals(traces, queue.complete(config, first, scorer, yes(traces), "{}"));
        // force the rows back to PENDING, as if the DONE mark had been lost: the assessment index still holds
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE online_scoring_item SET status = 'PENDING', finished_at = NULL WHERE config_id = ?")) {
            s.setLong(1, config);
            s.executeUpdate();
        }
        UUID second = UUID.randomUUID();
        queue.claim(config, v1, second, 100);
        queue.complete(config, second, scorer, yes(traces), "{}");
        assertTrue(worlds.verdicts(w, 1).values().stream().allMatch(n -> n == 1), "" + worlds.verdicts(w, 1));
        // and the (trace, version) index refuses a second sampled row of the same trace and version
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO online_scoring_item (config_id, trace_id, judge_version_id)
                VALUES ((SELECT id FROM online_scoring WHERE judge_id = ?) , ?, ?)""")) {
            s.setLong(1, w.judgeId());
            s.setLong(2, traces.get(0));
            s.setLong(3, v1);
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, s::executeUpdate);
            assertEquals("23505", e.getSQLState());
        }
    }

    @Test
    void discoveryTakesTheSampleThatPassesTheFilterAndAdvancesOnlyOverSettledTraces() throws Exception {
        var w = worlds.create(0);
        List<Long> before = worlds.traces(w, 5, Map.of("env", "prod"));
        long config = worlds.config(w, true, 0.5, "tags.env = 'prod'", before.get(before.size() - 1));
        List<Long> prod = worlds.traces(w, 200, Map.of("env", "prod"));
        List<Long> dev = worlds.traces(w, 50, Map.of("env", "dev"));
        var expected = new java.util.TreeSet<Long>();
        for (long t : prod) {
            if (Sampler.sampled(t, w.judgeId(), 0.5)) {
                expected.add(t);
            }
        }
        assertTrue(expected.size() > 60 && expected.size() < 140, "about half: " + expected.size());
        // the setting is on, so the scheduler and a scoring job discover too: whoever holds the row lock does it
        // (the others skip), and every look must agree with the expected sample
        awaitDiscovered(config, () -> sampledTraces(config).equals(expected), expected);
        queue.discover(config); // a second look adds nothing
        assertEquals(expected, sampledTraces(config));
        // the traces are seconds old, younger than the settle time: the cursor waits
        assertEquals(before.get(4), cursor(config));
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE trace SET created_at = now() - INTERVAL '1 hour' WHERE experiment_id = ?")) {
            s.setLong(1, w.experimentId());
            s.executeUpdate();
        }
        awaitDiscovered(config, () -> cursor(config) == dev.get(dev.size() - 1), expected);
        assertEquals(expected, sampledTraces(config));
    }

    @Test
    void aTraceWhoseIngestCommitsAfterANewerOneIsStillFound() throws Exception {
        var w = worlds.create(0);
        long config = worlds.config(w, true, 1.0, "", 0);
        long early;
        long later;
        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            try (var s = slow.prepareStatement("""
                    INSERT INTO trace (experiment_id, inputs, outputs) VALUES (?, '{}', '"slow"') RETURNING id""")) {
                s.setLong(1, w.experimentId());
                var rs = s.executeQuery();
                rs.next();
                early = rs.getLong(1);
            }
            later = worlds.traces(w, 1, Map.of()).get(0);
            assertTrue(later > early);
            awaitDiscovered(config, () -> sampledTraces(config).contains(later), Set.of(later));
            assertEquals(Set.of(later), sampledTraces(config));
            slow.commit();
        }
        awaitDiscovered(config, () -> sampledTraces(config).contains(early), Set.of(early, later));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Looks (discover) until {@code done}; at every step nothing outside {@code allowed} may have been sampled. */
    private void awaitDiscovered(long config, Check done, Set<Long> allowed) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            queue.discover(config);
            Set<Long> sampled = sampledTraces(config);
            assertTrue(allowed.containsAll(sampled), "sampled outside the expected set: " + sampled);
            if (done.holds()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("discovery did not finish; sampled " + sampled);
            }
            Thread.sleep(100);
        }
    }

    private Set<Long> sampledTraces(long config) throws Exception {
        var ids = new java.util.TreeSet<Long>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT trace_id FROM online_scoring_item WHERE config_id = ?")) {
            s.setLong(1, config);
            var rs = s.executeQuery();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private long cursor(long config) throws Exception {
        return count(dataSource, "SELECT cursor_trace_id FROM online_scoring WHERE id = ?", config);
    }
}
