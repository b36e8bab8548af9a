package dev.jury.registry;

import dev.jury.agreement.Consensus;
import dev.jury.agreement.RatingTable;
import dev.jury.agreement.report.AgreementDocument;
import dev.jury.agreement.report.AgreementQuery;
import dev.jury.agreement.report.AgreementResult;
import dev.jury.agreement.report.AgreementService;
import dev.jury.agreement.report.EstimateView;
import dev.jury.jobs.Job;
import dev.jury.judges.run.JudgeRunHandler;
import dev.jury.judges.run.JudgeRunService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * MLflow's {@code evaluate()} for one judge version: run it over a trace set as a judge-run job (by default every
 * trace with a current human label of the judge's name), then compare its stored verdicts with the human consensus
 * — per trace and as accuracy, κ and a confusion matrix, the same numbers the agreement report gives.
 */
@ApplicationScoped
@Transactional
public class EvaluationService {

    /** Rows listed per evaluation; the agreement numbers always cover every verdict. */
    static final int MAX_ROWS = 500;

    @Inject
    JudgeService judges;

    @Inject
    JudgeRunService runs;

    @Inject
    AgreementService agreement;

    @Inject
    EntityManager em;

    /** One trace of the evaluation: the version's verdict (or error) next to the human consensus. */
    public record Row(long traceId, String verdict, String rationale, String error, String consensus, Boolean match) {
    }

    /** The version against the consensus, on the traces that have both. */
    public record Agreement(long n, EstimateView accuracy, EstimateView kappa, AgreementDocument.Confusion confusion) {
    }

    /** The latest judge run of the version (the evaluation job, or any run of it). */
    public record LastRun(long jobId, String status, long done, long total, long errors, Instant finishedAt) {
    }

    /**
     * @param agreement null when no verdict of this version falls on a trace with a consensus yet
     * @param rows      the first {@value #MAX_ROWS} traces with a verdict or error of this version, by trace id
     */
    public record Evaluation(String experiment, String judge, int version, String sourceId, LastRun lastRun,
                             long verdicts, long errors, long withConsensus, long matches, Agreement agreement,
                             String kappaWeighting, List<Row> rows, long rowsTotal) {
    }

    /**
     * Starts the evaluation job of version {@code version}: over {@code traceIds}, or one {@code tag}, or by
     * default every trace with a current valid human label named like the judge.
     *
     * @throws ProblemException 404 for an unknown judge or version; 422 when there is nothing to evaluate on
     */
    public long start(String experiment, String name, int version, List<Long> traceIds, String tag, String actor) {
        judges.resolve(experiment, name, String.valueOf(version)); // 404 naming what is missing
        boolean byTag = tag != null && !tag.isBlank();
        if (traceIds == null && !byTag) {
            traceIds = labelledTraces(experiment, name);
            if (traceIds.isEmpty()) {
                throw ProblemException.invalid("trace_ids", "No trace of experiment '" + experiment + "' has a "
                        + "human label named '" + name + "' yet, so there is no consensus to evaluate against; "
                        + "label some traces first, or give trace_ids or a tag.");
            }
        }
        return runs.start(experiment, name, String.valueOf(version), traceIds, byTag ? tag : null, actor);
    }

    /** Traces with a current, valid human label of {@code name} (trimmed, case-folded like alignment compares). */
    @Transactional(TxType.SUPPORTS)
    public List<Long> labelledTraces(String experiment, String name) {
        long experimentId = judges.judge(experiment, name).experimentId;
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("""
                        SELECT DISTINCT a.trace_id FROM current_assessment a JOIN trace t ON t.id = a.trace_id
                         WHERE t.experiment_id = ?1 AND a.source_type = 'HUMAN' AND a.valid
                           AND lower(btrim(a.name)) = CAST(?2 AS text)
                         ORDER BY a.trace_id""")
                .setParameter(1, experimentId).setParameter(2, name.strip().toLowerCase(Locale.ROOT))
                .getResultList();
        return ids.stream().map(Number::longValue).toList();
    }

