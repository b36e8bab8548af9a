package dev.jury.judges.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The template values of a batch of traces ({@code inputs}, {@code outputs}, {@code expectations}, {@code trace}) in
 * one query, for whoever calls a judge over many traces (judge runs, online scoring). Read as JSON text and parsed
 * here: loading a {@code Trace} entity per trace (one transaction each, Hibernate mapping four JSON columns) cost
 * about a quarter of a run's CPU in the judge-run benchmark.
 */
public final class TraceValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TraceValues() {
    }

    /** Trace id → its template values; ids that name no trace are absent. */
    public static Map<Long, Map<String, JsonNode>> load(DataSource dataSource, List<Long> ids)
            throws SQLException, IOException {
        var values = new HashMap<Long, Map<String, JsonNode>>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT id, inputs::text, outputs::text, expectations::text, spans::text
                  FROM trace WHERE id = ANY (?)""")) {
            s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getLong(1), JudgeCaller.traceValues(json(rs.getString(2)), json(rs.getString(3)),
                            json(rs.getString(4)), json(rs.getString(5))));
                }
            }
        }
        return values;
    }

    private static JsonNode json(String text) throws IOException {
        return text == null ? null : JSON.readTree(text);
    }
}
