package dev.jury.traces;

import dev.jury.labels.Assessment;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.ArrayList;
import java.util.List;

/** Reading traces: keyset-paginated lists with filters, one trace, its assessments. */
@ApplicationScoped
@Transactional(TxType.SUPPORTS)
public class TraceService {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    @Inject
    ExperimentService experiments;

    @Inject
    EntityManager entityManager;

    /** Newest first, ids below {@code cursor} (null = from the newest), at most {@code limit}. */
    @SuppressWarnings("unchecked")
    public TracePage list(Experiment experiment, TraceFilter filter, Long cursor, int limit) {
        var sql = new StringBuilder("SELECT t.* FROM trace t WHERE t.experiment_id = ?1");
        var params = new ArrayList<Object>();
        params.add(experiment.id);
        if (cursor != null) {
            params.add(cursor);
            sql.append(" AND t.id < ?").append(params.size());
        }
        if (filter.tagKey() != null) {
            params.add(JsonNodeFactory.instance.objectNode().put(filter.tagKey(), filter.tagValue()).toString());
            sql.append(" AND t.tags @> CAST(?").append(params.size()).append(" AS jsonb)");
        }
        if (filter.judged() != null) {
            sql.append(filter.judged() ? " AND EXISTS " : " AND NOT EXISTS ").append(current("LLM_JUDGE"));
        }
        if (filter.labelled() != null) {
            sql.append(filter.labelled() ? " AND EXISTS " : " AND NOT EXISTS ").append(current("HUMAN"));
        }
        if (filter.labelName() != null) {
            String label = current("HUMAN");
            params.add(filter.labelName());
            label = label.substring(0, label.length() - 1) + " AND a.name = ?" + params.size();
            if (filter.labelValue() != null) {
                params.add(filter.labelValue());
                label += " AND a.value = ?" + params.size();
            }
            sql.append(" AND EXISTS ").append(label).append(')');
        }
        params.add(limit + 1);
        sql.append(" ORDER BY t.id DESC LIMIT ?").append(params.size());
        var query = entityManager.createNativeQuery(sql.toString(), Trace.class);
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        List<Trace> rows = query.getResultList();
        boolean more = rows.size() > limit;
        List<Trace> page = more ? rows.subList(0, limit) : rows;
        return new TracePage(List.copyOf(page), more ? page.get(page.size() - 1).id : null);
    }

    public TracePage list(String experimentName, TraceFilter filter, Long cursor, int limit) {
        return list(experiments.get(experimentName), filter, cursor, limit);
    }

    /** The trace, or a 404 problem naming the id. */
    public Trace get(long id) {
        Trace trace = Trace.findById(id);
        if (trace == null) {
            throw ProblemException.notFound("No trace with id " + id + ".");
        }
        return trace;
    }

    public List<Assessment> assessments(long traceId) {
        return Assessment.listForTrace(traceId);
    }

    public Experiment experimentOf(Trace trace) {
        return Experiment.findById(trace.experimentId);
    }

    /** A current (not superseded), valid assessment of the given source type on trace t. */
    private static String current(String sourceType) {
        return "(SELECT 1 FROM current_assessment a WHERE a.trace_id = t.id AND a.source_type = '" + sourceType
                + "' AND a.valid)";
    }

    /** The {@code limit} parameter: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent. */
    public static int parseLimit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    /** The {@code cursor} parameter: the last id of the previous page, or null for the first page. */
    public static Long parseCursor(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long cursor = Long.parseLong(raw.trim());
            if (cursor > 0) {
                return cursor;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid("cursor", "'cursor' must be a trace id from 'next_cursor'.");
    }
}
