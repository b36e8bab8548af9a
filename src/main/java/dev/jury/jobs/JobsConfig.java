package dev.jury.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Background job settings (docs/jobs.md, docs/configuration.md). */
@ConfigMapping(prefix = "jury.jobs")
public interface JobsConfig {

    /** Worker threads in this replica; 0 makes the replica only enqueue (another replica runs the jobs). */
    @WithDefault("2")
    int workers();

    /** How often an idle worker looks for work; an enqueue in the same replica wakes the workers at once. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How often a running job's heartbeat is written. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A RUNNING job whose heartbeat is older than this is taken to be orphaned and is reclaimed. */
    @WithDefault("60s")
    Duration heartbeatTimeout();

    /** How often buffered progress and log lines are written (and a cancel from another replica is noticed). */
    @WithDefault("1s")
    Duration progressInterval();

    /** A job reclaimed this many times (its worker died each time) is failed instead of being run again. */
    @WithDefault("3")
    int maxAttempts();

    /** On shutdown, how long running jobs get to finish before they are left for another replica to reclaim. */
    @WithDefault("5s")
    Duration shutdownGrace();
}
