package dev.jury.judges.run;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The LLM calls one run may have in flight on this replica, shared by every worker of the replica that works the
 * run (the run's own job and any of its helper jobs that landed here). Without it each worker kept
 * {@code run-concurrency} calls waiting, so a replica running the run and three helpers queued four times the calls
 * on the provider's limit: more threads, smaller verdict batches, and at concurrency 128 a third less throughput
 * for half again the CPU per trace (docs/performance.md, "At concurrency 128"). Helpers add throughput where they
 * should — on other replicas, each with its own slots; one that lands on a replica working the run already finds it
 * here ({@link #acquireIfUnworked}) and hands itself back for another replica.
 */
final class ReplicaRunSlots {

    /** One run's slots and how many workers of this replica hold them. */
    private static final class Entry {
        final Semaphore slots;
        int users;

        Entry(int permits) {
            this.slots = new Semaphore(permits);
        }
    }

    private static final Map<Long, Entry> BY_RUN = new HashMap<>();

    private ReplicaRunSlots() {
    }

    /** The run's slots on this replica, created with {@code permits} by its first worker here; pair with {@link #release}. */
    static synchronized Semaphore acquire(long runJobId, int permits) {
        Entry entry = BY_RUN.computeIfAbsent(runJobId, id -> new Entry(permits));
        entry.users++;
        return entry.slots;
    }

    /** Like {@link #acquire}, but only for the first worker of the run here: {@code null} when the run is worked. */
    static synchronized Semaphore acquireIfUnworked(long runJobId, int permits) {
        return BY_RUN.containsKey(runJobId) ? null : acquire(runJobId, permits);
    }

    /** The worker is done with the run; the last one here drops its slots. */
    static synchronized void release(long runJobId) {
        Entry entry = BY_RUN.get(runJobId);
        if (entry != null && --entry.users == 0) {
            BY_RUN.remove(runJobId);
        }
    }

    /** Runs with slots on this replica (tests). */
    static synchronized int runs() {
        return BY_RUN.size();
    }
}
