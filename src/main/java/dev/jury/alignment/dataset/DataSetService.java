package dev.jury.alignment.dataset;

import dev.jury.labels.LabelSql;
import dev.jury.judges.JudgeVersion;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the human labels of a judge's name and builds its alignment data set ({@link DataSetBuilder}). */
@ApplicationScoped
@Transactional(TxType.SUPPORTS)
public class DataSetService {

    @Inject
    EntityManager em;

    /**
     * The data set for aligning {@code base}: every current valid HUMAN label of its name (trim + case-fold) on the
     * experiment's traces, read against the base version's rubric.
     */
    public DataSet build(JudgeVersion base, Integer rubricVersion, boolean rebalance, double heldoutFraction,
                         long seed) {
        long experimentId = base.judge.experimentId;
        String name = base.judge.name;
        String folded = name.strip().toLowerCase(Locale.ROOT);
        Map<Long, Integer> versionNumbers = new HashMap<>();
        int current = base.rubricVersion.version;
        Rubric rubric = Rubric.findByName(experimentId, name).orElse(null);
        if (rubric != null) {
            List<RubricVersion> versions = RubricVersion.listVersions(rubric.id);
            versions.forEach(v -> versionNumbers.put(v.id, v.version));
            if (!versions.isEmpty()) {
                current = versions.get(0).version;
            }
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT a.id, a.trace_id, a.source_id, a.value, a.rationale, a.rubric_version_id,
                               a.source_id LIKE 'adjudication:%'
                          FROM current_assessment a JOIN trace t ON t.id = a.trace_id
                         WHERE t.experiment_id = ?1 AND $name
                           AND a.source_type = 'HUMAN' AND a.valid
                           AND a.error IS NULL AND a.value IS NOT NULL
                         ORDER BY a.id""".replace("$name", LabelSql.nameIs("a", "?2")))
                .setParameter(1, experimentId).setParameter(2, folded).getResultList();
        List<LabelRow> labels = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            Long versionId = r[5] == null ? null : ((Number) r[5]).longValue();
            int version = versionId == null ? current : versionNumbers.getOrDefault(versionId, current);
            labels.add(new LabelRow(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), (String) r[2],
                    (String) r[3], (String) r[4], version, (Boolean) r[6]));
        }
        long superseded = ((Number) em.createNativeQuery("""
                        SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id
                         WHERE t.experiment_id = ?1 AND $name
                           AND a.source_type = 'HUMAN' AND (a.superseded_by IS NOT NULL OR NOT a.valid)"""
                        .replace("$name", LabelSql.nameIs("a", "?2")))
                .setParameter(1, experimentId).setParameter(2, folded).getSingleResult()).longValue();
        return DataSetBuilder.build(labels, new DataSetRequest(name, base.rubricVersion.spec(), rubricVersion,
                DataSetRequest.DEFAULT_BALANCE_TARGET, rebalance, heldoutFraction, seed, DataSetRequest.MIN_TRACES),
                superseded);
    }
}
