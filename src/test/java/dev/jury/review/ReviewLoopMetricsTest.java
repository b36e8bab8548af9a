package dev.jury.review;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency histogram is published for the loop's two routes only, and only when switched on. */
class ReviewLoopMetricsTest {

    static Meter.Id request(String uri) {
        return new Meter.Id("http.server.requests", Tags.of("uri", uri, "method", "POST", "status", "200"), null,
                null, Meter.Type.TIMER);
    }

    static DistributionStatisticConfig configure(boolean enabled, Meter.Id id) {
        MeterFilter filter = new ReviewLoopMetrics().loopLatencyHistogram(enabled);
        return filter.configure(id, DistributionStatisticConfig.DEFAULT);
    }

    @Test
    void nextAndSubmitGetBucketsFromOneMillisecondWhenOn() {
        for (String uri : new String[]{"/api/v1/queues/{id}/next", "/api/v1/leases/{id}/submit"}) {
            var config = configure(true, request(uri));
            assertTrue(config.isPercentileHistogram(), uri);
            assertEquals(1_000_000.0, config.getMinimumExpectedValueAsDouble());
            assertEquals(10_000_000_000.0, config.getMaximumExpectedValueAsDouble());
        }
    }

    @Test
    void otherRoutesOtherMetersAndTheDefaultAreLeftAlone() {
        assertSame(DistributionStatisticConfig.DEFAULT, configure(true, request("/api/v1/queues/{id}")));
        assertSame(DistributionStatisticConfig.DEFAULT, configure(false, request("/api/v1/queues/{id}/next")));
        var other = new Meter.Id("http.client.requests", Tags.of("uri", "/api/v1/queues/{id}/next"), null, null,
                Meter.Type.TIMER);
        assertSame(DistributionStatisticConfig.DEFAULT, configure(true, other));
    }
}
