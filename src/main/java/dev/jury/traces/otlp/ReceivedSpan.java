package dev.jury.traces.otlp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One span as read from an OTLP request: its ids (lower-case hex), the span in the shape Jury stores it
 * ({@link SpanJson}), and the attributes of the resource that sent it. {@code error} is set, and the rest may be
 * null, when the span itself cannot be taken (a bad id, a NUL character); it is then refused with that reason.
 */
public record ReceivedSpan(String traceId, String spanId, String parentSpanId, ObjectNode span, ObjectNode resource,
                           String error) {

    static ReceivedSpan refused(String error) {
        return new ReceivedSpan(null, null, null, null, null, error);
    }

    public boolean isRoot() {
        return parentSpanId == null || parentSpanId.isEmpty();
    }

    public boolean refused() {
        return error != null;
    }
}
