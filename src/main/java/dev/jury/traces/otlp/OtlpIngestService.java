package dev.jury.traces.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.traces.ingest.InvalidTraceException;
import dev.jury.traces.ingest.TraceDraft;
import dev.jury.traces.ingest.TraceIngestService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores the spans of one OTLP export request, in one transaction: spans are grouped by experiment and trace id;
 * a trace whose root span is in the request becomes a Jury trace (joined with its spans that arrived earlier and
 * waited in {@code otlp_pending_span}), written by the same bulk insert as every other ingest path
 * ({@link TraceIngestService#store}), once per experiment and trace id; spans of a trace whose root has not come
 * yet wait; spans of a trace already stored are not added (reported as a warning). Refused spans are counted with
 * their reason; the others are kept.
 */
@ApplicationScoped
public class OtlpIngestService {

    /** The resource attribute naming the experiment a service's traces belong to. */
    public static final String EXPERIMENT_ATTRIBUTE = "jury.experiment";
    static final String SOURCE = "otlp";

    private static final Logger LOG = Logger.getLogger(OtlpIngestService.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder().nodeFactory(SpanJson.NODES).build();

    static final String FIND_EXPERIMENT = "SELECT id FROM experiment WHERE name = ?";
    static final String TAKE_PENDING = """
            DELETE FROM otlp_pending_span p USING unnest(?::bigint[], ?::text[]) AS k(experiment_id, trace_id)
            WHERE p.experiment_id = k.experiment_id AND p.trace_id = k.trace_id
            RETURNING p.experiment_id, p.trace_id, p.span::text""";
    static final String FIND_STORED = """
            SELECT t.experiment_id, t.client_request_id FROM trace t
            JOIN unnest(?::bigint[], ?::text[]) AS k(experiment_id, trace_id)
              ON t.experiment_id = k.experiment_id AND t.client_request_id = k.trace_id""";
    static final String PUT_PENDING = """
            INSERT INTO otlp_pending_span (experiment_id, trace_id, span_id, span)
            SELECT r.experiment_id, r.trace_id, r.span_id, r.span::jsonb
            FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS r(experiment_id, trace_id, span_id, span)
            ON CONFLICT DO NOTHING""";
    static final String DROP_EXPIRED = "DELETE FROM otlp_pending_span WHERE received_at < now() - ?::interval";

    @Inject
    DataSource dataSource;

    @Inject
    TraceIngestService ingest;

    @Inject
    OtlpConfig config;

    record TraceKey(long experimentId, String traceId) {
    }

    /** The spans of one trace in this request, and those that waited for it. */
    static final class Group {
        final List<ReceivedSpan> received = new ArrayList<>();
        final List<ObjectNode> earlier = new ArrayList<>();
        ReceivedSpan root;
    }

    /**
     * @param headerExperiment the {@code X-Jury-Experiment} header, used for resources without {@code jury.experiment}
     */
    @Transactional
    public ExportOutcome export(List<ReceivedSpan> spans, String headerExperiment) {
        var outcome = new ExportOutcome(spans.size());
        try (Connection connection = dataSource.getConnection()) {
            Map<TraceKey, Group> groups = group(connection, spans, headerExperiment, outcome);
            var complete = new LinkedHashMap<TraceKey, Group>();
            var rootless = new LinkedHashMap<TraceKey, Group>();
            groups.forEach((key, group) -> (group.root != null ? complete : rootless).put(key, group));
            if (!complete.isEmpty()) {
                takePending(connection, complete);
                storeTraces(connection, complete, outcome);
            }
            if (!rootless.isEmpty()) {
                keepWaiting(connection, rootless, outcome);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Storing OTLP spans failed: " + e.getMessage(), e);
        }
        return outcome;
    }

    private Map<TraceKey, Group> group(Connection connection, List<ReceivedSpan> spans, String headerExperiment,
                                       ExportOutcome outcome) throws SQLException {
        var experimentIds = new HashMap<String, Long>();
        var groups = new LinkedHashMap<TraceKey, Group>();
        for (ReceivedSpan span : spans) {
            if (span.refused()) {
                outcome.reject(1, span.error());
                continue;
            }
            String name = experimentName(span.resource(), headerExperiment);
            if (name == null) {
                outcome.reject(1, "No experiment: set the resource attribute '" + EXPERIMENT_ATTRIBUTE
                        + "' (OTEL_RESOURCE_ATTRIBUTES=jury.experiment=<name>) or the header X-Jury-Experiment.");
                continue;
            }
            Long id = experimentIds.get(name);
            if (id == null && !experimentIds.containsKey(name)) {
                id = findExperiment(connection, name);
                experimentIds.put(name, id);
            }
            if (id == null) {
                outcome.reject(1, "Unknown experiment '" + SpanJson.printable(name) + "': create it first.");
                continue;
            }
            Group group = groups.computeIfAbsent(new TraceKey(id, span.traceId()), k -> new Group());
            group.received.add(span);
            if (span.isRoot() && group.root == null) {
                group.root = span;
            }
        }
        return groups;
    }

    static String experimentName(ObjectNode resource, String headerExperiment) {
        var attribute = resource == null ? null : resource.get(EXPERIMENT_ATTRIBUTE);
        if (attribute != null && attribute.isTextual() && !attribute.asText().isBlank()) {
            return attribute.asText().trim();
        }
        return headerExperiment == null || headerExperiment.isBlank() ? null : headerExperiment.trim();
    }

    private static Long findExperiment(Connection connection, String name) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND_EXPERIMENT)) {
            find.setString(1, name);
            try (var result = find.executeQuery()) {
                return result.next() ? result.getLong(1) : null;
            }
        }
    }

    /** Joins the spans that arrived before their root (and deletes them: they become part of the trace). */
    private static void takePending(Connection connection, Map<TraceKey, Group> complete) throws SQLException {
        try (PreparedStatement take = connection.prepareStatement(TAKE_PENDING)) {
            setKeys(connection, take, complete.keySet());
            try (var result = take.executeQuery()) {
                while (result.next()) {
                    Group group = complete.get(new TraceKey(result.getLong(1), result.getString(2)));
                    try {
                        group.earlier.add((ObjectNode) MAPPER.readTree(result.getString(3)));
                    } catch (JsonProcessingException | ClassCastException e) {
                        LOG.warnf("A pending span of trace %s could not be read back and is dropped: %s",
                                result.getString(2), e.getMessage());
                    }
                }
            }
        }
    }

    private void storeTraces(Connection connection, Map<TraceKey, Group> complete, ExportOutcome outcome)
            throws SQLException {
        var byExperiment = new LinkedHashMap<Long, List<Map.Entry<TraceKey, TraceDraft>>>();
        for (var entry : complete.entrySet()) {
            Group group = entry.getValue();
            var spans = new ArrayList<ObjectNode>(group.received.size() + group.earlier.size());
            group.received.forEach(s -> spans.add(s.span()));
            spans.addAll(group.earlier);
            try {
                TraceDraft draft = OtlpTraceMapper.map(entry.getKey().traceId(), spans, group.root.resource());
                byExperiment.computeIfAbsent(entry.getKey().experimentId(), e -> new ArrayList<>())
                        .add(Map.entry(entry.getKey(), draft));
            } catch (InvalidTraceException e) {
                outcome.reject(group.received.size(), e.getMessage());
            }
        }
        for (var experiment : byExperiment.entrySet()) {
            var entries = experiment.getValue();
            List<TraceIngestService.Stored> stored = ingest.store(connection, experiment.getKey(), SOURCE,
                    entries.stream().map(Map.Entry::getValue).toList());
            for (int i = 0; i < stored.size(); i++) {
                var answer = stored.get(i);
                if (answer.created()) {
                    outcome.created();
                } else if (answer.duplicate()) {
                    outcome.duplicate(); // sent again (an exporter's retry): stored once, nothing refused
                } else {
                    outcome.reject(complete.get(entries.get(i).getKey()).received.size(),
                            "Trace " + entries.get(i).getKey().traceId() + ": " + answer.error());
                }
            }
        }
    }

    /** Spans without their root wait for it, unless their trace is already stored (then they are too late). */
    private static void keepWaiting(Connection connection, Map<TraceKey, Group> rootless, ExportOutcome outcome)
            throws SQLException {
        Set<TraceKey> stored = new HashSet<>();
        try (PreparedStatement find = connection.prepareStatement(FIND_STORED)) {
            setKeys(connection, find, rootless.keySet());
            try (var result = find.executeQuery()) {
                while (result.next()) {
                    stored.add(new TraceKey(result.getLong(1), result.getString(2)));
                }
            }
        }
        var experiments = new ArrayList<Long>();
        var traces = new ArrayList<String>();
        var spanIds = new ArrayList<String>();
        var json = new ArrayList<String>();
        for (var entry : rootless.entrySet()) {
            if (stored.contains(entry.getKey())) {
                outcome.late(entry.getValue().received.size());
                continue;
            }
            for (ReceivedSpan span : entry.getValue().received) {
                experiments.add(entry.getKey().experimentId());
                traces.add(span.traceId());
                spanIds.add(span.spanId());
                json.add(span.span().toString());
            }
            outcome.pending(entry.getValue().received.size());
        }
        if (experiments.isEmpty()) {
            return;
        }
        try (PreparedStatement put = connection.prepareStatement(PUT_PENDING)) {
            put.setArray(1, connection.createArrayOf("bigint", experiments.toArray(Long[]::new)));
            put.setArray(2, connection.createArrayOf("text", traces.toArray(String[]::new)));
            put.setArray(3, connection.createArrayOf("text", spanIds.toArray(String[]::new)));
            put.setArray(4, connection.createArrayOf("text", json.toArray(String[]::new)));
            put.executeUpdate();
        }
    }

    private static void setKeys(Connection connection, PreparedStatement statement, Set<TraceKey> keys)
            throws SQLException {
        statement.setArray(1, connection.createArrayOf("bigint", keys.stream().map(TraceKey::experimentId).toArray(Long[]::new)));
        statement.setArray(2, connection.createArrayOf("text", keys.stream().map(TraceKey::traceId).toArray(String[]::new)));
    }

    /** Spans whose root never came are dropped after {@code jury.otlp.pending-ttl}. */
    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void dropExpiredPending() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement drop = connection.prepareStatement(DROP_EXPIRED)) {
            drop.setString(1, config.pendingTtl().toSeconds() + " seconds");
            int dropped = drop.executeUpdate();
            if (dropped > 0) {
                LOG.infof("Dropped %d OTLP spans whose root span did not arrive within %s", dropped, config.pendingTtl());
            }
        } catch (SQLException e) {
            LOG.warnf("Dropping expired OTLP spans failed: %s", e.getMessage());
        }
    }
}
