package dev.jury.alignment.run;

import dev.jury.labels.LabelSql;
import dev.jury.judges.JudgeAlias;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Closing the production loop (issue 14): how many human labels arrived since the judge was last aligned, and on how
 * many of them the version in production was wrong — the figure that tells an admin whether folding them in is worth
 * a run. "Since the last alignment" means created after the newest <em>succeeded</em> alignment run of the judge was
 * enqueued (its data set was frozen then, so later labels cannot be in it); a judge never aligned counts every label.
 *
 * <p>"Wrong" compares each label with the current valid verdict of the version the loop would start from — the
 * registered version, else the latest — on the same trace (online scoring and judge runs write those verdicts). A
 * label on a trace that version has not judged is counted apart, never as right or wrong.
 */
@ApplicationScoped
public class NewLabels {

    /**
     * @param baseVersion     the version the fold-in starts from (registered, else latest)
     * @param registered      whether {@code baseVersion} is the registered one
     * @param lastAlignment   when the newest succeeded alignment run was enqueued; {@code null} if never aligned
     * @param lastRunId       that run's id, or {@code null}
     * @param labels          current valid human labels created after {@code lastAlignment} (adjudications included)
     * @param traces          distinct traces among them
     * @param judged          labels on traces the base version has a valid verdict for
     * @param wrong           of those, labels whose value differs from the verdict
     * @param hasMemory       the base version has a labelled memory, so "add to memory" applies
     * @param activeRunId     an alignment run of this judge still queued or running, or {@code null}
     */
    public record Status(String experiment, String judge, int baseVersion, boolean registered, Instant lastAlignment,
                         Long lastRunId, long labels, long traces, long judged, long wrong, boolean hasMemory,
                         Long activeRunId) {

        public long unjudged() {
            return labels - judged;
        }

        /** Share of judged labels the judge got wrong as a whole percentage, or "" with none judged. */
        public String wrongPercent() {
            return judged == 0 ? "" : String.format(Locale.ROOT, "%.0f%%", 100.0 * wrong / judged);
        }
    }

    @Inject
    EntityManager em;

    @Inject
    JudgeService judges;

    /** @throws dev.jury.web.ProblemException 404 for an unknown experiment or judge */
    @Transactional(TxType.SUPPORTS)
    public Status of(String experiment, String name) {
        JudgeVersion base = judges.resolve(experiment, name, "");
        Integer registered = JudgeAlias.findFor(base.judge.id, JudgeAlias.REGISTERED).map(a -> a.version).orElse(null);
        Object[] last = first(em.createNativeQuery("""
                        SELECT id, created_at FROM alignment_run
                         WHERE judge_id = ?1 AND status = 'SUCCEEDED' ORDER BY created_at DESC, id DESC LIMIT 1""")
                .setParameter(1, base.judge.id).getResultList());
        Object[] active = first(em.createNativeQuery("""
                        SELECT id, created_at FROM alignment_run
                         WHERE judge_id = ?1 AND status IN ('QUEUED', 'RUNNING') ORDER BY id DESC LIMIT 1""")
                .setParameter(1, base.judge.id).getResultList());
        Instant since = last == null ? null : instant(last[1]);
        // One pass over the experiment's current human labels of this name (the same name rule as the data set:
        // exact, or trimmed and case-folded), each joined to the base version's verdict on its trace.
        Object[] counts = (Object[]) em.createNativeQuery("""
                        SELECT count(*), count(DISTINCT h.trace_id), count(j.id),
                               count(j.id) FILTER (WHERE j.value <> h.value)
                          FROM current_assessment h
                          JOIN trace t ON t.id = h.trace_id
                          LEFT JOIN current_assessment j
                                 ON j.trace_id = h.trace_id AND j.source_type = 'LLM_JUDGE'
                                AND j.judge_version_id = ?3 AND j.valid AND j.value IS NOT NULL
                         WHERE t.experiment_id = ?1 AND $name
                           AND h.source_type = 'HUMAN' AND h.valid AND h.value IS NOT NULL
                           AND (CAST(?4 AS timestamptz) IS NULL OR h.created_at > CAST(?4 AS timestamptz))"""
                        .replace("$name", LabelSql.nameIs("h", "?2")))
                .setParameter(1, base.judge.experimentId)
                .setParameter(2, base.judge.name.strip().toLowerCase(Locale.ROOT))
                .setParameter(3, base.id)
                .setParameter(4, since == null ? null : Timestamp.from(since))
                .getSingleResult();
        var memory = base.memory();
        return new Status(experiment, base.judge.name, base.version, registered != null
                && registered == base.version, since, last == null ? null : ((Number) last[0]).longValue(),
                number(counts[0]), number(counts[1]), number(counts[2]), number(counts[3]),
                memory != null && !memory.isEmpty() && !memory.examples().isEmpty(),
                active == null ? null : ((Number) active[0]).longValue());
    }

    private static Object[] first(List<?> rows) {
        return rows.isEmpty() ? null : (Object[]) rows.get(0);
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
