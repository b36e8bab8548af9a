package dev.jury.experiments;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A workspace grouping traces, judges, rubrics and queues (MLflow's experiment). */
@Entity
@Table(name = "experiment")
public class Experiment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public String description;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    public static Optional<Experiment> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static List<Experiment> listByName() {
        return list("order by name");
    }
}
