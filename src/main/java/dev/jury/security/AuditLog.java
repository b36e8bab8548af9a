package dev.jury.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.List;

/**
 * The audit trail (operations.md "Audit"): who created or changed judges, rubrics, queues, registry aliases and
 * adjudications, and when. Call it inside the transaction that makes the change, so the event is stored exactly when
 * the change is.
 */
@ApplicationScoped
public class AuditLog {

    /** How many events a page shows by default. */
    public static final int PAGE = 50;

    static final int MAX_DETAIL = 4000;

    /**
     * Records one event in the caller's transaction (or a new one when there is none).
     *
     * @param actor      the username (or service client) that acted
     * @param action     {@code <thing>.<verb>}, e.g. {@code rubric.version_created}
     * @param targetType the kind of thing, e.g. {@code rubric}
     * @param targetId   which one, e.g. {@code demo/product_quality}
     * @param detail     a short human-readable description; cut to {@value #MAX_DETAIL} characters
     */
    @Transactional(TxType.REQUIRED)
    public AuditEvent record(String actor, String action, String targetType, String targetId, String detail) {
        String text = detail == null ? "" : detail;
        if (text.length() > MAX_DETAIL) {
            text = text.substring(0, MAX_DETAIL - 1) + "…";
        }
        var event = AuditEvent.of(actor == null || actor.isBlank() ? "unknown" : actor, action, targetType, targetId,
                text);
        event.persist();
        return event;
    }

    /** The newest {@code limit} events about one thing, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<AuditEvent> trail(String targetType, String targetId, int limit) {
        return AuditEvent.listFor(targetType, targetId, limit);
    }
}
