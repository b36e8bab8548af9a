package dev.jury.judges.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.judges.templates.TraceField;
import dev.jury.judges.templates.TraceFields;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job behind "run the judges that fit": reads the experiment's traces in id order, checks each one's fields
 * ({@link TraceFields}) against what each judge needs, then starts one ordinary judge run per judge over the traces
 * it fits. The result lists per judge the traces applied, the traces skipped, the count per missing field, and the
 * run's job id; and by id ({@code trace_ids}, {@code skipped_traces} with each trace's missing fields), the first
 * {@link #MAX_LISTED} of each, so that a very large experiment does not make a result of megabytes. Re-running after a crash repeats the check and starts the runs again (a judge run skips traces that
 * already have a verdict of its version, so nothing is judged twice).
 */
@ApplicationScoped
public class FittingJudgesHandler implements JobHandler {

    public static final String TYPE = "fitting-judges";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 500;
    /** Trace ids listed per judge in the result, for the applied and for the skipped ones each. */
    public static final int MAX_LISTED = 1_000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JudgeRunService runs;

    @Override
    public String type() {
        return TYPE;
    }

    /** One judge of the job: what it needs, and what the check found. */
    private static final class Tally {
        final String name;
        final int version;
        final List<TraceField> requires = new ArrayList<>();
        final List<Long> fitting = new ArrayList<>();
        final Map<String, Long> missing = new LinkedHashMap<>();
        /** The first {@link #MAX_LISTED} skipped traces with the fields each lacks. */
        final Map<Long, List<TraceField>> skippedTraces = new LinkedHashMap<>();
        long skipped;

        Tally(JsonNode judge) {
            name = judge.path("name").asText();
            version = judge.path("version").asInt();
            judge.path("requires").forEach(f -> requires.add(TraceField.valueOf(f.asText())));
        }
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        String experiment = ctx.payload().path("experiment").asText();
        List<Tally> tallies = new ArrayList<>();
        ctx.payload().path("judges").forEach(j -> tallies.add(new Tally(j)));
        long seen = 0;
        long after = 0;
        while (!ctx.isCancelRequested()) {
            List<Long> ids = new ArrayList<>();
            List<Set<TraceField>> fields = new ArrayList<>();
            after = page(experiment, after, ids, fields);
            if (ids.isEmpty()) {
                break;
            }
            for (int i = 0; i < ids.size(); i++) {
                for (Tally t : tallies) {
                    List<TraceField> lacking = TraceFields.missing(t.requires, fields.get(i));
                    if (lacking.isEmpty()) {
                        t.fitting.add(ids.get(i));
                    } else {
                        t.skipped++;
                        lacking.forEach(f -> t.missing.merge(f.path(), 1L, Long::sum));
                        if (t.skippedTraces.size() < MAX_LISTED) {
                            t.skippedTraces.put(ids.get(i), lacking);
                        }
                    }
                }
            }
            seen += ids.size();
            ctx.progress(seen, Math.max(seen, ctx.payload().path("total").asLong(seen)), 0);
        }
        if (ctx.isCancelRequested()) {
            ctx.info("Cancelled before any judge run was started");
            return;
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("traces", seen);
        ArrayNode list = result.putArray("judges");
        for (Tally t : tallies) {
            ObjectNode row = list.addObject();
            row.put("name", t.name);
            row.put("version", t.version);
            row.put("traces", t.fitting.size());
            row.put("skipped", t.skipped);
            ObjectNode why = row.putObject("skipped_by_missing_field");
            t.missing.forEach(why::put);
            ArrayNode applied = row.putArray("trace_ids");
            t.fitting.stream().limit(MAX_LISTED).forEach(applied::add);
            ArrayNode passed = row.putArray("skipped_traces");
            t.skippedTraces.forEach((id, lacking) -> {
                ObjectNode skip = passed.addObject().put("trace_id", id);
                ArrayNode fieldsMissing = skip.putArray("missing");
                lacking.forEach(f -> fieldsMissing.add(f.path()));
                skip.put("reason", "missing " + String.join(", ", lacking.stream().map(TraceField::path).toList()));
            });
            row.put("trace_ids_truncated", t.fitting.size() > MAX_LISTED);
            row.put("skipped_traces_truncated", t.skipped > MAX_LISTED);
            String reasons = t.missing.isEmpty() ? "" : " (missing " + String.join(", ", t.missing.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()) + ")";
            if (t.fitting.isEmpty()) {
                row.putNull("run_job_id");
                ctx.info(t.name + ": no trace fits, " + t.skipped + " skipped" + reasons);
                continue;
            }
            try {
                long job = runs.start(experiment, t.name, String.valueOf(t.version), t.fitting, null,
                        ctx.payload().path("actor").asText("fitting-judges"));
                row.put("run_job_id", job);
                ctx.info(t.name + ": run " + job + " over " + t.fitting.size() + " traces, " + t.skipped + " skipped"
                        + reasons);
            } catch (ProblemException e) {
                row.putNull("run_job_id");
                row.put("error", e.getMessage());
                ctx.warn(t.name + ": not started: " + e.getMessage());
            }
        }
        ctx.result(result);
    }

    /** The next page of traces after id {@code after}: their ids and fields; returns the last id read. */
    private long page(String experiment, long after, List<Long> ids, List<Set<TraceField>> fields)
            throws SQLException, IOException {
        long last = after;
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT t.id, t.inputs::text, t.outputs::text, t.expectations::text, t.spans::text
                  FROM trace t JOIN experiment e ON e.id = t.experiment_id
                 WHERE e.name = ? AND t.id > ? ORDER BY t.id LIMIT ?""")) {
            s.setString(1, experiment);
            s.setLong(2, after);
            s.setInt(3, PAGE);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    ids.add(last);
                    fields.add(TraceFields.present(json(rs.getString(2)), json(rs.getString(3)),
                            json(rs.getString(4)), json(rs.getString(5))));
                }
            }
        }
        return last;
    }

    private static JsonNode json(String text) throws IOException {
        return text == null ? null : JSON.readTree(text);
    }
}
