package dev.jury.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test handler {@code test-count}: counts {@code count} items, {@code sleep_ms} each, reporting progress; resumable
 * the way real handlers must be — an item already done (in {@link #itemsDone}, standing in for "assessment already
 * exists") is skipped. Payload {@code note} is logged verbatim (for escaping tests).
 */
@ApplicationScoped
public class CountingJobHandler implements JobHandler {

    /** How often {@link #run} was entered per job. */
    private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    /** "jobId:item" of every item done, by any run. */
    private final Set<String> itemsDone = ConcurrentHashMap.newKeySet();
    /** The statuses {@link #ended} was told of, per job. */
    private final Map<Long, List<JobStatus>> ends = new ConcurrentHashMap<>();

    /** What {@link #ended} was told of this job, in order; empty when it was never called. */
    public List<JobStatus> endsOf(long jobId) {
        return List.copyOf(ends.getOrDefault(jobId, List.of()));
    }

    /** How often the job was run (tests call methods: fields of the injected client proxy are not the bean's). */
    public int runsOf(long jobId) {
        AtomicInteger n = runs.get(jobId);
        return n == null ? 0 : n.get();
    }

    /** Records an item as done, as a run that died after finishing it would have. */
    public void markDone(long jobId, int item) {
        itemsDone.add(jobId + ":" + item);
    }

    @Override
    public String type() {
        return "test-count";
    }

    @Override
    public void run(JobContext context) throws Exception {
        runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        int count = context.payload().path("count").asInt(3);
        long sleepMillis = context.payload().path("sleep_ms").asLong(0);
        if (context.payload().hasNonNull("note")) {
            context.info("Note: " + context.payload().get("note").asText());
        }
        int skipped = 0;
        for (int i = 0; i < count; i++) {
            if (context.isCancelRequested()) {
                context.info("Stopping after " + i + " items: cancel requested.");
                return;
            }
            if (!itemsDone.add(context.jobId() + ":" + i)) {
                skipped++;
                continue;
            }
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            context.increment(1, 0);
        }
        context.info("Counted " + count + " items, " + skipped + " already done.");
        context.result(JsonNodeFactory.instance.objectNode().put("counted", count).put("skipped", skipped)
                .put("attempt", context.attempt()).put("resumed", context.isResumed()));
    }

    @Override
    public void ended(long jobId, com.fasterxml.jackson.databind.JsonNode payload, JobStatus status, String reason) {
        ends.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(status);
    }
}
