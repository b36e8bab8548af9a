package dev.jury.production;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Online scoring's settings (docs/configuration.md#online-scoring). */
@ConfigMapping(prefix = "jury.online-scoring")
public interface OnlineScoringConfig {

    /**
     * How often each replica looks for new traces of every enabled judge and starts a scoring job where traces
     * wait and no job runs (also the property {@code @Scheduled} reads).
     */
    @WithDefault("5s")
    Duration checkInterval();

    /** How often a running scoring job looks for new traces while it has nothing to score. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Judge calls one scoring job keeps in flight (the provider's max-concurrency still caps them). */
    @WithDefault("8")
    int concurrency();

    /** Sampled traces claimed at once by a job. */
    @WithDefault("32")
    int batchSize();

    /**
     * How long after its ingest transaction started a trace is surely visible. The cursor only moves past traces
     * older than this, so a trace whose (slow) ingest commits after a newer one is still examined; an ingest
     * transaction longer than this could let a trace be skipped.
     */
    @WithDefault("30s")
    Duration settleTime();

    /** Traces examined per look at most (the rest at the next look). */
    @WithDefault("5000")
    int scanLimit();

    /** A claim older than this is taken to belong to a dead worker and may be claimed again. */
    @WithDefault("5m")
    Duration claimTimeout();

    /**
     * Tries per trace for provider faults that may pass (rate limited, 5xx, timeout, after the client's own retries);
     * then the trace gets an error assessment. A model's invalid answer is an error at once (as in judge runs).
     */
    @WithDefault("3")
    int maxAttempts();

    /** A scoring job with nothing to score for this long ends; the scheduler starts another when traces arrive. */
    @WithDefault("30s")
    Duration idleStop();

    /**
     * A scoring job ends after this long even under steady traffic (the next one starts within the check
     * interval), so it never holds a job worker forever and other jobs get their turn.
     */
    @WithDefault("10m")
    Duration maxJobTime();

    /** After a scoring job failed, the scheduler waits this long before starting the next one. */
    @WithDefault("1m")
    Duration retryAfterFailure();
}
