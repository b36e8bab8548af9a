package dev.jury.llm;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@code llm_call} rows off the call path: calls append to a bounded queue that a background thread inserts
 * in JDBC batches every {@value #FLUSH_MILLIS} ms. When the queue is full the caller writes its own row (back
 * pressure rather than losing accounting).
 */
@ApplicationScoped
class LlmCallRecorder {

    private static final Logger LOG = Logger.getLogger(LlmCallRecorder.class);
    static final long FLUSH_MILLIS = 200;
    private static final int CAPACITY = 10_000;

    record Entry(String provider, String model, Long jobId, int inputTokens, int outputTokens, long latencyMs,
                 int attempts, String outcome, boolean cached, Instant at) {
    }

    @Inject
    AgroalDataSource dataSource;

    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(CAPACITY);
    private ScheduledExecutorService writer;

    @PostConstruct
    void start() {
        writer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "jury-llm-call-recorder");
            thread.setDaemon(true);
            return thread;
        });
        writer.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (writer != null) {
            writer.shutdown();
        }
        flushQuietly();
    }

    void record(Entry entry) {
        if (!queue.offer(entry)) {
            try {
                write(List.of(entry));
            } catch (SQLException e) {
                LOG.warnf("Could not record an LLM call (%s)", e.getMessage());
            }
        }
    }

    /** Writes everything queued so far; readers of {@code llm_call} call this first to see their own calls. */
    synchronized void flush() throws SQLException {
        List<Entry> batch = new ArrayList<>();
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Could not record LLM calls (%s); they are missing from llm_call", e.getMessage());
        }
    }

    private void write(List<Entry> batch) throws SQLException {
        try (var connection = dataSource.getConnection();
             var insert = connection.prepareStatement("""
                     INSERT INTO llm_call (provider, model, job_id, input_tokens, output_tokens, latency_ms, attempts,
                                           outcome, cached, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (Entry e : batch) {
                insert.setString(1, e.provider());
                insert.setString(2, LlmException.abbreviate(e.model(), 250));
                if (e.jobId() == null) {
                    insert.setNull(3, Types.BIGINT);
                } else {
                    insert.setLong(3, e.jobId());
                }
                insert.setInt(4, e.inputTokens());
                insert.setInt(5, e.outputTokens());
                insert.setLong(6, e.latencyMs());
                insert.setInt(7, e.attempts());
                insert.setString(8, e.outcome());
                insert.setBoolean(9, e.cached());
                insert.setTimestamp(10, Timestamp.from(e.at()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
