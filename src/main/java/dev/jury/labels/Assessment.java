package dev.jury.labels;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.Session;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A label on a trace, as read. Append-only: rows are written only by {@link LabelWriter} (here through
 * {@link #supersede}); an edit is a new assessment that supersedes the old one, which only gets
 * {@code supersededBy} set. The current label of a source on a trace is its newest assessment that nothing
 * superseded — in SQL, a row of the view {@code current_assessment}.
 *
 * <p>Its header (id, name, author, time) looks like the judge and rubric entities' but shares no base with them:
 * an assessment is appended and superseded, never versioned, and belongs to {@code labels}, below both.
 */
@Entity
@Table(name = "assessment")
public class Assessment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "trace_id", updatable = false)
    public Long traceId;

    @Column(updatable = false)
    public String name;

    @Column(updatable = false)
    public String value;

    @Column(updatable = false)
    public String rationale;

    @Enumerated(EnumType.STRING)
    @Column(name = "source_type", updatable = false)
    public SourceType sourceType;

    @Column(name = "source_id", updatable = false)
    public String sourceId;

    @Column(name = "judge_version_id", updatable = false)
    public Long judgeVersionId;

    @Column(name = "rubric_version_id", updatable = false)
    public Long rubricVersionId;

    @Column(name = "queue_id", updatable = false)
    public Long queueId;

    @Column(updatable = false)
    public String error;

    @Column(name = "time_spent_ms", updatable = false)
    public Long timeSpentMs;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(updatable = false)
    public JsonNode metadata;

    @Column(updatable = false)
    public Long supersedes;

    @Column(name = "superseded_by")
    public Long supersededBy;

    @Column(updatable = false)
    public boolean valid;

    @Column(name = "created_at", updatable = false)
    public Instant createdAt;

    /** A new, valid label, not stored yet: store it with {@link #supersede}. */
    public static Assessment create(long traceId, String name, String value, String rationale, SourceType sourceType,
                                    String sourceId) {
        var a = new Assessment();
        a.traceId = traceId;
        a.name = name;
        a.value = value;
        a.rationale = rationale;
        a.sourceType = sourceType;
        a.sourceId = sourceId;
        a.valid = true;
        a.createdAt = Instant.now();
        return a;
    }

    /** A failed judge call: no value, the reason and (in metadata) the truncated raw answer. Never a valid label. */
    public static Assessment failed(long traceId, String name, String sourceId, String error) {
        var a = create(traceId, name, null, null, SourceType.LLM_JUDGE, sourceId);
        a.error = error;
        a.valid = false;
        return a;
    }

    /** The source's current label on the trace for this name, if any. */
    public static Optional<Assessment> findCurrentLabel(long traceId, String name, String sourceId) {
        return find("traceId = ?1 and name = ?2 and sourceId = ?3 and supersededBy is null order by id desc",
                traceId, name, sourceId).firstResultOptional();
    }

    /** Every assessment of a trace, oldest first, superseded ones included (the history). */
    public static List<Assessment> listForTrace(long traceId) {
        return list("traceId = ?1 order by id", traceId);
    }

    /**
     * Stores {@code replacement} as its source's new current label through {@link LabelWriter#replaceCurrent}, on
     * this transaction's connection: the previous current label (if any) is marked superseded, and nothing is
     * deleted or rewritten. Sets the replacement's {@code id} and {@code supersedes}; it is not a managed entity
     * afterwards (read it again to follow changes). Call inside a transaction.
     */
    public static Assessment supersede(Assessment replacement) {
        var label = new NewLabel(replacement.traceId, replacement.name, replacement.value, replacement.rationale,
                replacement.sourceType, replacement.sourceId, replacement.judgeVersionId, replacement.rubricVersionId,
                replacement.queueId, replacement.error, replacement.timeSpentMs, replacement.valid,
                replacement.createdAt, replacement.metadata == null ? null : replacement.metadata.toString(), null);
        var session = getEntityManager().unwrap(Session.class);
        session.flush(); // the writer's lookup of the current label must see what this transaction already changed
        var stored = session.doReturningWork(c -> LabelWriter.replaceCurrent(c, label));
        replacement.id = stored.id();
        replacement.supersedes = stored.superseded();
        return replacement;
    }

    /** The judge's newest current, valid verdict of this name on the trace, if any. */
    public static Optional<Assessment> findCurrentVerdict(long traceId, String name) {
        return find("""
                traceId = ?1 and name = ?2 and sourceType = ?3 and valid = true and supersededBy is null
                order by id desc""", traceId, name, SourceType.LLM_JUDGE).firstResultOptional();
    }

    public boolean isSuperseded() {
        return supersededBy != null;
    }
}
