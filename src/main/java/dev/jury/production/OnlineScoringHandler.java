package dev.jury.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.run.TraceValues;
import dev.jury.llm.CircuitWait;
import dev.jury.llm.LlmClient;
import dev.jury.llm.LlmException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The job {@code online-scoring}: scores the sampled new traces of one judge with its registered version until
 * nothing is left for {@code idle-stop}, scoring is turned off, or {@code max-job-time} has passed
 * ({@link OnlineScoringScheduler} starts the next one). Each turn it looks for new traces (at most every
 * {@code poll-interval}), claims a batch through {@link ScoringQueue}, calls the judge for each claimed trace in
 * parallel and finishes the batch in one transaction. The registered version is read every turn, so moving the
 * alias takes effect at the next batch. An open circuit pauses the job (nothing claimed, nothing failed) until a
 * trial call is allowed; provider faults that may pass give the trace back for a later try.
 */
@ApplicationScoped
public class OnlineScoringHandler implements JobHandler {

    public static final String TYPE = "online-scoring";
    private static final Logger LOG = Logger.getLogger(OnlineScoringHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ScoringQueue queue;

    @Inject
    JudgeCaller caller;

    @Inject
    LlmClient llm;

    @Inject
    OnlineScoringConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Override
    public String type() {
        return TYPE;
    }

    /** The judge version that scores, loaded once per job and version. */
    private record Version(JudgeCaller.Setup setup, ScoringQueue.Scorer scorer) {
    }

    /** What one batch gave. */
    private static final class Batch {
        final List<ScoringQueue.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        final List<Long> retryLater = Collections.synchronizedList(new ArrayList<>());
        final List<Long> giveBack = Collections.synchronizedList(new ArrayList<>());
        volatile String pauseReason;
        /** The provider is not usable at all (not configured, unknown): the job stops. */
        volatile String fatal;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        long configId = ctx.payload().path("config_id").asLong();
        int released = queue.releaseAll(configId);
        if (released > 0) {
            ctx.info("Took back " + released + " traces claimed by a stopped worker.");
        }
        long started = System.nanoTime();
        long lastWork = started;
        long lastLook = 0;
        long scored = 0;
        long failed = 0;
        String stop = "cancelled";
        var versions = new HashMap<Long, Version>();
        var circuits = new HashMap<String, CircuitWait>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.concurrency()));
        try {
            while (!ctx.isCancelRequested()) {
                long now = System.nanoTime();
                if (now - started > config.maxJobTime().toNanos()) {
                    stop = "its time slice (jury.online-scoring.max-job-time) is over; the next job continues";
                    break;
                }
                State state = state(configId);
                if (state == null || !state.enabled()) {
                    stop = "scoring was turned off";
                    break;
                }
                if (state.versionId() == null) {
                    stop = "the judge has no registered version";
                    break;
                }
                Version version = versions.computeIfAbsent(state.versionId(), OnlineScoringHandler::load);
                CircuitWait circuit = circuits.computeIfAbsent(version.setup().model(),
                        model -> CircuitWait.of(llm, model, ctx::warn, ctx::info));
                if (!llm.pausedFor(version.setup().model()).isZero()) {
                    // claim nothing while the provider refuses calls; the loop's checks run again after the wait
                    boolean go = circuit.await(() -> ctx.isCancelRequested() || System.nanoTime() - started
                            > config.maxJobTime().toNanos() || !enabled(configId));
                    if (!go && Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("stopped while the provider's circuit was open");
                    }
                    lastWork = System.nanoTime(); // a pause is not idleness
                    continue;
                }
                if (now - lastLook >= config.pollInterval().toNanos() || lastLook == 0) {
                    queue.discover(configId);
                    lastLook = System.nanoTime();
                }
                UUID token = UUID.randomUUID();
                List<ScoringQueue.Claimed> claimed = queue.claim(configId, state.versionId(), token,
                        Math.max(1, config.batchSize()));
                if (claimed.isEmpty()) {
                    if (System.nanoTime() - lastWork > config.idleStop().toNanos()) {
                        stop = "nothing to score for " + config.idleStop().toSeconds() + " s";
                        break;
                    }
                    sleep(Math.max(10, config.pollInterval().toMillis() / 2));
                    continue;
                }
                lastWork = System.nanoTime();
                Batch batch = score(ctx, pool, version, claimed);
                if (!batch.outcomes.isEmpty()) {
                    circuit.callWentThrough();
                }
                List<Long> stored = queue.complete(configId, token, version.scorer(), batch.outcomes,
                        JSON.createObjectNode().put("via", TYPE).put("job_id", ctx.jobId()).toString());
                queue.release(configId, token, batch.retryLater, true);
                queue.release(configId, token, batch.giveBack, false);
                long errors = batch.outcomes.stream().filter(o -> !o.valid() && stored.contains(o.traceId())).count();
                scored += stored.size() - errors;
                failed += errors;
                ctx.increment(stored.size(), errors);
                if (batch.fatal != null) {
                    // the scheduler starts the next job after jury.online-scoring.retry-after-failure
                    throw new IllegalStateException("Configure a provider first: " + batch.fatal);
                }
                if (batch.pauseReason != null) {
                    LOG.debugf("Online scoring %d: %s", configId, batch.pauseReason);
                    if (!batch.pauseReason.startsWith("circuit")) {
                        sleep(config.pollInterval().toMillis()); // rate limited or failing: ease off a moment
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("config_id", configId);
        result.put("scored", scored);
        result.put("errors", failed);
        result.put("stopped", stop);
        ctx.result(result);
        ctx.info("Stopped: " + stop + " (" + scored + " scored, " + failed + " errors).");
    }

    private Batch score(JobContext ctx, ExecutorService pool, Version version, List<ScoringQueue.Claimed> claimed)
            throws SQLException, IOException, InterruptedException {
        Map<Long, Map<String, JsonNode>> values = loadValues(claimed.stream().map(ScoringQueue.Claimed::traceId)
                .toList());
        var batch = new Batch();
        var judged = queue.alreadyJudged(claimed.stream().map(ScoringQueue.Claimed::traceId).toList(),
                version.scorer().sourceId());
        var futures = new ArrayList<Future<?>>();
        for (ScoringQueue.Claimed item : claimed) {
            if (judged.contains(item.traceId())) {
                batch.outcomes.add(ScoringQueue.Outcome.existing(item.traceId()));
                continue;
            }
            futures.add(pool.submit(() -> scoreOne(ctx, version, item, values.get(item.traceId()), batch)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("Scoring a trace failed unexpectedly", e.getCause());
            }
        }
        return batch;
    }

    private void scoreOne(JobContext ctx, Version version, ScoringQueue.Claimed item, Map<String, JsonNode> values,
                          Batch batch) {
        long traceId = item.traceId();
        if (values == null) {
            batch.giveBack.add(traceId); // cannot happen while the item references the trace; never lose it
            return;
        }
        try {
            var verdict = caller.assess(version.setup(), values, null, ctx.jobId(), String.valueOf(traceId)).verdict();
            batch.outcomes.add(verdict.isError() ? ScoringQueue.Outcome.error(traceId, verdict.error(), verdict.raw())
                    : ScoringQueue.Outcome.verdict(traceId, verdict.value(), verdict.rationale()));
        } catch (LlmException e) {
            switch (e.kind()) {
                case CIRCUIT_OPEN, INTERRUPTED -> {
                    batch.giveBack.add(traceId);
                    batch.pauseReason = "circuit open or stopping: " + e.getMessage();
                }
                case NOT_CONFIGURED, UNKNOWN_PROVIDER -> {
                    batch.giveBack.add(traceId);
                    batch.fatal = e.getMessage();
                }
                case RATE_LIMITED, SERVER_ERROR, TIMEOUT -> {
                    if (item.attempts() + 1 >= config.maxAttempts()) {
                        batch.outcomes.add(ScoringQueue.Outcome.error(traceId, e.kind().outcome() + ": "
                                + e.getMessage(), null));
                    } else {
                        batch.retryLater.add(traceId);
                        batch.pauseReason = e.kind().outcome() + ": " + e.getMessage();
                    }
                }
                default -> batch.outcomes.add(ScoringQueue.Outcome.error(traceId, e.kind().outcome() + ": "
                        + e.getMessage(), null));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Online scoring by %s failed on trace %d", version.scorer().sourceId(), traceId);
            batch.outcomes.add(ScoringQueue.Outcome.error(traceId, "internal error: " + e.getMessage(), null));
        }
    }

    /** Whether scoring is on and which version the {@code registered} alias points at now (null: none). */
    private record State(boolean enabled, Long versionId) {
    }

    private State state(long configId) throws SQLException {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT s.enabled, v.id
                  FROM online_scoring s
                  LEFT JOIN judge_alias a ON a.judge_id = s.judge_id AND a.alias = 'registered'
                  LEFT JOIN judge_version v ON v.judge_id = a.judge_id AND v.version = a.version
                 WHERE s.id = ?""")) {
            s.setLong(1, configId);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long version = rs.getLong(2);
                return new State(rs.getBoolean(1), rs.wasNull() ? null : version);
            }
        }
    }

    /** Whether the config still scores, asked while waiting out an open circuit; a failed read keeps waiting. */
    private boolean enabled(long configId) {
        try {
            State state = state(configId);
            return state != null && state.enabled() && state.versionId() != null;
        } catch (SQLException e) {
            return true;
        }
    }

    private static Version load(long versionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            JudgeVersion v = JudgeVersion.findById(versionId);
            return new Version(JudgeCaller.Setup.of(v), new ScoringQueue.Scorer(v.id, v.judge.name, v.sourceId(),
                    v.rubricVersion.id));
        });
    }

    private Map<Long, Map<String, JsonNode>> loadValues(List<Long> ids) throws SQLException, IOException {
        return TraceValues.load(dataSource, ids);
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(Math.max(1, millis));
    }
}
