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

    /**
     * How often a running job's heartbeat is written (by the replica's scheduler thread, not by the handler, so a
     * long LLM call does not delay it): one small UPDATE per running job per interval.
     */
    @WithDefault("3s")
    Duration heartbeatInterval();

    /**
     * A RUNNING job whose heartbeat is older than this is taken to be orphaned and is reclaimed: a killed replica's
     * job is running again within this plus {@link #pollInterval()} (16 s by default, issue 12's target is 20 s).
     * The price of a short timeout: a replica that cannot write for this long (a long GC pause, a database outage)
     * loses its job to another worker and stops it at its next flush; handlers are resumable, so that costs repeated
     * work in flight, never a second verdict. Keep it at least four heartbeat intervals.
     */
    @WithDefault("15s")
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
