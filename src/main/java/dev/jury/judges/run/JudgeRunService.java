package dev.jury.judges.run;

import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobService;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starting judge runs (background jobs, see {@link JudgeRunHandler}) and reading what they produced. */
@ApplicationScoped
@Transactional
public class JudgeRunService {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run produced so far: verdict counts by value, errors, and the first errors with their reasons. */
    /**
     * What a run produced so far: verdict counts by value, errors, the first errors with their reasons, and the
     * evaluate-style summary — the share of {@code yes} among valid verdicts (Agent Evaluation's pass rate; null
     * when the judge's values are not yes/no), the mean precision of a per-chunk judge (null for other judges), and
     * the per-trace results (the first {@value #RESULTS}, only the {@code no} ones when {@code onlyNo}).
     */
    public record RunSummary(Job job, String experiment, String judge, int version, String sourceId,
                             Map<String, Long> values, long errors, List<RunError> firstErrors, Double yesShare,
                             Double meanPrecision, boolean onlyNo, List<TraceResult> results) {
        public long verdicts() {
            return values.values().stream().mapToLong(Long::longValue).sum();
        }

        /** {@code 66.7 %}. */
        public String yesSharePercent() {
            return yesShare == null ? "" : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * yesShare);
        }

        public String meanPrecisionText() {
            return meanPrecision == null ? "" : String.format(java.util.Locale.ROOT, "%.3f", meanPrecision);
        }
    }

    /** How many per-trace results a summary lists. */
    public static final int RESULTS = 200;

    /**
     * One trace's current verdict in a run.
     *
     * @param score     a 1–5 judge's score, else null
     * @param precision a per-chunk judge's precision, else null
     */
    public record TraceResult(long traceId, String value, String rationale, Integer score, Double precision) {
        public String precisionText() {
            return precision == null ? "" : String.format(java.util.Locale.ROOT, "%.2f", precision);
        }
    }

    public record RunError(long traceId, String error) {
    }

    @Inject
    JudgeService judges;

    @Inject
    JobService jobs;

    @Inject
    EntityManager em;

    /**
     * Enqueues a run of a judge version (default: latest) over the experiment's traces: all, one tag
     * ({@code key=value}) or explicit ids. Returns the job id.
     */
    public long start(String experiment, String name, String versionSelector, List<Long> traceIds, String tag,
                      String actor) {
        JudgeVersion version = judges.resolve(experiment, name,
                versionSelector == null || versionSelector.isBlank() ? "latest" : versionSelector);
        if (traceIds != null && tag != null && !tag.isBlank()) {
            throw ProblemException.invalid("trace_ids", "Give either trace_ids or tag, not both.");
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.put("judge_version_id", version.id);
        payload.put("experiment", experiment);
        payload.put("judge", name);
        payload.put("version", version.version);
        long total;
        if (traceIds != null) {
            if (traceIds.isEmpty()) {
                throw ProblemException.invalid("trace_ids", "trace_ids is empty; omit it to run over all traces.");
            }
            var ids = payload.putArray("trace_ids");
            traceIds.forEach(ids::add);
            total = ((Number) em.createNativeQuery("SELECT count(*) FROM trace WHERE experiment_id = ?1 AND id = ANY (?2)")
                    .setParameter(1, version.judge.experimentId).setParameter(2, traceIds.toArray(Long[]::new))
                    .getSingleResult()).longValue();
            if (total < traceIds.size()) {
                throw ProblemException.invalid("trace_ids", (traceIds.size() - total)
                        + " of the given trace ids are not traces of experiment '" + experiment + "'.");
            }
        } else if (tag != null && !tag.isBlank()) {
            if (!tag.contains("=")) {
                throw ProblemException.invalid("tag", "A tag filter is key=value, e.g. dataset=halueval.");
            }
            payload.put("tag", tag.strip());
            String[] kv = tag.split("=", 2);
            total = ((Number) em.createNativeQuery(
                            "SELECT count(*) FROM trace WHERE experiment_id = ?1 AND tags @> jsonb_build_object(CAST(?2 AS text), CAST(?3 AS text))")
                    .setParameter(1, version.judge.experimentId).setParameter(2, kv[0].strip())
                    .setParameter(3, kv[1].strip()).getSingleResult()).longValue();
        } else {
            total = ((Number) em.createNativeQuery("SELECT count(*) FROM trace WHERE experiment_id = ?1")
                    .setParameter(1, version.judge.experimentId).getSingleResult()).longValue();
        }
        if (total == 0) {
            throw ProblemException.invalid(tag != null ? "tag" : "experiment",
                    "No traces to run over" + (tag != null ? " with tag " + tag : "") + " in '" + experiment + "'.");
        }
        return jobs.enqueue(JudgeRunHandler.TYPE, payload, total, actor);
    }

    @Transactional(TxType.SUPPORTS)
    public RunSummary summary(long jobId) {
        return summary(jobId, false);
    }

    /** As {@link #summary(long)}; {@code onlyNo} lists only the traces judged {@code no}. */
    @Transactional(TxType.SUPPORTS)
    public RunSummary summary(long jobId, boolean onlyNo) {
        Job job = jobs.get(jobId);
        if (!JudgeRunHandler.TYPE.equals(job.type)) {
            throw ProblemException.notFound("Job " + jobId + " is not a judge run.");
        }
        var payload = job.payload;
        String name = payload.path("judge").asText();
        int version = payload.path("version").asInt();
        String sourceId = JudgeVersion.sourceId(name, version);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT coalesce(value, '(error)'), count(*) FROM current_assessment
                         WHERE source_id = ?1 AND source_type = 'LLM_JUDGE'
                           AND (metadata->>'job_id')::bigint = ?2
                         GROUP BY 1 ORDER BY 2 DESC""")
                .setParameter(1, sourceId).setParameter(2, jobId).getResultList();
        var values = new LinkedHashMap<String, Long>();
        long errors = 0;
        for (Object[] r : rows) {
            if ("(error)".equals(r[0])) {
                errors = ((Number) r[1]).longValue();
            } else {
                values.put((String) r[0], ((Number) r[1]).longValue());
            }
        }
        @SuppressWarnings("unchecked")
        List<Object[]> firstErrors = em.createNativeQuery("""
                        SELECT trace_id, error FROM current_assessment
                         WHERE source_id = ?1 AND source_type = 'LLM_JUDGE' AND NOT valid
                           AND (metadata->>'job_id')::bigint = ?2
                         ORDER BY id LIMIT 20""")
                .setParameter(1, sourceId).setParameter(2, jobId).getResultList();
        long verdicts = values.values().stream().mapToLong(Long::longValue).sum();
        boolean yesNo = verdicts > 0 && values.keySet().stream().allMatch(v -> v.equals("yes") || v.equals("no"));
        Double yesShare = yesNo ? (double) values.getOrDefault("yes", 0L) / verdicts : null;
        Object precision = em.createNativeQuery("""
                        SELECT avg((metadata->>'precision')::float8) FROM current_assessment
                         WHERE source_id = ?1 AND source_type = 'LLM_JUDGE' AND valid
                           AND (metadata->>'job_id')::bigint = ?2 AND metadata->>'precision' IS NOT NULL""")
                .setParameter(1, sourceId).setParameter(2, jobId).getSingleResult();
        @SuppressWarnings("unchecked")
        List<Object[]> rows2 = em.createNativeQuery("""
                        SELECT trace_id, value, rationale, metadata->>'score', metadata->>'precision'
                          FROM current_assessment
                         WHERE source_id = ?1 AND source_type = 'LLM_JUDGE' AND valid
                           AND (metadata->>'job_id')::bigint = ?2 AND (?3 = FALSE OR value = 'no')
                         ORDER BY trace_id LIMIT ?4""")
                .setParameter(1, sourceId).setParameter(2, jobId).setParameter(3, onlyNo).setParameter(4, RESULTS)
                .getResultList();
        List<TraceResult> results = rows2.stream().map(r -> new TraceResult(((Number) r[0]).longValue(),
                (String) r[1], (String) r[2], r[3] == null ? null : Integer.valueOf((String) r[3]),
                r[4] == null ? null : Double.valueOf((String) r[4]))).toList();
        return new RunSummary(job, payload.path("experiment").asText(), name, version, sourceId, values, errors,
                firstErrors.stream().map(r -> new RunError(((Number) r[0]).longValue(), (String) r[1])).toList(),
                yesShare, precision == null ? null : ((Number) precision).doubleValue(), onlyNo, results);
    }
}
