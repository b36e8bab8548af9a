package dev.jury.production.uncertainty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.jobs.JobService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measuring how unsure a judge is about its experiment's traces, as a background job ({@link UncertaintyHandler}):
 * the plan with its cost (N samples × traces calls) and the start. The queue source {@code uncertain}
 * ({@code review.QueueService}) then reads the measurements from {@code trace_uncertainty}.
 */
@ApplicationScoped
@Transactional
public class UncertaintyService {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final int DEFAULT_SAMPLES = 3;
    public static final double DEFAULT_TEMPERATURE = 1.0;
    public static final int DEFAULT_CANDIDATES = 200;
    public static final int MAX_CANDIDATES = 5_000;
    public static final int MAX_SAMPLES = 10;

    /** What an admin asks for; null fields take the defaults above. {@code tag} is key=value or null. */
    public record Measure(Integer samples, Double temperature, Integer candidates, String tag) {
        public static final Measure DEFAULTS = new Measure(null, null, null, null);
    }

    /**
     * What a measurement would do and cost.
     *
     * @param method  VOTES (N samples at the temperature) or MARGIN (the embedded judge: one call, its vote margin)
     * @param samples calls per trace (1 for MARGIN)
     * @param traces  candidate traces: the newest the judge has a current verdict on, at most {@code candidates}
     * @param calls   samples × traces, the LLM calls the job will make (a repair retry may add one)
     */
    public record Plan(String experiment, String judge, int version, String model, String method, int samples,
                       Double temperature, int traces, long calls, List<Long> traceIds) {
    }

    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    JobService jobs;

    @Inject
    AuditLog audit;

    @Inject
    AgroalDataSource dataSource;

    /** The plan, or 422 naming the field / 404 naming the experiment or judge. */
    @Transactional(TxType.SUPPORTS)
    public Plan plan(String experimentName, String judgeName, Measure request) {
        Experiment experiment = experiments.get(experimentName);
        JudgeVersion version = judges.resolve(experimentName, judgeName, "");
        var errors = new ArrayList<Problem.FieldError>();
        int samples = request.samples() == null ? DEFAULT_SAMPLES : request.samples();
        boolean embedded = version.isEmbedded();
        if (!embedded && (samples < 2 || samples > MAX_SAMPLES)) {
            errors.add(Problem.FieldError.field("samples", "Samples per trace must be between 2 and " + MAX_SAMPLES
                    + " (default " + DEFAULT_SAMPLES + "): one sample cannot disagree with itself; got " + samples
                    + "."));
        }
        double temperature = request.temperature() == null ? DEFAULT_TEMPERATURE : request.temperature();
        if (!embedded && !(temperature > 0 && temperature <= 2)) {
            errors.add(Problem.FieldError.field("temperature", "The sampling temperature must be above 0 and at most"
                    + " 2 (default 1.0): at 0 every sample gives the same answer; got " + temperature + "."));
        }
        int candidates = request.candidates() == null ? DEFAULT_CANDIDATES : request.candidates();
        if (candidates < 1 || candidates > MAX_CANDIDATES) {
            errors.add(Problem.FieldError.field("candidates", "Candidates must be between 1 and " + MAX_CANDIDATES
                    + " traces (default " + DEFAULT_CANDIDATES + "); got " + candidates + "."));
        }
        String tag = request.tag() == null || request.tag().isBlank() ? null : request.tag().strip();
        if (tag != null && !tag.contains("=")) {
            errors.add(Problem.FieldError.field("tag", "A tag filter is key=value, e.g. env=prod; got '" + tag + "'."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
        List<Long> ids = candidates(experiment.id, version.judge.name, tag, candidates);
        int perTrace = embedded ? 1 : samples;
        return new Plan(experiment.name, version.judge.name, version.version, version.model,
                embedded ? "MARGIN" : "VOTES", perTrace, embedded ? null : temperature, ids.size(),
                (long) perTrace * ids.size(), ids);
    }

    /** The job and the plan it runs. */
    public record Started(long job, Plan plan) {
    }

    /** Enqueues the measurement; 409 when the judge has no current verdict in the pool. */
    public Started start(String experimentName, String judgeName, Measure request, String actor) {
        Plan plan = plan(experimentName, judgeName, request);
        if (plan.traces() == 0) {
            throw ProblemException.conflict("Judge '" + plan.judge() + "' has no current verdict on any trace of '"
                    + plan.experiment() + "'" + (request.tag() == null || request.tag().isBlank() ? ""
                    : " with tag " + request.tag().strip()) + ": run it (or turn on online scoring) first, then "
                    + "measure its uncertainty on the traces it judged.");
        }
        ObjectNode payload = JSON.createObjectNode()
                .put("experiment", plan.experiment())
                .put("judge", plan.judge())
                .put("version", plan.version())
                .put("method", plan.method())
                .put("samples", plan.samples());
        if (plan.temperature() != null) {
            payload.put("temperature", plan.temperature());
        }
        var ids = payload.putArray("trace_ids");
        plan.traceIds().forEach(ids::add);
        long job = jobs.enqueue(UncertaintyHandler.TYPE, payload, plan.traces(), actor);
        audit.record(actor, "judge.uncertainty_measured", "judge", plan.experiment() + "/" + plan.judge(),
                "version " + plan.version() + ", " + plan.method() + ", " + plan.samples() + " × " + plan.traces()
                        + " = " + plan.calls() + " calls, job " + job);
        return new Started(job, plan);
    }

    /** The newest traces with a current valid verdict of the judge (optionally with the tag). */
    private List<Long> candidates(long experimentId, String judge, String tag, int limit) {
        var sql = new StringBuilder("""
                SELECT t.id FROM trace t
                 WHERE t.experiment_id = ?
                   AND EXISTS (SELECT 1 FROM current_assessment a WHERE a.trace_id = t.id AND a.name = ?
                                  AND a.source_type = 'LLM_JUDGE' AND a.valid)""");
        var params = new ArrayList<Object>(List.of(experimentId, judge));
        if (tag != null) {
            String[] kv = tag.split("=", 2);
            sql.append(" AND t.tags @> jsonb_build_object(?::text, ?::text)");
            params.add(kv[0].strip());
            params.add(kv[1].strip());
        }
        sql.append(" ORDER BY t.id DESC LIMIT ?");
        params.add(limit);
        var ids = new ArrayList<Long>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the candidate traces of experiment " + experimentId, e);
        }
        return ids;
    }
}
