package dev.jury.review;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Set;

/**
 * Server-side latency of the review loop as a Prometheus histogram: with {@code jury.review.latency-histogram=true}
 * the {@code http_server_requests_seconds} timer of the loop's routes publishes cumulative buckets
 * (1 ms … 10 s) on {@code /q/metrics}, so a benchmark can take the difference of two scrapes and read the
 * percentiles of exactly its measured window. The timer runs from the request's arrival in the HTTP server to its
 * last byte, token verification included. Off by default: ~70 buckets per route and status are not worth
 * scraping in production (the timer's count, sum and max are always there).
 */
public class ReviewLoopMetrics {

    /**
     * The routes of the loop as Quarkus tags them (the path template, not the raw URI): the JSON loop, and the
     * review page with its htmx submit (which answers with the next item).
     */
    static final Set<String> LOOP_ROUTES = Set.of("/api/v1/queues/{id}/next", "/api/v1/leases/{id}/submit",
            "/review/{queue}", "/review/{queue}/submit");

    @Produces
    @Singleton
    MeterFilter loopLatencyHistogram(
            @ConfigProperty(name = "jury.review.latency-histogram", defaultValue = "false") boolean enabled) {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!enabled || !"http.server.requests".equals(id.getName()) || !LOOP_ROUTES.contains(id.getTag("uri"))) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofSeconds(10).toNanos())
                        .build()
                        .merge(config);
            }
        };
    }
}
