package dev.jury.judges;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named pointer to a version of a judge: {@value #LATEST} follows every new version; {@value #REGISTERED} is the
 * version production uses, moved only by registering. Every move is kept in {@link JudgeAliasHistory}.
 */
@Entity
@Table(name = "judge_alias")
@IdClass(JudgeAlias.Key.class)
public class JudgeAlias extends PanacheEntityBase {

    public static final String LATEST = "latest";
    public static final String REGISTERED = "registered";
    public static final List<String> ALL = List.of(LATEST, REGISTERED);

    @Id
    @Column(name = "judge_id")
    public Long judgeId;

    @Id
    public String alias;

    public int version;

    @Column(name = "set_by")
    public String setBy;

    @Column(name = "set_at")
    public Instant setAt;

    public static Optional<JudgeAlias> findFor(long judgeId, String alias) {
        return find("judgeId = ?1 and alias = ?2", judgeId, alias).firstResultOptional();
    }

    /** Every alias of a judge. */
    public static List<JudgeAlias> listFor(long judgeId) {
        return list("judgeId = ?1 order by alias", judgeId);
    }

    /** The composite key (judge, alias). */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;

        public Long judgeId;
        public String alias;

        public Key() {
        }

        public Key(Long judgeId, String alias) {
            this.judgeId = judgeId;
            this.alias = alias;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(judgeId, k.judgeId) && Objects.equals(alias, k.alias);
        }

        @Override
        public int hashCode() {
            return Objects.hash(judgeId, alias);
        }
    }
}
