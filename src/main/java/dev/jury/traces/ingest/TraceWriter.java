package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.labels.LabelWriter;
import dev.jury.labels.NewLabel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bulk insert path: one statement per chunk, rows passed as arrays and expanded by {@code unnest}, duplicate
 * client request ids skipped by the unique index ({@code ON CONFLICT DO NOTHING}). No entity per row.
 * <p>
 * Rows are inserted {@code ORDER BY ordinality}, and identity values are drawn in insertion order within one
 * statement, so the ascending new ids line up with the created rows in input order.
 */
final class TraceWriter {

    static final String INSERT_TRACES = """
            INSERT INTO trace (experiment_id, client_request_id, inputs, outputs, expectations, spans, tags, source,
                               mlflow_trace_id)
            SELECT ?, r.client_request_id, r.inputs::jsonb, r.outputs::jsonb, r.expectations::jsonb, r.spans::jsonb,
                   r.tags::jsonb, ?, r.mlflow_trace_id
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                 AS r(client_request_id, inputs, outputs, expectations, spans, tags, mlflow_trace_id, ord)
            ORDER BY r.ord
            ON CONFLICT DO NOTHING
            RETURNING id, client_request_id""";

    private final ObjectMapper mapper;

    TraceWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Inserts the chunk; returns each row's new id, or 0 where its client request id was already stored. */
    long[] insert(Connection connection, long experimentId, String source, List<PreparedTrace> rows) throws SQLException {
        int n = rows.size();
        String[] ids = new String[n];
        String[] inputs = new String[n];
        String[] outputs = new String[n];
        String[] expectations = new String[n];
        String[] spans = new String[n];
        String[] tags = new String[n];
        String[] mlflowIds = new String[n];
        for (int i = 0; i < n; i++) {
            var row = rows.get(i);
            ids[i] = row.draft().clientRequestId();
            inputs[i] = row.inputs();
            outputs[i] = row.outputs();
            expectations[i] = row.expectations();
            spans[i] = row.spans();
            tags[i] = row.tags();
            mlflowIds[i] = row.draft().mlflowTraceId();
        }
        var byRequestId = new HashMap<String, Long>();
        var anonymous = new ArrayList<Long>();
        try (PreparedStatement insert = connection.prepareStatement(INSERT_TRACES)) {
            insert.setLong(1, experimentId);
            insert.setString(2, source);
            insert.setArray(3, connection.createArrayOf("text", ids));
            insert.setArray(4, connection.createArrayOf("text", inputs));
            insert.setArray(5, connection.createArrayOf("text", outputs));
            insert.setArray(6, connection.createArrayOf("text", expectations));
            insert.setArray(7, connection.createArrayOf("text", spans));
            insert.setArray(8, connection.createArrayOf("text", tags));
            insert.setArray(9, connection.createArrayOf("text", mlflowIds));
            try (var result = insert.executeQuery()) {
                while (result.next()) {
                    String requestId = result.getString(2);
                    if (requestId == null) {
                        anonymous.add(result.getLong(1));
                    } else {
                        byRequestId.put(requestId, result.getLong(1));
                    }
                }
            }
        }
        anonymous.sort(null);
        long[] created = new long[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            String requestId = ids[i];
            if (requestId == null) {
                created[i] = anonymous.get(next++);
            } else {
                created[i] = byRequestId.getOrDefault(requestId, 0L);
            }
        }
        insertAssessments(connection, rows, created);
        return created;
    }

    private void insertAssessments(Connection connection, List<PreparedTrace> rows, long[] traceIds) throws SQLException {
        var traceOf = new ArrayList<Long>();
        var drafts = new ArrayList<AssessmentDraft>();
        for (int i = 0; i < rows.size(); i++) {
            if (traceIds[i] == 0) {
                continue; // a duplicate: its assessments were stored with the first import
            }
            for (var a : rows.get(i).draft().assessments()) {
                traceOf.add(traceIds[i]);
                drafts.add(a);
            }
        }
        if (drafts.isEmpty()) {
            return;
        }
        var labels = new ArrayList<NewLabel>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            var a = drafts.get(i);
            String metadata = a.externalId() == null ? null
                    : mapper.createObjectNode().put("mlflow_assessment_id", a.externalId()).toString();
            labels.add(new NewLabel(traceOf.get(i), a.name(), a.value(), a.rationale(), a.sourceType(), a.sourceId(),
                    null, null, null, a.error(), null, a.valid(), a.createdAt(), metadata, null));
        }
        long[] ids = LabelWriter.insertAll(connection, labels);
        linkOverrides(connection, traceOf, drafts, ids);
    }

    /** An override imported with its target: the new row supersedes the old one, the old one is superseded by it. */
    private static void linkOverrides(Connection connection, List<Long> traceOf, List<AssessmentDraft> drafts, long[] ids)
            throws SQLException {
        Map<String, Long> byExternalId = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            if (drafts.get(i).externalId() != null) {
                byExternalId.put(traceOf.get(i) + "/" + drafts.get(i).externalId(), ids[i]);
            }
        }
        var pairs = new ArrayList<long[]>();
        for (int i = 0; i < drafts.size(); i++) {
            String target = drafts.get(i).overrides();
            Long old = target == null ? null : byExternalId.get(traceOf.get(i) + "/" + target);
            if (old != null && old != ids[i]) {
                pairs.add(new long[]{old, ids[i]});
            }
        }
        LabelWriter.supersede(connection, pairs);
    }
}
