package dev.jury.jobs;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: the defaults of {@link JobsConfig} as a documented trade-off (docs/jobs.md, "Reclaim time"). A killed
 * replica's job is claimed again once its heartbeat is older than the timeout, at the next poll of a free worker.
 */
class JobsConfigTest {

    static JobsConfig defaults() {
        // Quarkus's converter reads "15s" as the application does; plain SmallRye Config knows only "PT15S"
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(JobsConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter()).build();
        return config.getConfigMapping(JobsConfig.class);
    }

    @Test
    void aKilledReplicasJobIsReclaimedWithinTwentySecondsByDefault() {
        JobsConfig config = defaults();
        Duration reclaim = config.heartbeatTimeout().plus(config.pollInterval());
        assertTrue(reclaim.compareTo(Duration.ofSeconds(20)) <= 0, "reclaim within " + reclaim);
    }

    @Test
    void theTimeoutToleratesSeveralMissedHeartbeats() {
        JobsConfig config = defaults();
        assertTrue(config.heartbeatTimeout().compareTo(config.heartbeatInterval().multipliedBy(4)) >= 0,
                config.heartbeatTimeout() + " vs heartbeat every " + config.heartbeatInterval());
        assertTrue(config.progressInterval().compareTo(config.heartbeatInterval()) <= 0,
                "progress flushes also beat the heart");
    }
}
