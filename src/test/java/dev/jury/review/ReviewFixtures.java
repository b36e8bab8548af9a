package dev.jury.review;

import dev.jury.testenv.Db;
import dev.jury.experiments.ExperimentService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.templates.TemplateParams;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricSpec;
import io.agroal.api.AgroalDataSource;
import io.restassured.response.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Builders for the review page tests: an experiment with a yes/no rubric {@code correct} (rationale required, at
 * least 3 characters), traces the judge predicted, and queues over them.
 */
@ApplicationScoped
public class ReviewFixtures {

    static final String JUDGE = "correct";
    static final RubricSpec YES_NO = new RubricSpec(RubricKind.BOOLEAN, List.of(
            new RubricLevel("yes", "Correct", "Answers the question correctly.", false),
            new RubricLevel("no", "Wrong", "Wrong or misleading.", true)),
            "Judge the answer only, not the tone.", true, 3, null);

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    private static final Pattern LEASE = Pattern.compile("name=\"lease\" value=\"(\\d+)\"");
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([0-9a-f-]{36})\"");

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    @Inject
    QueueService queues;

    @Inject
    JudgeService judges;

    @Inject
    AgroalDataSource dataSource;

    /** A new experiment with the rubric; returns its name. */
    public String experiment() {
        String name = "rv-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(name, "review page tests", "admin");
        rubrics.save(name, JUDGE, YES_NO, "admin");
        return name;
    }

    /**
     * A queue of a per-chunk judge (the {@code chunk_relevance} template) over two traces of three retrieved chunks
     * each (the second chunk off topic and markup-like), one reviewer per item; its members are {@code members}.
     */
    public ReviewQueue perChunkQueue(List<String> members) throws SQLException {
        String experiment = "chunks-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(experiment, "per-chunk review", "admin");
        judges.createFromTemplate(experiment, "chunk_relevance", null, null, "openai-compatible:/chunky", Map.of(),
                TemplateParams.none(), "admin");
        String outputs = """
                {"answer": "Paris.", "retrieved_context": [
                  {"content": "chunk-a Paris is the capital of France.", "doc_uri": "wiki/paris"},
                  {"content": "chunk-b Bananas are <b>yellow</b>."},
                  {"content": "chunk-c France's capital city is Paris."}]}""";
        try (var c = dataSource.getConnection()) {
            for (String verdict : List.of("no", "yes")) {
                try (var s = c.prepareStatement("""
                        WITH t AS (INSERT INTO trace (experiment_id, inputs, outputs)
                                   SELECT id, '{"question": "capital of France?"}', ?::jsonb FROM experiment
                                    WHERE name = ? RETURNING id)
                        INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                        SELECT t.id, 'chunk_relevance', ?, 'judge', 'LLM_JUDGE', 'judge:chunk_relevance@v1' FROM t""")) {
                    s.setString(1, outputs);
                    s.setString(2, experiment);
                    s.setString(3, verdict);
                    s.executeUpdate();
                }
            }
        }
        return queues.create(experiment, new QueueService.CreateQueue("q-chunks", "chunk_relevance", 2, 1, 0.0,
                true, members, 7L, false, null, null, null), "admin");
    }

    /** Traces with the given outputs, each with a judge verdict ({@code no} for the first {@code negatives}). */
    public List<Long> traces(String experiment, int negatives, int positives) throws SQLException {
        var outputs = new ArrayList<String>();
        for (int i = 0; i < negatives + positives; i++) {
            outputs.add("\"answer " + i + "\"");
        }
        return traces(experiment, "{\"q\": \"2+2?\"}", outputs, negatives);
    }

    public List<Long> traces(String experiment, String inputs, List<String> outputs, int negatives)
            throws SQLException {
        var ids = new ArrayList<Long>();
        try (var c = dataSource.getConnection()) {
            long exp;
            try (var s = c.prepareStatement("SELECT id FROM experiment WHERE name = ?")) {
                s.setString(1, experiment);
                var rs = s.executeQuery();
                rs.next();
                exp = rs.getLong(1);
            }
            for (int i = 0; i < outputs.size(); i++) {
                try (var s = c.prepareStatement("""
                        WITH t AS (INSERT INTO trace (experiment_id, inputs, outputs) VALUES (?, ?::jsonb, ?::jsonb) RETURNING id),
                             a AS (INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                                   SELECT t.id, 'correct', ?, 'judge says so', 'LLM_JUDGE', 'judge:correct@v1' FROM t)
                        SELECT id FROM t""")) {
                    s.setLong(1, exp);
                    s.setString(2, inputs);
                    s.setString(3, outputs.get(i));
                    s.setString(4, i < negatives ? "no" : "yes");
                    var rs = s.executeQuery();
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** A queue of {@code size} items (balance target 0, so any pool works), k reviewers per item. */
    public ReviewQueue queue(String experiment, int size, int k, boolean blind, List<String> members) {
        return queues.create(experiment, new QueueService.CreateQueue("q-" + UUID.randomUUID().toString()
                        .substring(0, 6), JUDGE, size, k, 0.0, blind, members, 7L, false, null, null, null),
                "admin");
    }

    public long count(String sql, Object... params) throws SQLException {
        return Db.count(dataSource, sql, params);
    }

    public String text(String sql, Object... params) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            var rs = s.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String csrf(Response page) {
        return group(CSRF, page.asString(), "CSRF token");
    }

    static String lease(Response page) {
        return group(LEASE, page.asString(), "lease id");
    }

    static String token(Response page) {
        return group(TOKEN, page.asString(), "lease token");
    }

    private static String group(Pattern pattern, String body, String what) {
        var matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new AssertionError("no " + what + " in page:\n" + body);
        }
        return matcher.group(1);
    }
}
