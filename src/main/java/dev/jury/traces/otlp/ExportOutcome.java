package dev.jury.traces.otlp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one OTLP export request did, counted in spans as OTLP's partial success is: spans refused (with their
 * reasons, which make the answer's {@code error_message}), and for Jury's own use the traces created, the traces
 * already stored, the spans waiting for their root and the spans that arrived after their trace was stored.
 */
public final class ExportOutcome {

    /** At most this many distinct reasons are spelled out in the message; the counts are always complete. */
    static final int MAX_REASONS = 5;

    private final int received;
    private final Map<String, Integer> reasons = new LinkedHashMap<>();
    private int rejected;
    private int created;
    private int duplicates;
    private int pending;
    private int late;

    public ExportOutcome(int received) {
        this.received = received;
    }

    void reject(int spans, String reason) {
        rejected += spans;
        reasons.merge(reason, spans, Integer::sum);
    }

    void created() {
        created++;
    }

    void duplicate() {
        duplicates++;
    }

    void pending(int spans) {
        pending += spans;
    }

    void late(int spans) {
        late += spans;
    }

    public int received() {
        return received;
    }

    public int rejectedSpans() {
        return rejected;
    }

    public int createdTraces() {
        return created;
    }

    public int duplicateTraces() {
        return duplicates;
    }

    public int pendingSpans() {
        return pending;
    }

    public int lateSpans() {
        return late;
    }

    /**
     * The partial-success message: why spans were refused, and the warning about late spans (which are not refused:
     * sending them again would not help); null when everything was taken.
     */
    public String message() {
        var message = new StringBuilder();
        if (rejected > 0) {
            message.append(rejected).append(" of ").append(received).append(rejected == 1 ? " span was" : " spans were")
                    .append(" refused: ");
            int listed = 0;
            for (var reason : reasons.entrySet()) {
                if (listed++ == MAX_REASONS) {
                    message.append(" … and ").append(reasons.size() - MAX_REASONS).append(" more reasons.");
                    break;
                }
                if (listed > 1) {
                    message.append(' ');
                }
                message.append(reason.getKey());
                if (reason.getValue() > 1) {
                    message.append(" (").append(reason.getValue()).append(" spans)");
                }
            }
        }
        if (late > 0) {
            if (!message.isEmpty()) {
                message.append(' ');
            }
            message.append(late).append(late == 1 ? " span" : " spans")
                    .append(" arrived after their trace was stored (its root span came earlier) and")
                    .append(late == 1 ? " was" : " were").append(" not added.");
        }
        return message.isEmpty() ? null : message.toString();
    }
}
