import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: {@code concurrency} workers each send request {@code i} (the next one not yet taken) until
 * all are sent or the deadline passes, so the offered load is as high as the server answers. Each request's latency
 * and HTTP status are recorded; a request the step calls bad, or that throws, is an error.
 */
final class ClosedLoop {

    /** One request; says its HTTP status and whether its answer was what the scenario expects. */
    interface Step {
        Outcome send(int index) throws Exception;
    }

    record Outcome(int status, boolean ok) {
    }

    record Result(double[] latenciesMs, long errors, Map<Integer, Integer> statuses, double seconds) {
    }

    private ClosedLoop() {
    }

    static Result run(int from, int to, int concurrency, int maxSeconds, Step step) throws InterruptedException {
        var latencies = new ConcurrentLinkedQueue<Double>();
        var errors = new AtomicLong();
        var next = new AtomicInteger(from);
        var statuses = new HashMap<Integer, Integer>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < to && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        Outcome outcome = step.send(i);
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        synchronized (statuses) {
                            statuses.merge(outcome.status(), 1, Integer::sum);
                        }
                        if (!outcome.ok()) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        errors.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(maxSeconds + 60L, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(latencies.stream().mapToDouble(Double::doubleValue).toArray(), errors.get(),
                new java.util.TreeMap<>(statuses), seconds);
    }
}
