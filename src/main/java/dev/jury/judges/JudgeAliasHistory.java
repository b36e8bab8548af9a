package dev.jury.judges;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.List;

/** One move of a judge alias: who moved it from which version ({@code null} when first set) to which, and when. */
@Entity
@Table(name = "judge_alias_history")
@Immutable
public class JudgeAliasHistory extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "judge_id")
    public Long judgeId;

    public String alias;

    @Column(name = "from_version")
    public Integer fromVersion;

    @Column(name = "to_version")
    public int toVersion;

    @Column(name = "set_by")
    public String setBy;

    @Column(name = "set_at")
    public Instant setAt;

    /** For a rollback: the earlier move it undoes; {@code null} for every other move. */
    @Column(name = "rollback_of")
    public Long rollbackOf;

    public boolean isRollback() {
        return rollbackOf != null;
    }

    static JudgeAliasHistory of(long judgeId, String alias, Integer fromVersion, int toVersion, String actor,
                                Instant at, Long rollbackOf) {
        var h = new JudgeAliasHistory();
        h.judgeId = judgeId;
        h.alias = alias;
        h.fromVersion = fromVersion;
        h.toVersion = toVersion;
        h.setBy = actor;
        h.setAt = at;
        h.rollbackOf = rollbackOf;
        return h;
    }

    /** The moves of one alias of a judge, newest first. */
    /**
     * The {@code limit} moves of one alias older than move {@code before} ({@code null} = from the newest), newest
     * first: a keyset read on the id.
     */
    public static List<JudgeAliasHistory> listBefore(long judgeId, String alias, Long before, int limit) {
        return find("judgeId = ?1 and alias = ?2 and id < ?3 order by id desc", judgeId, alias,
                before == null ? Long.MAX_VALUE : before).page(0, limit).list();
    }

    /** How many moves of one alias have an id of at least {@code from} (0: all of them). */
    public static long countFrom(long judgeId, String alias, long from) {
        return count("judgeId = ?1 and alias = ?2 and id >= ?3", judgeId, alias, from);
    }

    public static List<JudgeAliasHistory> listFor(long judgeId, String alias) {
        return list("judgeId = ?1 and alias = ?2 order by id desc", judgeId, alias);
    }
}
