package dev.jury.rubrics;

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
 * A named rubric of an experiment. Its name is the judge's name and the name of every assessment given under it;
 * its content lives in immutable {@link RubricVersion}s, the highest being the current one.
 *
 * <p>Looks like {@code judges.Judge} and stays apart (docs/architecture.md, "Look-alikes"): a base class would
 * share only the column declarations (Panache's static finders are generated per entity), and a judge picks its
 * version through aliases while a rubric's current version is its highest.
 */
@Entity
@Table(name = "rubric")
public class Rubric extends PanacheEntityBase {

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

    static Rubric create(long experimentId, String name, String actor) {
        var rubric = new Rubric();
        rubric.experimentId = experimentId;
        rubric.name = name;
        rubric.createdBy = actor;
        rubric.createdAt = Instant.now();
        return rubric;
    }

    public static Optional<Rubric> findByName(long experimentId, String name) {
        return find("experimentId = ?1 and name = ?2", experimentId, name).firstResultOptional();
    }

    /**
     * The rubric locked against concurrent version creation until the transaction ends ({@code SELECT … FOR
     * UPDATE}), so two editors saving at once get versions n+1 and n+2, never a unique-key failure.
     */
    static Optional<Rubric> findByNameForUpdate(long experimentId, String name) {
        return find("experimentId = ?1 and name = ?2", experimentId, name)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static List<Rubric> listForExperiment(long experimentId) {
        return list("experimentId = ?1 order by name", experimentId);
    }

    /** The current (highest) version; every stored rubric has at least version 1. */
    public RubricVersion current() {
        return RubricVersion.findCurrent(id).orElseThrow(
                () -> new IllegalStateException("rubric " + id + " has no version"));
    }
}
