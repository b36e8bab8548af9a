package dev.jury.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A person seen through OIDC. Rows are written by {@link ReviewerDirectory}, never by hand. */
@Entity
@Table(name = "reviewer")
public class Reviewer extends PanacheEntityBase {

    @Id
    public String subject;

    public String username;

    public String name;

    public String email;

    @Column(name = "first_seen")
    public Instant firstSeen;

    @Column(name = "last_seen")
    public Instant lastSeen;

    public static Optional<Reviewer> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public static List<Reviewer> listByUsername() {
        return list("order by username");
    }
}
