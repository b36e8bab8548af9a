package dev.jury.judges.run;

import dev.jury.judges.JudgeVersion;
import dev.jury.judges.ModelUri;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.llm.CircuitWait;
import dev.jury.llm.LlmClient;
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

    /** Traces per chunk of a split run; a run with no more traces to do than this is not split (0: never split). */
    @ConfigProperty(name = "jury.judges.run-chunk-size", defaultValue = "500")
    int chunkSize;

    /** Helper jobs a split run starts, for the workers of other replicas to take (one per replica works it). */
    @ConfigProperty(name = "jury.judges.run-helpers", defaultValue = "3")
    int helpers;

    /** How long a helper handed back by this replica waits before this replica looks at it again. */
    static final java.time.Duration HELPER_RETRY = java.time.Duration.ofSeconds(5);

    /** How often the run's job looks whether the chunks other workers hold are finished. */
    static final long CHUNK_WAIT_MS = 250;

    @Inject
    dev.jury.jobs.JobService jobs;

    @Inject
    JudgeCaller caller;

    @Inject
    LlmProviders providers;

    @Inject
    LlmClient llm;

    @Inject
    AgroalDataSource dataSource;

    @Override
    public String type() {
        return TYPE;
    }

    /** What a run needs of its judge version, read once in a short transaction. */
    record Loaded(JudgeCaller.Setup setup, String name, String sourceId, long versionId, long rubricVersionId,
                  long experimentId) {
    }

    private Loaded load(long versionId) {
        Loaded loaded = QuarkusTransaction.requiringNew().call(() -> {
            JudgeVersion version = JudgeVersion.findById(versionId);
            if (version == null) {
                throw new IllegalStateException("Judge version " + versionId + " no longer exists.");
            }
            return new Loaded(JudgeCaller.Setup.of(version), version.judge.name, version.sourceId(), versionId,
                    version.rubricVersion.id, version.judge.experimentId);
        });
        String provider = ModelUri.parse(loaded.setup().model()).provider();
        var missing = providers.missingConfiguration(provider);
        if (missing.isPresent()) {
            throw new IllegalStateException("Configure a provider first: " + missing.get());
        }
        return loaded;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        long versionId = ctx.payload().path("judge_version_id").asLong();
        Loaded loaded = load(versionId);
        List<Long> selected = select(loaded.experimentId(), ctx.payload());
        RunChunks chunks = new RunChunks(dataSource, ctx.jobId());
        boolean split = chunks.exist();
        List<Long> todo = List.of();
        // chunk_size in the payload: for tests and benches only (the API never sets it)
        int chunkSize = ctx.payload().path("chunk_size").asInt(this.chunkSize);
        if (!split) {
            todo = remaining(selected, loaded.sourceId(), ctx.jobId());
            if (chunkSize <= 0 || todo.size() <= chunkSize) {
                runAlone(ctx, loaded, selected, todo);
                return;
            }
        }
        // Before any helper exists: one that lands on this replica finds the run worked here and hands itself back.
        ReplicaRunSlots.acquire(ctx.jobId(), Math.max(1, concurrency));
        try {
            if (!split) {
                int count = chunks.create(todo, chunkSize);
                int started = Math.min(helpers, count - 1);
                QuarkusTransaction.requiringNew().run(() -> {
                    for (int i = 0; i < started; i++) {
                        ObjectNode payload = JSON.createObjectNode();
                        payload.put("run_job_id", ctx.jobId());
                        payload.put("judge_version_id", versionId);
                        jobs.enqueue(JudgeRunHelperHandler.TYPE, payload, 0, "system");
                    }
                });
                ctx.info("Judge " + loaded.sourceId() + " over " + selected.size() + " traces" + (selected.size()
                        > todo.size() ? " (" + (selected.size() - todo.size()) + " already assessed)" : "") + ": "
                        + todo.size() + " to do in " + count + " chunks of up to " + chunkSize + ", shared with "
                        + started + " helper jobs that the workers of other replicas take; concurrency "
                        + concurrency + " per replica");
            } else {
                ctx.info("Resuming a split run of judge " + loaded.sourceId() + " over " + selected.size()
                        + " traces");
            }
            runSplit(ctx, loaded, selected.size(), chunks);
        } finally {
            ReplicaRunSlots.release(ctx.jobId());
        }
    }

    /** A run small enough for one worker: the traces left to do, in batches of {@value #LOAD_CHUNK}. */
    private void runAlone(JobContext ctx, Loaded loaded, List<Long> selected, List<Long> todo) throws Exception {
        long done = selected.size() - todo.size();
        ctx.progress(done, selected.size(), 0);
        ctx.info("Judge " + loaded.sourceId() + " over " + selected.size() + " traces" + (done > 0 ? " (" + done
                + " already assessed" + (ctx.isResumed() ? ", resuming" : "") + ")" : "") + ", concurrency "
                + concurrency);
        var once = new java.util.concurrent.atomic.AtomicBoolean();
        Processor processor = new Processor(ctx, loaded, ctx.jobId(),
                skip -> once.getAndSet(true) ? java.util.Optional.empty()
                        : java.util.Optional.of(new RunChunks.Chunk(0, todo)),
                ctx::isCancelRequested, (outcomes, errors) -> ctx.increment(outcomes.size(), errors));
        processor.process();
        finish(ctx, loaded, selected.size(), 0);
    }

    /**
     * A split run, on the run's own job: works chunks like any helper, then waits for the chunks other workers hold
     * (taking over those whose job ended without finishing them), with the progress summed over all chunks.
     */
    private void runSplit(JobContext ctx, Loaded loaded, long selected, RunChunks chunks) throws Exception {
        var totals = new java.util.concurrent.atomic.AtomicReference<>(chunks.totals());
        Runnable report = () -> {
            try {
                RunChunks.Totals t = chunks.totals();
                totals.set(t);
                ctx.progress(selected - t.traces() + t.assessed(), selected, t.errors());
            } catch (SQLException e) {
                LOG.debugf(e, "Reading the chunks of run %d failed; progress is shown at the next try", ctx.jobId());
            }
        };
        var monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jury-judge-run-" + ctx.jobId() + "-progress");
            t.setDaemon(true);
            return t;
        });
        monitor.scheduleWithFixedDelay(report, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
        try {
            while (!ctx.isCancelRequested()) {
                int worked = new Processor(ctx, loaded, ctx.jobId(), skip -> chunks.claim(ctx.jobId(), skip),
                        ctx::isCancelRequested, (outcomes, errors) -> { }).processChunks(chunks);
                report.run();
                RunChunks.Totals t = totals.get();
                if (t.done() == t.chunks()) {
                    break;
                }
                if (worked == 0 || t.unfinishedClaimers() > 0) {
                    // Others hold chunks: wait for them (a dead worker's job is reclaimed and finishes its own;
                    // a chunk whose job ended unfinished is taken over by the next claim).
                    Thread.sleep(CHUNK_WAIT_MS);
                }
            }
        } finally {
            monitor.shutdownNow();
        }
        report.run();
        finish(ctx, loaded, selected, totals.get().chunks());
    }

    /**
     * A helper job of a split run ({@link JudgeRunHelperHandler}): works chunks until none is left — on a replica
     * that does not work the run yet. Where the run (or another of its helpers) is worked already, the run's LLM
     * calls share one limit ({@link ReplicaRunSlots}), so a second worker would add threads and cost 17–20 % of the
     * run's throughput (docs/performance.md, "Two replicas against one") but no calls: the helper hands itself back
     * for another replica's workers and looks again every {@link #HELPER_RETRY}, ending once the run has.
     */
    void help(JobContext ctx) throws Exception {
        long runJobId = ctx.payload().path("run_job_id").asLong();
        RunChunks chunks = new RunChunks(dataSource, runJobId);
        if (!chunks.runActive()) {
            ctx.info("Run job " + runJobId + " has ended; nothing to help with.");
            return;
        }
        if (ReplicaRunSlots.acquireIfUnworked(runJobId, Math.max(1, concurrency)) == null) {
            if (!ctx.isHandedBackHere()) {
                ctx.info("Run job " + runJobId + " is worked on this replica already, whose LLM calls for it share "
                        + "one limit: handed back for the workers of other replicas (this one looks again every "
                        + HELPER_RETRY.toSeconds() + " s, and ends the helper once the run has ended).");
            }
            ctx.handBack(HELPER_RETRY);
            return;
        }
        try {
            helpChunks(ctx, runJobId, chunks);
        } finally {
            ReplicaRunSlots.release(runJobId);
        }
    }

    private void helpChunks(JobContext ctx, long runJobId, RunChunks chunks) throws Exception {
        Loaded loaded = load(ctx.payload().path("judge_version_id").asLong());
        ctx.info("Helping run job " + runJobId + " (judge " + loaded.sourceId() + "), concurrency " + concurrency);
        var lastCheck = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        var runStopped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.BooleanSupplier stop = () -> {
            if (ctx.isCancelRequested() || runStopped.get()) {
                return true;
            }
            long now = System.nanoTime();
            long last = lastCheck.get();
            if (now - last > 1_000_000_000L && lastCheck.compareAndSet(last, now)) {
                try {
                    runStopped.set(!chunks.runActive());
                } catch (SQLException e) {
                    LOG.debugf(e, "Checking run job %d failed", runJobId);
                }
            }
            return runStopped.get();
        };
        int worked = new Processor(ctx, loaded, runJobId, skip -> stop.getAsBoolean() ? java.util.Optional.empty()
                : chunks.claim(ctx.jobId(), skip), stop, (outcomes, errors) -> ctx.increment(outcomes.size(), errors))
                .processChunks(chunks);
        ctx.info((runStopped.get() ? "Run job " + runJobId + " stopped; " : "") + "Worked " + worked + " chunks");
    }

    private void finish(JobContext ctx, Loaded loaded, long traces, int chunks) {
        ObjectNode result = JSON.createObjectNode();
        result.put("judge_version_id", loaded.versionId());
        result.put("source_id", loaded.sourceId());
        result.put("traces", traces);
        if (chunks > 0) {
            result.put("chunks", chunks);
        }
        ctx.result(result);
        ctx.info(ctx.isCancelRequested() ? "Cancelled" : "Finished");
    }

    /**
     * Works the traces of the chunks {@code next} hands out, on one worker: more threads than LLM calls in flight,
     * so that while some threads load a trace or store a verdict the others keep exactly {@code concurrency} calls
     * waiting on the provider — the run is limited by the LLM, not by us. Outcomes are stored by one thread in
     * batches; verdict rows carry the run's job id whichever worker wrote them.
     */
    private final class Processor {
        private final JobContext ctx;
        private final Loaded loaded;
        private final long runJobId;
        private final ChunkSource next;
        private final java.util.function.BooleanSupplier stop;
        private final java.util.function.BiConsumer<List<VerdictBatchWriter.Outcome>, Long> stored;

        Processor(JobContext ctx, Loaded loaded, long runJobId, ChunkSource next,
                  java.util.function.BooleanSupplier stop,
                  java.util.function.BiConsumer<List<VerdictBatchWriter.Outcome>, Long> stored) {
            this.ctx = ctx;
            this.loaded = loaded;
            this.runJobId = runJobId;
            this.next = next;
            this.stop = stop;
            this.stored = stored;
        }

        /** Works chunks of a split run, counting outcomes per chunk and marking finished chunks done. */
        int processChunks(RunChunks chunks) throws Exception {
            var seqOf = new java.util.concurrent.ConcurrentHashMap<Long, Integer>();
            List<Integer> worked = new java.util.concurrent.CopyOnWriteArrayList<>();
            Processor counting = new Processor(ctx, loaded, runJobId, skip -> {
                var chunk = next.next(worked);
                chunk.ifPresent(c -> {
                    worked.add(c.seq());
                    c.traceIds().forEach(id -> seqOf.put(id, c.seq()));
                });
                return chunk;
            }, stop, (outcomes, errors) -> {
                Map<Integer, long[]> perChunk = new java.util.HashMap<>();
                for (var o : outcomes) {
                    long[] n = perChunk.computeIfAbsent(seqOf.getOrDefault(o.traceId(), -1), k -> new long[2]);
                    n[0]++;
                    n[1] += o.valid() ? 0 : 1;
                }
                try {
                    chunks.count(perChunk);
                } catch (SQLException e) {
                    throw new IllegalStateException("counting outcomes of run " + runJobId + " failed", e);
                }
                stored.accept(outcomes, errors);
            });
            boolean complete = counting.process();
            if (complete) {
                chunks.finish(ctx.jobId(), worked);
            }
            return worked.size();
        }

        /** @return whether every handed-out trace was worked (no stop, no unconfigured provider) */
        boolean process() throws Exception {
            int calls = Math.max(1, concurrency);
            ExecutorService pool = Executors.newFixedThreadPool(calls + Math.max(2, calls / 2));
            Semaphore inFlight = new Semaphore(calls * 2);
            Semaphore llmCalls = ReplicaRunSlots.acquire(runJobId, calls); // shared with this run's other workers here
            var futures = new java.util.concurrent.ConcurrentLinkedQueue<Future<?>>();
            var notConfigured = new java.util.concurrent.atomic.AtomicReference<String>();
            var circuit = CircuitWait.of(llm, loaded.setup().model(), ctx::warn, ctx::info);
            var store = new OutcomeStore(new VerdictBatchWriter(dataSource,
                    JSON.createObjectNode().put("job_id", runJobId), loaded.name(), loaded.sourceId(),
                    loaded.versionId(), loaded.rubricVersionId()), ctx, stored);
            boolean stopped = false;
            try {
                dispatch:
                while (true) {
                    var chunk = next.next(List.of());
                    if (chunk.isEmpty()) {
                        break;
                    }
                    // again for a chunk: a reclaimed or taken-over chunk is partly done
                    List<Long> todo = remaining(chunk.get().traceIds(), loaded.sourceId(), runJobId);
                    for (int from = 0; from < todo.size(); from += LOAD_CHUNK) {
                        List<Long> batch = todo.subList(from, Math.min(todo.size(), from + LOAD_CHUNK));
                        Map<Long, Map<String, JsonNode>> values = loadValues(batch);
                        for (long traceId : batch) {
                            if (stop.getAsBoolean() || notConfigured.get() != null || store.failed()) {
                                stopped = true;
                                break dispatch;
                            }
                            Map<String, JsonNode> traceValues = values.get(traceId);
                            inFlight.acquire();
                            futures.add(pool.submit(() -> {
                                try {
                                    assessOne(ctx, loaded.setup(), loaded.sourceId(), traceId, traceValues, store,
                                            notConfigured, llmCalls, circuit, stop);
                                } finally {
                                    inFlight.release();
                                }
                            }));
                        }
                    }
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
                ReplicaRunSlots.release(runJobId);
                store.close(); // writes what is queued; rethrows a failed write
            }
            if (notConfigured.get() != null) {
                throw new IllegalStateException(notConfigured.get());
            }
            return !stopped && !stop.getAsBoolean();
        }
    }

    /** Hands out the next chunk of traces to work, or empty when there is none. */
    @FunctionalInterface
    private interface ChunkSource {
        /** @param skip chunks the caller already works on */
        java.util.Optional<RunChunks.Chunk> next(java.util.Collection<Integer> skip) throws SQLException;
    }

    /**
     * @param values the trace's template values, {@code null} when the trace was deleted after the run started
     */
    private void assessOne(JobContext ctx, JudgeCaller.Setup setup, String sourceId, long traceId,
                           Map<String, JsonNode> values, OutcomeStore store,
                           java.util.concurrent.atomic.AtomicReference<String> notConfigured, Semaphore llmCalls,
                           CircuitWait circuit, java.util.function.BooleanSupplier stop) {
        try {
            if (values == null) {
                ctx.increment(1, 1);
                return;
            }
            // A call refused by an open circuit was not made: waiting keeps the trace to do instead of recording a
            // "circuit open" error for it — a run over thousands of traces would otherwise turn all of them into
            // errors within the open period. The slot is held for each call, not while waiting.
            JudgeCaller.Outcome outcome = circuit.call(() -> {
                llmCalls.acquireUninterruptibly();
                try {
                    return caller.assess(setup, values, null, ctx.jobId(), String.valueOf(traceId));
                } finally {
                    llmCalls.release();
                }
            }, stop);
            var verdict = outcome.verdict();
            store.add(verdict.isError() ? VerdictBatchWriter.Outcome.error(traceId, verdict.error(), verdict.raw())
                    : VerdictBatchWriter.Outcome.verdict(traceId, verdict.value(), verdict.rationale(),
                    verdict.details()));
        } catch (LlmException e) {
            if (e.kind() == LlmException.Kind.NOT_CONFIGURED || e.kind() == LlmException.Kind.UNKNOWN_PROVIDER) {
                notConfigured.compareAndSet(null, e.getMessage());
                return;
            }
            if (e.kind() == LlmException.Kind.INTERRUPTED || e.kind() == LlmException.Kind.CIRCUIT_OPEN) {
                return; // cancelled or shutting down, or stopped while the circuit was open: the trace stays to do
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
        private final java.util.function.BiConsumer<List<VerdictBatchWriter.Outcome>, Long> stored;
        private final Thread thread;
        private volatile boolean closing;
        private volatile RuntimeException failure;

        /** @param stored told of every written batch and its error count, on the writing thread */
        OutcomeStore(VerdictBatchWriter writer, JobContext ctx,
                     java.util.function.BiConsumer<List<VerdictBatchWriter.Outcome>, Long> stored) {
            this.writer = writer;
            this.stored = stored;
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
                    stored.accept(List.copyOf(batch), errors);
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
