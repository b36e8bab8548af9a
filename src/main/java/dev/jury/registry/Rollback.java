package dev.jury.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which registration a rollback undoes. The moves of the {@code registered} alias form a stack: a registration
 * pushes, a rollback pops the newest registration that no rollback has undone yet and moves the alias back to where
 * that registration found it. So repeated rollbacks walk back (v3 → v2 → v1) instead of flipping between the last
 * two versions, and a registration made after a rollback is undone first.
 */
public final class Rollback {

    /**
     * One move of the alias, as stored in {@code judge_alias_history}.
     *
     * @param from       the version before the move; {@code null} when the alias was first set
     * @param rollbackOf for a rollback, the id of the move it undid
     */
    public record Move(long id, Integer from, int to, Long rollbackOf) {
    }

    /** What a rollback would do: undo {@code undone}, moving the alias from {@code undone.to} back to {@code to}. */
    public record Plan(Move undone, int to) {
    }

    private Rollback() {
    }

    /**
     * @param newestFirst the alias's moves, newest first
     * @return the plan, or empty when there is nothing to roll back to (never registered, every registration
     * already undone, or the registration to undo was the first one, which found no version to go back to)
     */
    public static Optional<Plan> plan(List<Move> newestFirst) {
        Set<Long> undone = new HashSet<>();
        for (Move move : newestFirst) {
            if (move.rollbackOf() != null) {
                undone.add(move.rollbackOf());
                continue;
            }
            if (undone.contains(move.id())) {
                continue;
            }
            return move.from() == null ? Optional.empty() : Optional.of(new Plan(move, move.from()));
        }
        return Optional.empty();
    }

    /** Why {@link #plan} found nothing, in words an admin can act on. */
    public static String nothingToRollBack(String judge, List<Move> newestFirst) {
        if (newestFirst.isEmpty()) {
            return "Judge '" + judge + "' has never been registered, so there is nothing to roll back; register a "
                    + "version first.";
        }
        int current = newestFirst.get(0).to();
        return "Nothing to roll back to: version " + current + " of judge '" + judge + "' is the first registered "
                + "version still in the registry history (every later registration has been rolled back). Register "
                + "another version instead.";
    }
}
