package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runner's side of a {@link JobContext}: progress and log lines are buffered in memory and written by
 * {@link ProgressFlusher}, so handlers can report per item from any thread without touching the database.
 */
final class RunningJob implements JobContext {

    private static final Logger LOG = Logger.getLogger(RunningJob.class);

    /** Longer messages are cut: a log line is for people, not a place to store data. */
    static final int MAX_MESSAGE_LENGTH = 8_000;
    /** Lines beyond this per run are dropped (and one warning says so): a runaway loop must not fill the table. */
    static final int MAX_LINES_PER_RUN = 20_000;

    record Line(JobLog.Level level, String message, Instant at) {
    }

    record Progress(long done, long total, long errors) {
    }

    final long id;
    final String type;
    final int attempt;
    /** Whether an earlier run of this job got somewhere (crash, shutdown): the handler skips what is done. */
    final boolean resumed;
    /** Whether this replica handed the job back before ({@link #handBack}). */
    final boolean handedBackHere;
    final long startedNanos = System.nanoTime();
    private final JsonNode payload;

    private long done;
    private long total;
    private long errors;
    private final AtomicBoolean progressDirty = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Line> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger linesThisRun = new AtomicInteger();

    private volatile boolean cancelRequested;
    private volatile boolean lostOwnership;
    private volatile boolean abandoned;
    private volatile boolean finishing;
    private volatile JsonNode result;
    private volatile Duration handBackDelay;
    private volatile long lastWrittenNanos = System.nanoTime();
    volatile Thread thread;

    RunningJob(long id, String type, JsonNode payload, int attempt, boolean resumed, boolean handedBackHere,
               Progress initial) {
        this.id = id;
        this.type = type;
        this.payload = payload;
        this.attempt = attempt;
        this.resumed = resumed;
        this.handedBackHere = handedBackHere;
        this.done = initial.done();
        this.total = initial.total();
        this.errors = initial.errors();
    }

    @Override
    public long jobId() {
        return id;
    }

    @Override
    public JsonNode payload() {
        return payload;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean isResumed() {
        return resumed;
    }

    @Override
    public synchronized void progress(long done, long total, long errors) {
        this.done = Math.max(0, done);
        this.total = Math.max(0, total);
        this.errors = Math.max(0, errors);
        progressDirty.set(true);
    }

    @Override
    public synchronized void increment(long doneDelta, long errorDelta) {
        this.done = Math.max(0, done + doneDelta);
        this.errors = Math.max(0, errors + errorDelta);
        progressDirty.set(true);
    }

    @Override
    public void log(JobLog.Level level, String message) {
        int n = linesThisRun.incrementAndGet();
        if (n > MAX_LINES_PER_RUN) {
            if (n == MAX_LINES_PER_RUN + 1) {
                pending.add(new Line(JobLog.Level.WARN, "Log limit of " + MAX_LINES_PER_RUN
                        + " lines reached; further lines of this run are not kept.", Instant.now()));
            }
            return;
        }
        String text = message == null ? "" : message;
        if (text.length() > MAX_MESSAGE_LENGTH) {
            text = text.substring(0, MAX_MESSAGE_LENGTH) + "… (cut at " + MAX_MESSAGE_LENGTH + " characters)";
        }
        pending.add(new Line(level == null ? JobLog.Level.INFO : level, text, Instant.now()));
        if (level == JobLog.Level.ERROR || level == JobLog.Level.WARN) {
            LOG.infof("job %d (%s): %s %s", id, type, level, text);
        } else {
            LOG.debugf("job %d (%s): %s %s", id, type, level, text);
        }
    }

    @Override
    public boolean isCancelRequested() {
        return cancelRequested || lostOwnership || abandoned;
    }

    @Override
    public void result(JsonNode result) {
        this.result = result;
    }

    JsonNode result() {
        return result;
    }

    @Override
    public boolean isHandedBackHere() {
        return handedBackHere;
    }

    @Override
    public void handBack(Duration retryAfter) {
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be zero or positive: " + retryAfter);
        }
        this.handBackDelay = retryAfter;
    }

    /** How long this replica leaves the job to others after its handler handed it back; {@code null} if it did not. */
    Duration handBackDelay() {
        return handBackDelay;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    /** Another worker took the job over (our heartbeat lapsed): stop, and never write its final state. */
    void markLostOwnership() {
        lostOwnership = true;
    }

    boolean hasLostOwnership() {
        return lostOwnership;
    }

    /** This replica is shutting down and gave up on the job; another worker will resume it. */
    void markAbandoned() {
        abandoned = true;
    }

    boolean isAbandoned() {
        return abandoned;
    }

    /** The handler has returned; only the final write is left, the periodic flush keeps off. */
    void markFinishing() {
        finishing = true;
    }

    boolean isFinishing() {
        return finishing;
    }

    synchronized Progress progress() {
        return new Progress(done, total, errors);
    }

    /** Whether the flush has something to write: new progress, log lines, or a heartbeat that is due. */
    boolean needsWrite(long heartbeatNanos) {
        return progressDirty.get() || !pending.isEmpty() || System.nanoTime() - lastWrittenNanos >= heartbeatNanos;
    }

    /** Takes the buffered lines and clears the dirty flag; {@link #restore} puts them back if the write fails. */
    List<Line> drainLines() {
        progressDirty.set(false);
        var lines = new ArrayList<Line>();
        for (Line line; (line = pending.poll()) != null; ) {
            lines.add(line);
        }
        return lines;
    }

    void restore(List<Line> lines) {
        progressDirty.set(true);
        // Lines logged meanwhile go after the restored ones; the page orders by insertion, close enough on a retry.
        var newer = new ArrayList<Line>();
        for (Line line; (line = pending.poll()) != null; ) {
            newer.add(line);
        }
        pending.addAll(lines);
        pending.addAll(newer);
    }

    void written(boolean cancelRequestedInDatabase) {
        lastWrittenNanos = System.nanoTime();
        if (cancelRequestedInDatabase) {
            cancelRequested = true;
        }
    }
}
