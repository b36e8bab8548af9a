package dev.jury.judges.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ReplicaRunSlotsTest {

    @Test
    void workersOfOneRunOnThisReplicaShareItsSlotsAndTheLastOneDropsThem() {
        int before = ReplicaRunSlots.runs();
        var first = ReplicaRunSlots.acquire(-101, 4);
        var helper = ReplicaRunSlots.acquire(-101, 4);
        var otherRun = ReplicaRunSlots.acquire(-102, 4);
        assertSame(first, helper, "the run's job and its helper here share one limit");
        assertNotSame(first, otherRun, "another run has its own");
        assertNull(ReplicaRunSlots.acquireIfUnworked(-101, 4), "a helper finds the run worked here");
        first.acquireUninterruptibly(3);
        assertEquals(1, helper.availablePermits(), "what one worker holds, the other cannot take");
        first.release(3);

        ReplicaRunSlots.release(-101);
        assertSame(first, ReplicaRunSlots.acquire(-101, 4), "still held by the helper");
        ReplicaRunSlots.release(-101);
        ReplicaRunSlots.release(-101);
        ReplicaRunSlots.release(-102);
        assertEquals(before, ReplicaRunSlots.runs(), "nothing left behind");
        var later = ReplicaRunSlots.acquireIfUnworked(-101, 4);
        assertNotNull(later, "a helper of a run no worker here works takes its slots");
        assertNotSame(first, later, "a later run starts afresh");
        ReplicaRunSlots.release(-101);
        assertEquals(before, ReplicaRunSlots.runs());
    }
}
