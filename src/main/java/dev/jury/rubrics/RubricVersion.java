package dev.jury.rubrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One immutable version of a rubric: what every label given under it and every judge version made with it answers
 * from. Made only by {@link #of}; a change is a new version.
 *
 * <p>Shaped like {@code judges.JudgeVersion} but apart from it: a rubric version is identified by its content
 * ({@link #fingerprint}: saving the same content again makes no version), a judge version by its lineage.
 */
@Entity
@Table(name = "rubric_version")
@Immutable
public class RubricVersion extends PanacheEntityBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "rubric_id")
    public Rubric rubric;

    public int version;

    @Enumerated(EnumType.STRING)
    public RubricKind kind;

    /** The ordered levels, each {@code {value, label, definition, negative}}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode levels;

    public String guidelines;

    @Column(name = "rationale_required")
    public boolean rationaleRequired;

    @Column(name = "min_rationale_length")
    public int minRationaleLength;

    @Column(name = "pass_threshold")
    public BigDecimal passThreshold;

    public String fingerprint;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    /** A new version of {@code rubric} holding {@code spec}, which must already be normalised and valid. */
    public static RubricVersion of(Rubric rubric, int version, RubricSpec spec, String actor) {
        var v = new RubricVersion();
        v.rubric = rubric;
        v.version = version;
        v.kind = spec.kind();
        v.levels = JSON.valueToTree(spec.levels());
        v.guidelines = spec.guidelines();
        v.rationaleRequired = spec.rationaleRequired();
        v.minRationaleLength = spec.minRationaleLength();
        v.passThreshold = spec.passThreshold();
        v.fingerprint = RubricFingerprint.of(spec);
        v.createdBy = actor;
        v.createdAt = Instant.now();
        return v;
    }

    /** The content as the pure rubric classes take it. */
    public RubricSpec spec() {
        List<RubricLevel> list = new ArrayList<>();
        for (JsonNode level : levels) {
            try {
                list.add(JSON.treeToValue(level, RubricLevel.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("rubric_version " + id + " has an unreadable level: " + level, e);
            }
        }
        return new RubricSpec(kind, list, guidelines, rationaleRequired, minRationaleLength, passThreshold);
    }

    /** {@code categorical}, {@code boolean} or {@code numeric}: how the API and the pages spell the kind. */
    public String kindName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The pass threshold in plain notation ({@code 3}, {@code 2.5}), empty when there is none. */
    public String passThresholdText() {
        return passThreshold == null ? "" : passThreshold.stripTrailingZeros().toPlainString();
    }

    public List<String> allowedValues() {
        return RubricValues.allowedValues(spec());
    }

    public static Optional<RubricVersion> findCurrent(long rubricId) {
        return find("rubric.id = ?1 order by version desc", rubricId).firstResultOptional();
    }

    public static Optional<RubricVersion> findVersion(long rubricId, int version) {
        return find("rubric.id = ?1 and version = ?2", rubricId, version).firstResultOptional();
    }

    /** All versions of a rubric, newest first. */
    public static List<RubricVersion> listVersions(long rubricId) {
        return list("rubric.id = ?1 order by version desc", rubricId);
    }
}
