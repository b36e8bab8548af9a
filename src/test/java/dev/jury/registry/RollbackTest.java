package dev.jury.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollbackTest {

    private static Rollback.Move move(long id, Integer from, int to) {
        return new Rollback.Move(id, from, to, null);
    }

    private static Rollback.Move undo(long id, int from, int to, long of) {
        return new Rollback.Move(id, from, to, of);
    }

    @Test
    void nothingToRollBackBeforeTheFirstRegistrationOrAfterIt() {
        assertTrue(Rollback.plan(List.of()).isEmpty());
        assertTrue(Rollback.plan(List.of(move(1, null, 1))).isEmpty());
        assertTrue(Rollback.nothingToRollBack("q", List.of()).contains("never been registered"));
        assertTrue(Rollback.nothingToRollBack("q", List.of(move(1, null, 1))).contains("version 1"));
    }

    @Test
    void undoesTheNewestRegistrationThenWalksFurtherBack() {
        var history = List.of(move(3, 2, 3), move(2, 1, 2), move(1, null, 1)); // newest first
        var first = Rollback.plan(history).orElseThrow();
        assertEquals(3, first.undone().id());
        assertEquals(2, first.to());
        var afterOne = List.of(undo(4, 3, 2, 3), move(3, 2, 3), move(2, 1, 2), move(1, null, 1));
        var second = Rollback.plan(afterOne).orElseThrow();
        assertEquals(2, second.undone().id(), "not a flip back to 3");
        assertEquals(1, second.to());
        var afterTwo = List.of(undo(5, 2, 1, 2), undo(4, 3, 2, 3), move(3, 2, 3), move(2, 1, 2), move(1, null, 1));
        assertTrue(Rollback.plan(afterTwo).isEmpty());
    }

    @Test
    void aRegistrationAfterARollbackIsUndoneFirst() {
        var history = List.of(move(4, 1, 3), undo(3, 2, 1, 2), move(2, 1, 2), move(1, null, 1));
        var plan = Rollback.plan(history).orElseThrow();
        assertEquals(4, plan.undone().id());
        assertEquals(1, plan.to());
    }
}
