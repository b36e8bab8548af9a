package dev.jury.agreement.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdHorizonTest {

    static final long SECOND = 1_000_000_000L;

    static IdHorizon.Sample at(double seconds, long maxId, long xmin, long xmax) {
        return new IdHorizon.Sample((long) (seconds * SECOND), maxId, xmin, xmax);
    }

    @Test
    void nothingSettlesBeforeTheSettleDelayHasPassed() {
        var horizon = new IdHorizon(2 * SECOND);
        assertEquals(-1, horizon.observe(at(0, 100, 50, 60)));
        // Nothing running any more (xmin = xmax), but only 1 s later: a transaction that took id ≤ 100 just
        // before the first sample may not have its xid yet.
        assertEquals(-1, horizon.observe(at(1, 120, 70, 70)));
        // 2 s after the first sample, with nothing running: it settles.
        assertEquals(100, horizon.observe(at(2, 130, 80, 80)));
    }

    @Test
    void aTransactionRunningAtTheLaterSampleHoldsTheHorizonBackUntilItEnds() {
        var horizon = new IdHorizon(2 * SECOND);
        horizon.observe(at(0, 100, 50, 60));
        // 2 s later xid 55 (which may hold an id below 100) is still running; this sample's xmax is 65.
        assertEquals(-1, horizon.observe(at(2, 110, 55, 65)));
        assertEquals(-1, horizon.observe(at(3, 115, 55, 66)));
        // xid 55 ended but 64 (started before the 2 s sample, so possibly also holding an id ≤ 100) still runs.
        assertEquals(-1, horizon.observe(at(4, 118, 64, 70)));
        // Everything below 65 has ended: 100 settles. The 2 s sample (110) needs a partner at ≥ 4 s: xmax 70.
        assertEquals(100, horizon.observe(at(5, 120, 65, 72)));
        assertEquals(110, horizon.observe(at(6, 125, 70, 72)));
    }

    @Test
    void theHorizonNeverMovesBackAndSamplesStayBounded() {
        var horizon = new IdHorizon(0);
        long settled = -1;
        for (int i = 0; i < 10 * IdHorizon.MAX_SAMPLES; i++) {
            // xmin stuck at 1: nothing settles, samples are capped
            settled = horizon.observe(at(i, 1000 + i, 1, 2 + i));
        }
        assertEquals(-1, settled);
        long newest = 1000 + 10 * IdHorizon.MAX_SAMPLES;
        // Everything ended: the kept samples settle (the newest of them, 1 below this sample's max id).
        assertEquals(newest - 1, horizon.observe(at(1e6, newest, 1_000_000, 1_000_000)));
        assertEquals(newest, horizon.observe(at(1e6 + 1, 5, 1_000_001, 1_000_001)));
        assertEquals(newest, horizon.observe(at(1e6 + 2, 5, 1_000_002, 1_000_002)), "a smaller max id never lowers it");
    }
}
