package dev.jury.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The job meters on {@code /q/metrics} (docs/jobs.md, "Pages, API, metrics"): jobs started and finished, their run
 * time, the jobs running in this replica, and the queued and running jobs in the database.
 */
@ApplicationScoped
class JobMetrics {

    private static final Logger LOG = Logger.getLogger(JobMetrics.class);

    @Inject
    MeterRegistry registry;

    @Inject
    EntityManager em;

    private MultiGauge currentJobs;
    private long lastRefreshNanos;

    /** Registers the gauges; {@code runningHere} is read at each scrape. */
    void registerGauges(Map<Long, ?> runningHere) {
        Gauge.builder("jury.jobs.running.local", runningHere, Map::size)
                .description("Jobs running in this replica").register(registry);
        currentJobs = MultiGauge.builder("jury.jobs.current")
                .description("Queued and running jobs in the database, by type and status").register(registry);
    }

    void started(String type, boolean resumed) {
        counter("jury.jobs.started", Tags.of("type", type, "resumed", String.valueOf(resumed))).increment();
    }

    /** A job's handler handed it back to the queue for another replica (every claim counts in {@link #started}). */
    void handedBack(String type) {
        counter("jury.jobs.handed.back", Tags.of("type", type)).increment();
    }

    /** A job ended without running here (at its claim): counted, but it has no run time. */
    void finished(String type, JobStatus status) {
        counter("jury.jobs.finished", Tags.of("type", type, "status", status.name())).increment();
    }

    /** A job this replica ran ended after {@code nanos}. */
    void finished(String type, JobStatus status, long nanos) {
        Tags tags = Tags.of("type", type, "status", status.name());
        counter("jury.jobs.finished", tags).increment();
        Timer.builder("jury.jobs.duration").description("Run time of jobs, by type and outcome").tags(tags)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Recounts queued and running jobs in the database, at most once per {@code minIntervalNanos} (it runs with the
     * heartbeat); types this replica handles show 0 rather than disappearing. Called from one thread only.
     */
    @SuppressWarnings("unchecked")
    void refreshCurrent(Collection<String> types, long minIntervalNanos) {
        if (currentJobs == null
                || lastRefreshNanos != 0 && System.nanoTime() - lastRefreshNanos < minIntervalNanos) {
            return;
        }
        lastRefreshNanos = System.nanoTime();
        try {
            List<Object[]> counts = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "SELECT type, status, count(*) FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY type, status")
                    .getResultList());
            Map<List<String>, Long> byTypeAndStatus = new TreeMap<>((a, b) -> String.join("/", a)
                    .compareTo(String.join("/", b)));
            for (String type : types) {
                byTypeAndStatus.put(List.of(type, "QUEUED"), 0L);
                byTypeAndStatus.put(List.of(type, "RUNNING"), 0L);
            }
            for (Object[] row : counts) {
                byTypeAndStatus.put(List.of((String) row[0], (String) row[1]), ((Number) row[2]).longValue());
            }
            currentJobs.register(byTypeAndStatus.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("type", e.getKey().get(0), "status", e.getKey().get(1)),
                            e.getValue()))
                    .toList(), true);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not refresh job gauges");
        }
    }

    private Counter counter(String name, Tags tags) {
        return Counter.builder(name).tags(tags).register(registry);
    }
}
