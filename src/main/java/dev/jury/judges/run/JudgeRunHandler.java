package dev.jury.judges.run;

import dev.jury.judges.JudgeVersion;
import dev.jury.judges.ModelUri;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.llm.LlmException;
import dev.jury.llm.LlmProviders;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs one judge version over a set of traces as a background job. Resumable and exactly-once per trace: a trace is
 * skipped when it already has a valid verdict of this version, or an error recorded by this same job (a crashed
 * worker's job is reclaimed and continues where it stopped); valid verdicts are inserted {@code ON CONFLICT DO
 * NOTHING} against the one-valid-verdict index, so even two workers racing could not store two.
 */
@ApplicationScoped
public class JudgeRunHandler implements JobHandler {

    public static final String TYPE = "judge-run";
    /** Traces loaded per query while dispatching. */
    static final int LOAD_CHUNK = 64;
    private static final Logger LOG = Logger.getLogger(JudgeRunHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "jury.judges.run-concurrency", defaultValue = "8")
    int concurrency;

    @Inject
    JudgeCaller caller;

    @Inject
    LlmProviders providers;

    @Inject
    AgroalDataSource dataSource;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        long versionId = ctx.payload().path("judge_version_id").asLong();
        var loaded = QuarkusTransaction.requiringNew().call(() -> {
            JudgeVersion version = JudgeVersion.findById(versionId);
            if (version == null) {
                throw new IllegalStateException("Judge version " + versionId + " no longer exists.");
            }
            return new Object[]{JudgeCaller.Setup.of(version), version.judge.name, version.sourceId(),
                    version.rubricVersion.id, version.judge.experimentId};
        });
        JudgeCaller.Setup setup = (JudgeCaller.Setup) loaded[0];
        String name = (String) loaded[1];
        String sourceId = (String) loaded[2];
        long rubricVersionId = (Long) loaded[3];
        long experimentId = (Long) loaded[4];

        String provider = ModelUri.parse(setup.model()).provider();
        var missing = providers.missingConfiguration(provider);
        if (missing.isPresent()) {
            throw new IllegalStateException("Configure a provider first: " + missing.get());
        }

        List<Long> selected = select(experimentId, ctx.payload());
        List<Long> todo = remaining(selected, sourceId, ctx.jobId());
        long done = selected.size() - todo.size();
        ctx.progress(done, selected.size(), 0);
        ctx.info("Judge " + sourceId + " over " + selected.size() + " traces" + (done > 0 ? " (" + done
                + " already assessed" + (ctx.isResumed() ? ", resuming" : "") + ")" : "") + ", concurrency " + concurrency);

