package dev.jury.judges;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A named judge of an experiment (MLflow's {@code make_judge} name). Its name is also the name of every assessment
 * given for it and of the rubric it answers from; its definition lives in immutable {@link JudgeVersion}s.
 *
 * <p>Same columns as {@link dev.jury.rubrics.Rubric}, kept apart on purpose (docs/architecture.md, "Look-alikes"):
 * Panache generates the static finders per entity, so a shared base would only share five field declarations, and
 * the two differ where it matters — a judge's lock also orders its alias moves, and which version is used is an
 * alias's choice ({@code latest}, {@code registered}), where a rubric's current version is simply its highest.
 */
@Entity
@Table(name = "judge")
public class Judge extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id", updatable = false)
    public Long experimentId;

    @Column(updatable = false)
    public String name;

    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(name = "created_at", updatable = false)
    public Instant createdAt;

    static Judge create(long experimentId, String name, String actor) {
        var judge = new Judge();
        judge.experimentId = experimentId;
        judge.name = name;
        judge.createdBy = actor;
        judge.createdAt = Instant.now();
        return judge;
    }

    public static Optional<Judge> findByName(long experimentId, String name) {
        return find("experimentId = ?1 and name = ?2", experimentId, name).firstResultOptional();
    }

    /**
     * The judge locked until the transaction ends ({@code SELECT … FOR UPDATE}): version numbers and alias moves of
     * one judge are made one at a time, so concurrent saves get consecutive versions instead of a key violation.
     */
    static Optional<Judge> findByNameForUpdate(long experimentId, String name) {
        return find("experimentId = ?1 and name = ?2", experimentId, name)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    static Judge lock(long id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public static List<Judge> listForExperiment(long experimentId) {
        return list("experimentId = ?1 order by name", experimentId);
    }
}
