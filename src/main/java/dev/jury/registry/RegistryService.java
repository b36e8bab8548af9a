package dev.jury.registry;

import dev.jury.experiments.Experiment;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeAlias;
import dev.jury.judges.JudgeAliasHistory;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry of judge versions: registering moves the {@code registered} alias (the version production uses),
 * rolling back undoes the newest registration not yet undone ({@link Rollback}), and the history of both is kept in
 * {@code judge_alias_history} and the audit trail (through {@link JudgeService#moveAlias}). Also resolves a judge
 * name across experiments for the public API.
 */
@ApplicationScoped
@Transactional
public class RegistryService {

    @Inject
    JudgeService judges;

    /** One move of the {@code registered} alias. */
    public record Entry(long id, String alias, Integer fromVersion, int toVersion, String by, Instant at,
                        boolean rollback) {

        static Entry of(JudgeAliasHistory h) {
            return new Entry(h.id, h.alias, h.fromVersion, h.toVersion, h.setBy, h.setAt, h.isRollback());
        }
    }

    /**
     * The outcome of a register or rollback request.
     *
     * @param moved false when the version asked for was already registered (nothing recorded)
     */
    public record Result(String judge, String experiment, Integer fromVersion, int registeredVersion,
                         boolean moved) {
    }

    /**
     * Points {@code registered} at version {@code version}.
     *
     * @throws ProblemException 404 naming the experiment, judge or version that does not exist
     */
    public Result register(String experiment, String name, int version, String actor) {
        Judge judge = lock(experiment, name);
        Integer from = current(judge);
        judges.moveAlias(experiment, name, JudgeAlias.REGISTERED, version, actor);
        return new Result(name, experiment, from, version, from == null || from != version);
    }

    /**
     * Moves {@code registered} back to where the newest registration not yet rolled back found it.
     *
     * @throws ProblemException 404 for an unknown judge; 409 when there is nothing to roll back to
     */
    public Result rollback(String experiment, String name, String actor) {
        Judge judge = lock(experiment, name);
        List<Rollback.Move> moves = moves(judge);
        Rollback.Plan plan = Rollback.plan(moves)
                .orElseThrow(() -> ProblemException.conflict(Rollback.nothingToRollBack(name, moves)));
        Integer from = current(judge);
        if (from == null || from != plan.undone().to()) {
            // Only the registry moves this alias, so this means someone edited the table by hand.
            throw ProblemException.conflict("The registered alias of judge '" + name + "' points at version " + from
                    + ", not at version " + plan.undone().to() + " as its history says; register a version "
                    + "explicitly.");
        }
        judges.moveAlias(experiment, name, JudgeAlias.REGISTERED, plan.to(), actor, plan.undone().id());
        return new Result(name, experiment, from, plan.to(), true);
    }

    /** What a rollback would do now, for the confirmation page; empty when there is nothing to roll back to. */
    @Transactional(TxType.SUPPORTS)
    public Optional<Rollback.Plan> rollbackPlan(String experiment, String name) {
        return Rollback.plan(moves(judges.judge(experiment, name)));
    }

    /** Why a rollback is impossible now (for the confirmation page), or {@code null} when it is possible. */
    @Transactional(TxType.SUPPORTS)
    public String rollbackRefusal(String experiment, String name) {
        List<Rollback.Move> moves = moves(judges.judge(experiment, name));
        return Rollback.plan(moves).isPresent() ? null : Rollback.nothingToRollBack(name, moves);
    }

    /** Every move of the {@code registered} alias, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<Entry> history(String experiment, String name) {
        Judge judge = judges.judge(experiment, name);
        return JudgeAliasHistory.listFor(judge.id, JudgeAlias.REGISTERED).stream().map(Entry::of).toList();
    }

    /** The registered version number, or {@code null}. */
    @Transactional(TxType.SUPPORTS)
    public Integer registeredVersion(String experiment, String name) {
        return current(judges.judge(experiment, name));
    }

    // ---- the public API: judges by name across experiments --------------------------------------------------------

    /**
     * The experiment of the judge called {@code name}: {@code experiment} when given (404 when it has no such
     * judge), else the only experiment with a judge of that name.
     *
     * @throws ProblemException 404 when no experiment has the judge; 409 listing the experiments when several do
     */
    @Transactional(TxType.SUPPORTS)
    public String experimentOf(String name, String experiment) {
        if (experiment != null && !experiment.isBlank()) {
            judges.judge(experiment.strip(), name); // 404 naming the experiment or the judge
            return experiment.strip();
        }
        List<String> experiments = Experiment.<Experiment>list(
                        "id in (select j.experimentId from Judge j where j.name = ?1) order by name", name)
                .stream().map(e -> e.name).toList();
        if (experiments.isEmpty()) {
            throw ProblemException.notFound("No judge named '" + abbreviate(name) + "' in any experiment.");
        }
        if (experiments.size() > 1) {
            throw new ProblemException(409, "Ambiguous judge name", "Judge '" + name + "' exists in "
                    + experiments.size() + " experiments (" + String.join(", ", experiments) + "); add "
                    + "?experiment=NAME, or use /api/v1/experiments/{exp}/judges/" + name + ".", List.of(),
                    java.util.Map.of("experiments", experiments));
        }
        return experiments.get(0);
    }

    /** The latest version of every judge of every experiment, by experiment then name. */
    @Transactional(TxType.SUPPORTS)
    public List<JudgeVersion> latestOfAll() {
        return JudgeVersion.list("select v from JudgeVersion v join fetch v.judge j join fetch v.rubricVersion, Experiment e"
                + " where e.id = j.experimentId and v.version = (select a.version from JudgeAlias a"
                + " where a.judgeId = j.id and a.alias = ?1) order by e.name, j.name", JudgeAlias.LATEST);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Judge lock(String experiment, String name) {
        Judge judge = judges.judge(experiment, name);
        // One registry change of a judge at a time: two rollbacks at once must not both undo the same move.
        return Judge.findById(judge.id, LockModeType.PESSIMISTIC_WRITE);
    }

    private static Integer current(Judge judge) {
        return JudgeAlias.findFor(judge.id, JudgeAlias.REGISTERED).map(a -> a.version).orElse(null);
    }

    private static List<Rollback.Move> moves(Judge judge) {
        return JudgeAliasHistory.listFor(judge.id, JudgeAlias.REGISTERED).stream()
                .map(h -> new Rollback.Move(h.id, h.fromVersion, h.toVersion, h.rollbackOf)).toList();
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