        // More threads than LLM calls in flight: while some threads load a trace or store a verdict, the others
        // keep exactly `concurrency` calls waiting on the provider, so the run is limited by the LLM, not by us.
        int calls = Math.max(1, concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(calls + Math.max(2, calls / 2));
        Semaphore inFlight = new Semaphore(calls * 2);
        Semaphore llmCalls = new Semaphore(calls);
        var futures = new ArrayList<Future<?>>();
        var notConfigured = new java.util.concurrent.atomic.AtomicReference<String>();
        var store = new OutcomeStore(new VerdictBatchWriter(dataSource,
                JSON.createObjectNode().put("job_id", ctx.jobId()), name, sourceId, versionId, rubricVersionId), ctx);
        try {
            dispatch:
            for (int from = 0; from < todo.size(); from += LOAD_CHUNK) {
                List<Long> chunk = todo.subList(from, Math.min(todo.size(), from + LOAD_CHUNK));
                Map<Long, Map<String, JsonNode>> values = loadValues(chunk);
                for (long traceId : chunk) {
                    if (ctx.isCancelRequested() || notConfigured.get() != null || store.failed()) {
                        break dispatch;
                    }
                    Map<String, JsonNode> traceValues = values.get(traceId);
                    inFlight.acquire();
                    futures.add(pool.submit(() -> {
                        try {
                            assessOne(ctx, setup, sourceId, traceId, traceValues, store, notConfigured, llmCalls);
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            store.close(); // writes what is queued; rethrows a failed write
        }
        if (notConfigured.get() != null) {
            throw new IllegalStateException(notConfigured.get());
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("judge_version_id", versionId);
        result.put("source_id", sourceId);
        result.put("traces", selected.size());
        ctx.result(result);
        ctx.info(ctx.isCancelRequested() ? "Cancelled" : "Finished");
    }

    /**
     * @param values the trace's template values, {@code null} when the trace was deleted after the run started
     */
    private void assessOne(JobContext ctx, JudgeCaller.Setup setup, String sourceId, long traceId,
                           Map<String, JsonNode> values, OutcomeStore store,
                           java.util.concurrent.atomic.AtomicReference<String> notConfigured, Semaphore llmCalls) {
        try {
            if (values == null) {
                ctx.increment(1, 1);
                return;
            }
            JudgeCaller.Outcome outcome;
            llmCalls.acquireUninterruptibly();
            try {
                outcome = caller.assess(setup, values, null, ctx.jobId(), String.valueOf(traceId));
            } finally {
                llmCalls.release();
            }
            var verdict = outcome.verdict();
            store.add(verdict.isError() ? VerdictBatchWriter.Outcome.error(traceId, verdict.error(), verdict.raw())
                    : VerdictBatchWriter.Outcome.verdict(traceId, verdict.value(), verdict.rationale(),
                    verdict.details()));
        } catch (LlmException e) {
            if (e.kind() == LlmException.Kind.NOT_CONFIGURED || e.kind() == LlmException.Kind.UNKNOWN_PROVIDER) {
                notConfigured.compareAndSet(null, e.getMessage());
                return;
            }
            if (e.kind() == LlmException.Kind.INTERRUPTED) {
                return; // cancelled or shutting down: the trace stays to do
            }
            store.add(VerdictBatchWriter.Outcome.error(traceId, e.kind().name().toLowerCase() + ": " + e.getMessage(),
                    null));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Judge %s failed on trace %d", sourceId, traceId);
            store.add(VerdictBatchWriter.Outcome.error(traceId, "internal error: " + e.getMessage(), null));
        }
    }

    /**
     * Takes outcomes from the run threads and writes them from one thread in batches of up to {@value #BATCH}, each
     * as soon as the previous one is written (at most {@value #LINGER_MS} ms after the first outcome of a quiet
     * period), and counts them in the job's progress once committed. An outcome not yet written when the worker dies
     * is simply redone on resume.
     */
    private static final class OutcomeStore {
        static final int BATCH = 64;
        static final long LINGER_MS = 100;

        private final java.util.concurrent.LinkedBlockingQueue<VerdictBatchWriter.Outcome> queue =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final VerdictBatchWriter writer;
        private final JobContext ctx;
        private final Thread thread;
        private volatile boolean closing;
        private volatile RuntimeException failure;

        OutcomeStore(VerdictBatchWriter writer, JobContext ctx) {
            this.writer = writer;
            this.ctx = ctx;
            this.thread = new Thread(this::drain, "jury-judge-run-" + ctx.jobId() + "-store");
            this.thread.start();
        }

        void add(VerdictBatchWriter.Outcome outcome) {
            if (failure == null) {
                queue.add(outcome);
            }
        }

        boolean failed() {
            return failure != null;
        }

        private void drain() {
            var batch = new ArrayList<VerdictBatchWriter.Outcome>(BATCH);
            try {
                while (!(closing && queue.isEmpty())) {
                    var first = queue.poll(LINGER_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.clear();
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    writer.write(batch);
                    long errors = batch.stream().filter(o -> !o.valid()).count();
                    ctx.increment(batch.size(), errors);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted while storing verdicts");
            } catch (RuntimeException e) {
                LOG.errorf(e, "Storing judge verdicts failed");
                failure = e;
            }
        }

        /** Writes what is queued and stops; throws when a write failed (the job fails, its outcomes are redone). */
        void close() {
            closing = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private Map<Long, Map<String, JsonNode>> loadValues(List<Long> ids) throws SQLException, IOException {
        return TraceValues.load(dataSource, ids);
    }

    /** Traces of the run: explicit ids, one tag, or all of the experiment — in id order. */
    private List<Long> select(long experimentId, JsonNode payload) throws SQLException {
        var sql = new StringBuilder("SELECT id FROM trace WHERE experiment_id = ?");
        var params = new ArrayList<Object>(List.of(experimentId));
        if (payload.hasNonNull("trace_ids")) {
            var ids = new ArrayList<Long>();
            payload.get("trace_ids").forEach(n -> ids.add(n.asLong()));
            sql.append(" AND id = ANY (?)");
            params.add(ids.toArray(Long[]::new));
        }
        if (payload.hasNonNull("tag")) {
            String[] kv = payload.get("tag").asText().split("=", 2);
            sql.append(" AND tags @> jsonb_build_object(?::text, ?::text)");
            params.add(kv[0].strip());
            params.add(kv.length > 1 ? kv[1].strip() : "");
        }
        sql.append(" ORDER BY id");
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i) instanceof Long[] array) {
                    s.setArray(i + 1, c.createArrayOf("bigint", array));
                } else {
                    s.setObject(i + 1, params.get(i));
                }
            }
            var ids = new ArrayList<Long>();
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /** What is left: no valid verdict of this version, and no error already recorded by this job. */
    private List<Long> remaining(List<Long> selected, String sourceId, long jobId) throws SQLException {
        if (selected.isEmpty()) {
            return selected;
        }
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT t.id FROM unnest(?::bigint[]) AS t(id)
                 WHERE NOT EXISTS (SELECT 1 FROM current_assessment a
                                    WHERE a.trace_id = t.id AND a.source_id = ? AND a.source_type = 'LLM_JUDGE'
                                      AND (a.valid OR (a.metadata->>'job_id')::bigint = ?))
                 ORDER BY t.id""")) {
            s.setArray(1, c.createArrayOf("bigint", selected.toArray()));
            s.setString(2, sourceId);
            s.setLong(3, jobId);
            var ids = new ArrayList<Long>();
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }
}
