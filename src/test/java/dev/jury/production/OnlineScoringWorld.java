package dev.jury.production;

import dev.jury.registry.RegistryFixtures;
import dev.jury.registry.RegistryService;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The online-scoring tests' world: the registry fixtures' experiment with judge {@code correct} (version 1
 * registered) and helpers that write what a test needs straight into the tables.
 */
@ApplicationScoped
public class OnlineScoringWorld {

    @Inject
    RegistryFixtures fixtures;

    @Inject
    RegistryService registry;

    @Inject
    AgroalDataSource dataSource;

    public record World(RegistryFixtures.World registry, long judgeId, long experimentId) {
        public String experiment() {
            return registry.experiment();
        }
    }

    /** Experiment, judge 'correct' v1 registered, {@code traces} traces made before any scoring. */
    public World create(int traces) throws SQLException {
        return create("openai-compatible", traces);
    }

    /** As {@link #create(int)}, the judge on a model of {@code provider} (all of them point at the LLM fake). */
    public World create(String provider, int traces) throws SQLException {
        var w = fixtures.world(provider, traces);
        registry.register(w.experiment(), "correct", 1, "admin");
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT j.id, j.experiment_id FROM judge j JOIN experiment e ON e.id = j.experiment_id
                 WHERE e.name = ? AND j.name = 'correct'""")) {
            s.setString(1, w.experiment());
            var rs = s.executeQuery();
            rs.next();
            return new World(w, rs.getLong(1), rs.getLong(2));
        }
    }

    /** A settings row written directly (no cursor reset, no job): for tests that drive the queue themselves. */
    public long config(World w, boolean enabled, double rate, String filter, long cursor) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO online_scoring (judge_id, enabled, sample_rate, filter, cursor_trace_id, updated_by)
                VALUES (?, ?, ?, ?, ?, 'test') RETURNING id""")) {
            s.setLong(1, w.judgeId());
            s.setBoolean(2, enabled);
            s.setDouble(3, rate);
            s.setString(4, filter);
            s.setLong(5, cursor);
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Traces with the given tags, inserted as any ingest path would. */
    public List<Long> traces(World w, int n, Map<String, String> tags) throws SQLException {
        var ids = new ArrayList<Long>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO trace (experiment_id, inputs, outputs, tags)
                VALUES (?, '{"q": "2+2"}', to_jsonb(CAST(? AS text)), CAST(? AS jsonb)) RETURNING id""")) {
            for (int i = 0; i < n; i++) {
                s.setLong(1, w.experimentId());
                s.setString(2, "answer " + i + " says 4");
                s.setString(3, new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(tags).toString());
                var rs = s.executeQuery();
                rs.next();
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Sampled-trace rows for the traces, PENDING. */
    public void items(long configId, List<Long> traces) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO online_scoring_item (config_id, trace_id) SELECT ?, t FROM unnest(?::bigint[]) t""")) {
            s.setLong(1, configId);
            s.setArray(2, c.createArrayOf("bigint", traces.toArray()));
            s.executeUpdate();
        }
    }

    /** The id of version {@code n} of the world's judge. */
    public long versionId(World w, int n) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT id FROM judge_version WHERE judge_id = ? AND version = ?")) {
            s.setLong(1, w.judgeId());
            s.setInt(2, n);
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Valid verdicts of version {@code n} per trace: trace → count (traces without one are absent). */
    public Map<Long, Long> verdicts(World w, int n) throws SQLException {
        var counts = new java.util.TreeMap<Long, Long>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT a.trace_id, count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id
                 WHERE t.experiment_id = ? AND a.source_type = 'LLM_JUDGE' AND a.source_id = ? AND a.valid
                 GROUP BY a.trace_id""")) {
            s.setLong(1, w.experimentId());
            s.setString(2, "judge:correct@v" + n);
            var rs = s.executeQuery();
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return counts;
    }
}
