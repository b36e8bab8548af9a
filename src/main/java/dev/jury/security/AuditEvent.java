package dev.jury.security;

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

/** One line of the audit trail: who did what to which thing, when. Written once by {@link AuditLog}, never changed. */
@Entity
@Table(name = "audit_event")
@Immutable
public class AuditEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String actor;

    /** What happened, as {@code <thing>.<verb>}: {@code rubric.version_created}, {@code judge.created}, … */
    public String action;

    /** The kind of thing acted on: {@code rubric}, {@code judge}, {@code experiment}, … */
    @Column(name = "target_type")
    public String targetType;

    /** Which one, e.g. {@code demo/product_quality} (experiment/name). */
    @Column(name = "target_id")
    public String targetId;

    public String detail;

    @Column(name = "created_at")
    public Instant createdAt;

    static AuditEvent of(String actor, String action, String targetType, String targetId, String detail) {
        var event = new AuditEvent();
        event.actor = actor;
        event.action = action;
        event.targetType = targetType;
        event.targetId = targetId;
        event.detail = detail == null ? "" : detail;
        event.createdAt = Instant.now();
        return event;
    }

    /** The newest {@code limit} events about one thing, newest first. */
    /**
     * The {@code limit} events about one thing that come after event {@code before} in the trail's order (newest
     * first, by time then id): a keyset read on {@code audit_event_target_idx}.
     */
    public static List<AuditEvent> listAfter(String targetType, String targetId, AuditEvent before, int limit) {
        return find("targetType = ?1 and targetId = ?2 and (createdAt < ?3 or (createdAt = ?3 and id < ?4)) "
                + "order by createdAt desc, id desc", targetType, targetId, before.createdAt, before.id)
                .page(0, limit).list();
    }

    /** How many events there are about one thing. */
    public static long countFor(String targetType, String targetId) {
        return count("targetType = ?1 and targetId = ?2", targetType, targetId);
    }

    /** How many events about one thing come before {@code event} in the trail's order, and it itself. */
    public static long countThrough(String targetType, String targetId, AuditEvent event) {
        return count("targetType = ?1 and targetId = ?2 and (createdAt > ?3 or (createdAt = ?3 and id >= ?4))",
                targetType, targetId, event.createdAt, event.id);
    }

    public static List<AuditEvent> listFor(String targetType, String targetId, int limit) {
        return find("targetType = ?1 and targetId = ?2 order by createdAt desc, id desc", targetType, targetId)
                .page(0, limit).list();
    }
}