    /**
     * The version's current verdicts against the human consensus.
     *
     * @throws ProblemException 404 for an unknown judge or version
     */
    @Transactional(TxType.SUPPORTS)
    public Evaluation evaluation(String experiment, String name, int version) {
        JudgeVersion v = judges.resolve(experiment, name, String.valueOf(version));
        String source = v.sourceId();
        AgreementResult result = agreement.report(experiment,
                new AgreementQuery(name, null, null, null, null, null, null));
        AgreementDocument doc = AgreementDocument.of(result);
        RatingTable table = result.report().table();
        List<String> values = result.rubric().levels().stream().map(AgreementResult.Level::value).toList();

        long total = count("""
                SELECT count(*) FROM current_assessment a JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ?1 AND a.source_id = ?2 AND a.source_type = 'LLM_JUDGE'""",
                v.judge.experimentId, source);
        long errors = count("""
                SELECT count(*) FROM current_assessment a JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ?1 AND a.source_id = ?2 AND a.source_type = 'LLM_JUDGE'
                   AND NOT a.valid""", v.judge.experimentId, source);
        @SuppressWarnings("unchecked")
        List<Object[]> verdicts = em.createNativeQuery("""
                        SELECT a.trace_id, a.value, a.rationale, a.error FROM current_assessment a
                          JOIN trace t ON t.id = a.trace_id
                         WHERE t.experiment_id = ?1 AND a.source_id = ?2 AND a.source_type = 'LLM_JUDGE'
                         ORDER BY a.trace_id LIMIT ?3""")
                .setParameter(1, v.judge.experimentId).setParameter(2, source).setParameter(3, MAX_ROWS)
                .getResultList();
        List<Row> rows = verdicts.stream().map(r -> {
            long trace = ((Number) r[0]).longValue();
            String verdict = (String) r[1];
            int unit = table.unitIndex(trace);
            int consensus = unit < 0 ? Consensus.NONE : result.report().consensus(unit);
            String consensusValue = consensus == Consensus.NONE ? null : values.get(consensus);
            Boolean match = consensusValue == null || verdict == null ? null
                    : consensusValue.equalsIgnoreCase(verdict.strip());
            return new Row(trace, verdict, (String) r[2], (String) r[3], consensusValue, match);
        }).toList();

        Agreement numbers = doc.judgeVsConsensus().stream().filter(j -> j.judge().equals(source)).findFirst()
                .filter(j -> j.n() > 0)
                .map(j -> new Agreement(j.n(), j.accuracy(), j.kappa(), j.confusion())).orElse(null);
        long matches = numbers == null ? 0 : diagonal(numbers.confusion());
        return new Evaluation(experiment, name, version, source, lastRun(v.id), total - errors, errors,
                numbers == null ? 0 : numbers.n(), matches, numbers, doc.kappaWeighting(), rows, total);
    }

    /** Every version of the judge with verdicts on labelled traces, against the consensus: version → numbers. */
    @Transactional(TxType.SUPPORTS)
    public java.util.Map<Integer, AgreementDocument.Judge> byVersion(String experiment, String name) {
        AgreementDocument doc = AgreementDocument.of(agreement.report(experiment,
                new AgreementQuery(name, null, null, null, null, null, null)));
        java.util.Map<Integer, AgreementDocument.Judge> numbers = new java.util.HashMap<>();
        for (AgreementDocument.Judge j : doc.judgeVsConsensus()) {
            if (j.version() != null && j.n() > 0 && j.judge().equals(JudgeVersion.sourceId(name, j.version()))) {
                numbers.put(j.version(), j);
            }
        }
        return numbers;
    }

    private LastRun lastRun(long versionId) {
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("""
                        SELECT id FROM job WHERE type = ?1
                           AND CAST(payload->>'judge_version_id' AS bigint) = ?2 ORDER BY id DESC LIMIT 1""")
                .setParameter(1, JudgeRunHandler.TYPE).setParameter(2, versionId).getResultList();
        if (ids.isEmpty()) {
            return null;
        }
        Job j = Job.findById(ids.get(0).longValue());
        return new LastRun(j.id, j.status.name(), j.progressDone, j.progressTotal, j.progressErrors, j.finishedAt);
    }

    private long count(String sql, Object... params) {
        var query = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return ((Number) query.getSingleResult()).longValue();
    }

    private static long diagonal(AgreementDocument.Confusion confusion) {
        long sum = 0;
        for (int i = 0; i < confusion.matrix().size(); i++) {
            sum += confusion.matrix().get(i).get(i);
        }
        return sum;
    }
}
