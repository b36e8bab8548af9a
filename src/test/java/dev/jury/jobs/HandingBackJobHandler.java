package dev.jury.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test handler {@code test-hand-back}: hands its job back ({@code retry_ms} until this replica looks again) the
 * first {@code times} it runs here, logging the reason only the first time, then finishes.
 */
@ApplicationScoped
public class HandingBackJobHandler implements JobHandler {

    private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

    /** How often the job was run here. */
    public int runsOf(long jobId) {
        AtomicInteger n = runs.get(jobId);
        return n == null ? 0 : n.get();
    }

    @Override
    public String type() {
        return "test-hand-back";
    }

    @Override
    public void run(JobContext context) {
        int run = runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        if (run <= context.payload().path("times").asInt(1)) {
            if (!context.isHandedBackHere()) {
                context.info("Better done elsewhere; handing back.");
            }
            context.handBack(Duration.ofMillis(context.payload().path("retry_ms").asLong(1000)));
            return;
        }
        context.result(JsonNodeFactory.instance.objectNode().put("runs", run).put("attempt", context.attempt())
                .put("handed_back_here", context.isHandedBackHere()));
    }
}
