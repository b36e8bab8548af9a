package dev.jury.security;

import dev.jury.web.ListPage;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The audit trail (operations.md "Audit"): who created or changed judges, rubrics, queues, registry aliases and
 * adjudications, and when. Call it inside the transaction that makes the change, so the event is stored exactly when
 * the change is.
 */
@ApplicationScoped
public class AuditLog {

    /** How many events a page shows at a time. */
    public static final int PAGE = ListPage.SIZE;

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

    /**
     * One page of the trail about one thing, newest first, for a page's audit panel and its "Load more".
     *
     * @param nextHref the address of the next page ({@code null} on the last)
     */
    public record Trail(List<AuditEvent> events, ListPage page, String nextHref) {

        /** The trail of a thing not saved yet. */
        public static Trail none() {
            return new Trail(List.of(), new ListPage(0, PAGE, 0), null);
        }
    }

    /**
     * {@code size} events about one thing after event {@code before} in the trail's order ({@code null} = from the
     * newest). An event id that is not about this thing is a 404, so the cursor cannot read another thing's trail.
     */
    @Transactional(TxType.SUPPORTS)
    public Trail page(String targetType, String targetId, Long before, int size) {
        long total = AuditEvent.countFor(targetType, targetId);
        List<AuditEvent> events;
        long newer = 0;
        if (before == null) {
            events = AuditEvent.listFor(targetType, targetId, size);
        } else {
            AuditEvent cursor = AuditEvent.<AuditEvent>findByIdOptional(before)
                    .filter(e -> e.targetType.equals(targetType) && e.targetId.equals(targetId))
                    .orElseThrow(() -> ProblemException.notFound("No audit event " + before + " about " + targetType
                            + " '" + targetId + "'."));
            events = AuditEvent.listAfter(targetType, targetId, cursor, size);
            newer = AuditEvent.countThrough(targetType, targetId, cursor);
        }
        var page = new ListPage(newer, size, total);
        String next = page.hasMore() && !events.isEmpty()
                ? "/audit?target_type=" + encode(targetType) + "&target_id=" + encode(targetId) + "&before="
                + events.get(events.size() - 1).id : null;
        return new Trail(events, page, next);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The newest {@code limit} events about one thing, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<AuditEvent> trail(String targetType, String targetId, int limit) {
        return AuditEvent.listFor(targetType, targetId, limit);
    }
}
