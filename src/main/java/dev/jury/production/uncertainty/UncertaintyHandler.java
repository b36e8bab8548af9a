package dev.jury.production.uncertainty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.run.TraceValues;
import dev.jury.llm.LlmException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job {@code uncertainty-sampling}: measures how unsure a judge version is about each candidate trace and
 * stores it in {@code trace_uncertainty} (its only writer). An LLM judge is called N times per trace at a
 * temperature above 0 (never served from the LLM cache, which holds deterministic calls only) and the spread of its
 * answers is the uncertainty ({@link VoteSpread}); the embedded judge is deterministic, so it is called once and
 * its vote margin m gives 1 − m. A resumed job skips the traces it already measured.
 */
@ApplicationScoped
public class UncertaintyHandler implements JobHandler {

    public static final String TYPE = "uncertainty-sampling";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 50;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JudgeCaller caller;

    @Inject
    JudgeService judges;

    @Override
    public String type() {
        return TYPE;
    }

    private record Version(long id, String name, JudgeCaller.Setup setup, int levels) {
    }

    /** One trace's measurement. */
    private record Measured(long traceId, VoteSpread.Spread spread, double uncertainty, String method) {
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        JsonNode p = ctx.payload();
        String method = p.path("method").asText("VOTES");
        int samples = p.path("samples").asInt(UncertaintyService.DEFAULT_SAMPLES);
        Double temperature = p.hasNonNull("temperature") ? p.get("temperature").asDouble() : null;
        Version version = QuarkusTransaction.requiringNew().call(() -> {
            JudgeVersion v = judges.resolve(p.path("experiment").asText(), p.path("judge").asText(),
                    String.valueOf(p.path("version").asInt()));
            return new Version(v.id, v.judge.name, JudgeCaller.Setup.of(v), v.rubricVersion.spec().levels().size());
        });
        var ids = new ArrayList<Long>();
        p.path("trace_ids").forEach(id -> ids.add(id.asLong()));
        Set<Long> done = alreadyMeasured(ctx.jobId());
        if (!done.isEmpty()) {
            ctx.info("Resumed: " + done.size() + " traces were measured before");
        }
        ctx.info(("MARGIN".equals(method) ? "Embedded judge: one call per trace, uncertainty = 1 − vote margin"
                : samples + " samples per trace at temperature " + temperature) + ", " + ids.size() + " traces, "
                + "judge " + version.setup().model());
        long measured = done.size();
        long failed = 0;
        ctx.progress(done.size(), ids.size(), 0);
        var top = new ArrayList<Measured>();
        for (int from = 0; from < ids.size() && !ctx.isCancelRequested(); from += BATCH) {
            var batch = ids.subList(from, Math.min(ids.size(), from + BATCH)).stream()
                    .filter(id -> !done.contains(id)).toList();
            if (batch.isEmpty()) {
                continue;
            }
            Map<Long, Map<String, JsonNode>> values = TraceValues.load(dataSource, batch);
            var results = new ArrayList<Measured>();
            for (long traceId : batch) {
                if (ctx.isCancelRequested()) {
                    break;
                }
                var traceValues = values.get(traceId);
                Measured m = traceValues == null ? null : measure(ctx, version, traceId, traceValues, method, samples,
                        temperature);
                if (m == null) {
                    failed++;
                    ctx.increment(1, 1);
                } else {
                    results.add(m);
                    measured++;
                    ctx.increment(1, 0);
                }
            }
            store(ctx.jobId(), version, temperature, results);
            top.addAll(results);
            top.sort((a, b) -> Double.compare(b.uncertainty(), a.uncertainty()));
            if (top.size() > 10) {
                top.subList(10, top.size()).clear();
            }
        }
        ObjectNode result = JSON.createObjectNode().put("judge", version.name()).put("version_id", version.id())
                .put("method", method).put("samples", samples).put("measured", measured).put("failed", failed);
        var list = result.putArray("most_uncertain");
        top.forEach(m -> list.addObject().put("trace_id", m.traceId()).put("uncertainty", m.uncertainty())
                .set("votes", JSON.valueToTree(m.spread().votes())));
        ctx.result(result);
        ctx.info("Measured " + measured + " traces" + (failed > 0 ? ", " + failed + " without a usable answer" : ""));
    }

    /** N samples (or the margin of one embedded call); null when no sample gave a usable answer. */
    private Measured measure(JobContext ctx, Version version, long traceId, Map<String, JsonNode> values,
                             String method, int samples, Double temperature) {
        var answers = new ArrayList<String>();
        Double margin = null;
        for (int i = 0; i < samples; i++) {
            try {
                var verdict = caller.assess(version.setup(), values, temperature, ctx.jobId(),
                        String.valueOf(traceId)).verdict();
                answers.add(verdict.isError() ? null : verdict.value());
                if (!verdict.isError() && verdict.details() != null && verdict.details().path("confidence").isNumber()) {
                    margin = verdict.details().path("confidence").asDouble();
                }
            } catch (LlmException e) {
                if (e.kind() == LlmException.Kind.NOT_CONFIGURED || e.kind() == LlmException.Kind.UNKNOWN_PROVIDER) {
                    throw e; // nothing will work: fail the job with the message saying what to configure
                }
                ctx.warn("Trace " + traceId + ", sample " + (i + 1) + ": " + e.getMessage());
                answers.add(null);
            }
        }
        var spread = VoteSpread.of(answers, version.levels());
        if ("MARGIN".equals(method)) {
            if (margin == null) {
                ctx.warn("Trace " + traceId + ": the embedded judge gave no vote margin");
                return null;
            }
            return new Measured(traceId, spread, VoteSpread.fromMargin(margin), method);
        }
        if (spread.samples() - spread.errors() < 2) {
            ctx.warn("Trace " + traceId + ": fewer than two usable samples of " + samples);
            return null;
        }
        return new Measured(traceId, spread, spread.uncertainty(), method);
    }

    private void store(long jobId, Version version, Double temperature, List<Measured> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO trace_uncertainty (trace_id, judge_version_id, name, method, samples, temperature, votes,
                                               errors, uncertainty, minority_share, job_id, measured_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, now())
                ON CONFLICT (trace_id, judge_version_id) DO UPDATE
                   SET method = EXCLUDED.method, samples = EXCLUDED.samples, temperature = EXCLUDED.temperature,
                       votes = EXCLUDED.votes, errors = EXCLUDED.errors, uncertainty = EXCLUDED.uncertainty,
                       minority_share = EXCLUDED.minority_share, job_id = EXCLUDED.job_id,
                       measured_at = EXCLUDED.measured_at""")) {
            for (Measured m : results) {
                s.setLong(1, m.traceId());
                s.setLong(2, version.id());
                s.setString(3, version.name());
                s.setString(4, m.method());
                s.setInt(5, m.spread().samples());
                s.setObject(6, "MARGIN".equals(m.method()) ? null : temperature, java.sql.Types.DOUBLE);
                s.setString(7, JSON.writeValueAsString(m.spread().votes()));
                s.setInt(8, m.spread().errors());
                s.setDouble(9, m.uncertainty());
                s.setObject(10, "MARGIN".equals(m.method()) ? null : m.spread().minorityShare(), java.sql.Types.DOUBLE);
                s.setLong(11, jobId);
                s.addBatch();
            }
            s.executeBatch();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<Long> alreadyMeasured(long jobId) throws SQLException {
        var ids = new HashSet<Long>();
        try (Connection c = dataSource.getConnection();
             var s = c.prepareStatement("SELECT trace_id FROM trace_uncertainty WHERE job_id = ?")) {
            s.setLong(1, jobId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }
}
