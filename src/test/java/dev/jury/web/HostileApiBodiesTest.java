package dev.jury.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.jury.llm.InjectLlmFake;
import dev.jury.review.ReviewFixtures;
import dev.jury.testenv.Db;
import dev.jury.testenv.Tokens;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.jury.llm.LlmFakeServer.completion;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: hostile values in the body of every state-changing API route. The routes come from the application's
 * OpenAPI document; each POST/PUT/PATCH/DELETE under {@code /api} needs a valid body template below (a new route
 * without one fails {@link #everyStateChangingApiRouteHasABodyTemplate}). Each template is sent, with a real admin
 * bearer token from Keycloak, once per (node of the body × hostile value) and once per hostile whole body:
 * NUL, lone surrogates, invalid UTF-8, 10^400 and 400-digit numbers, negative and fractional numbers, NaN, wrong
 * JSON types, {@code null}, 10,000 levels of nesting, 1 MB strings, an empty body. Every answer must be below 500;
 * every refusal a problem+json body, with no row added to any table a request writes.
 */
@QuarkusTest
class HostileApiBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOLE = "@@hostile-hole@@";
    private static final int DEEP = 10_000;

    /** Tables a request handler writes; background-only tables (job logs, LLM call log, caches) are left out. */
    private static final List<String> TABLES = List.of("experiment", "review_queue", "queue_member", "queue_item",
            "lease", "alignment_run", "trace_upload", "rubric", "rubric_version", "judge", "judge_version",
            "judge_alias", "judge_alias_history", "trace", "assessment", "job", "online_scoring",
            "trace_uncertainty");

    /**
     * A valid body per state-changing API route; {@link #NO_BODY} for a route that declares no body (it still gets the
     * hostile bodies: a route that ignores its body must ignore them too). Placeholders: {@code {exp}} the world's
     * experiment, {@code {trace}} one of its traces, {@code {token}} the current lease's token, {@code {uniq}} a
     * value unique per request.
     */
    static final String NO_BODY = "";

    static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("POST /api/v1/experiments", """
                    {"name": "hb-{uniq}", "description": "hostile bodies"}"""),
            Map.entry("PUT /api/v1/experiments/{exp}/rubrics/{name}", """
                    {"kind": "categorical", "levels": [
                       {"value": "good", "label": "Good", "definition": "Correct.", "negative": false},
                       {"value": "bad", "label": "Bad", "definition": "Wrong.", "negative": true}],
                     "guidelines": "Judge the answer.", "rationale_required": true, "min_rationale_length": 3,
                     "pass_threshold": null}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges", """
                    {"name": "correct", "instructions": "Is {{ outputs }} right for {{ inputs }}? {uniq}",
                     "model": "openai:/gpt-4.1-mini", "inference_params": {"temperature": 0.5, "max_tokens": 100}}"""),
            Map.entry("PUT /api/v1/experiments/{exp}/judges/{name}/online-scoring", """
                    {"enabled": false, "sample_rate": 0.5, "filter": "tags.env = 'prod'"}"""),
            Map.entry("POST /api/v1/experiments/{exp}/fitting-judge-runs", """
                    {"model": "openai:/gpt-4.1-mini", "templates": ["safety"]}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/versions/{version}/memory/forget", """
                    {"trace_ids": ["{trace}"], "guidelines": ["Penalise answers without units."]}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/runs", """
                    {"version": "1", "trace_ids": [{trace}], "tag": "t"}"""),
            Map.entry("POST /api/v1/experiments/{exp}/assessments", """
                    {"trace_id": {trace}, "name": "correct", "value": "yes", "rationale": "because",
                     "source_type": "HUMAN", "source_id": "hb-reviewer"}"""),
            Map.entry("POST /api/v1/experiments/{exp}/queues", """
                    {"name": "hq-{uniq}", "judge": "correct", "size": 2, "reviewers_per_item": 1, "balance": 0.0,
                     "blind": true, "members": ["admin"], "seed": 7, "allow_unbalanced": true,
                     "from": "2020-01-01T00:00:00Z", "to": "2099-01-01T00:00:00Z", "judged_only": true,
                     "consensus_rule": "majority", "lease_minutes": 10, "source": "balanced",
                     "random_share": 0.0}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/uncertainty", """
                    {"samples": 3, "temperature": 0.7, "candidates": 5, "tag": "k=v"}"""),
            Map.entry("POST /api/v1/queues/{id}/next", NO_BODY),
            Map.entry("POST /api/v1/leases/{id}/submit", """
                    {"token": "{token}", "value": "yes", "rationale": "looks right"}"""),
            Map.entry("POST /api/v1/leases/{id}/skip", """
                    {"token": "{token}", "reason": "unsure"}"""),
            Map.entry("POST /api/v1/experiments/{exp}/traces", """
                    {"client_request_id": "hb-{uniq}", "inputs": {"q": "2+2?"}, "outputs": "4",
                     "tags": {"k": "v"}, "expectations": {"e": "4"}}"""),
            Map.entry("POST /api/v1/experiments/{exp}/traces/mlflow", """
                    {"info": {"trace_id": "tr-{uniq}", "request_preview": "q", "tags": {"t": "v"}},
                     "data": {"spans": [{"name": "root", "attributes": {"mlflow.spanInputs": "q"}}]}}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/alignments", """
                    {"base_version": "1", "optimizer": "simba", "params": {"max_steps": 1}, "reflection_model":
                     "openai:/gpt-4.1-mini", "seed": 7, "heldout_fraction": 0.2, "rebalance": true,
                     "rubric_version": 1}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/versions/{version}/memory/additions", NO_BODY),
            Map.entry("POST /api/v1/alignments/{id}/cancel", NO_BODY),
            Map.entry("POST /api/v1/jobs/{id}/cancel", NO_BODY),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/versions/{n}/register", NO_BODY),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/registered/rollback", NO_BODY),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/assess", """
                    {"inputs": {"question": "2+2?"}, "outputs": {"answer": "4"}, "expectations": {"e": "4"}}"""),
            Map.entry("POST /api/v1/experiments/{exp}/judges/{name}/versions/{n}/evaluate", """
                    {"trace_ids": [{trace}], "tag": "t"}"""),
            Map.entry("POST /api/v1/judges/{name}/assess", """
                    {"inputs": {"question": "2+2?"}, "outputs": {"answer": "4"}}"""));

    /** A hostile JSON value, as raw bytes (so that invalid UTF-8 and raw NUL reach the server unchanged). */
    record Hostile(String name, byte[] json) {
        static Hostile of(String name, String json) {
            return new Hostile(name, json.getBytes(StandardCharsets.UTF_8));
        }

        static Hostile string(String name, byte... content) {
            var out = new ByteArrayOutputStream();
            out.write('"');
            out.writeBytes(content);
            out.write('"');
            return new Hostile(name, out.toByteArray());
        }
    }

    static final Hostile NUL = Hostile.of("escaped NUL", "\"a\\u0000b\"");
    static final Hostile RAW_NUL = Hostile.string("raw NUL byte", (byte) 'a', (byte) 0, (byte) 'b');
    static final Hostile HIGH_SURROGATE = Hostile.of("lone high surrogate", "\"a\\ud800b\"");
    static final Hostile LOW_SURROGATE = Hostile.of("lone low surrogate", "\"\\udc00\"");
    static final Hostile INVALID_UTF8 = Hostile.string("invalid UTF-8 byte", (byte) 'a', (byte) 0xFF, (byte) 'b');
    static final Hostile CESU = Hostile.string("surrogate encoded as UTF-8", (byte) 0xED, (byte) 0xA0, (byte) 0x80);
    static final Hostile OVERSIZE = Hostile.of("1 MB string", "\"" + "x".repeat(1024 * 1024 + 1) + "\"");
    static final Hostile HUGE = Hostile.of("10^400", "1e400");
    static final Hostile MINUS_HUGE = Hostile.of("-10^400", "-1e400");
    static final Hostile DIGITS = Hostile.of("400-digit integer", "9".repeat(400));
    static final Hostile NEGATIVE = Hostile.of("negative", "-1");
    static final Hostile BEYOND_INT = Hostile.of("beyond int", "-2147483649");
    static final Hostile FRACTION = Hostile.of("fraction", "0.5");
    static final Hostile NAN = Hostile.of("NaN literal", "NaN");
    static final Hostile NUMBER_TEXT = Hostile.of("number as string", "\"12\"");
    static final Hostile HUGE_TEXT = Hostile.of("10^999999999 as string", "\"1e999999999\"");
    static final Hostile NULL = Hostile.of("null", "null");
    static final Hostile BOOLEAN = Hostile.of("boolean", "true");
    static final Hostile OBJECT = Hostile.of("object", "{}");
    static final Hostile ARRAY = Hostile.of("array", "[]");
    static final Hostile DEEP_ARRAYS = Hostile.of("10,000 nested arrays", "[".repeat(DEEP) + "]".repeat(DEEP));

    /** What to put where: text hostiles into strings, number hostiles into numbers, wrong types everywhere. */
    static List<Hostile> valuesFor(JsonNode node) {
        if (node.isTextual()) {
            return List.of(NUL, RAW_NUL, HIGH_SURROGATE, LOW_SURROGATE, INVALID_UTF8, CESU, OVERSIZE, HUGE, OBJECT,
                    ARRAY, NULL, DEEP_ARRAYS);
        }
        if (node.isNumber() || node.isNull()) {
            return List.of(HUGE, MINUS_HUGE, DIGITS, NEGATIVE, BEYOND_INT, FRACTION, NAN, NUMBER_TEXT, HUGE_TEXT, NUL,
                    BOOLEAN,
                    OBJECT, NULL, DEEP_ARRAYS);
        }
        if (node.isBoolean()) {
            return List.of(NUMBER_TEXT, HUGE, NUL, NULL, DEEP_ARRAYS);
        }
        return List.of(node.isArray() ? OBJECT : ARRAY, NUL, HUGE, NULL, DEEP_ARRAYS);
    }

    static final List<Hostile> WHOLE_BODIES = List.of(
            Hostile.of("empty body", ""),
            Hostile.of("null body", "null"),
            Hostile.of("array body", "[]"),
            Hostile.of("string body", "\"x\""),
            Hostile.of("number body", "1e400"),
            Hostile.of("truncated body", "{\"name\": "),
            Hostile.of("10,000 nested arrays", "[".repeat(DEEP) + "]".repeat(DEEP)),
            Hostile.of("10,000 nested objects", "{\"a\":".repeat(DEEP) + "1" + "}".repeat(DEEP)),
            Hostile.string("invalid UTF-8 body", (byte) 0xFF, (byte) 0xFE));

    @Inject
    OpenApiDocumentService openApi;

    @Inject
    DataSource dataSource;

    @Inject
    ReviewFixtures review;

    @InjectLlmFake
    WireMockServer llm;

    private StubMapping llmAnswer;
    private String token;
    private Instant tokenAt = Instant.EPOCH;

    /** The experiment every route works on: a yes/no judge {@code correct} (v1, registered), 40 judged traces. */
    record World(String exp, long trace, long queue) {
    }

    private World world;
    private long jobsBefore;
    /** Row counts after the last refused request, when nothing ran since: the next request's baseline. */
    private Map<String, Long> baseline;
    private String leaseId = "999999999";
    private String leaseToken = UUID.randomUUID().toString();

    @AfterEach
    void removeLlmAnswer() {
        if (llmAnswer != null) {
            llm.removeStub(llmAnswer);
        }
    }

    List<String> stateChangingApiRoutes() {
        Map<String, Map<String, Object>> paths = new JsonPath(new String(openApi.getDocument("<default>", Format.JSON),
                StandardCharsets.UTF_8)).getMap("paths");
        Set<String> routes = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (path.startsWith("/api/") && Set.of("post", "put", "patch", "delete").contains(method)) {
                routes.add(method.toUpperCase() + " " + path);
            }
        }));
        assertTrue(routes.size() >= 15, "expected the application's API routes, got " + routes);
        return new ArrayList<>(routes);
    }

    @Test
    void everyStateChangingApiRouteHasABodyTemplate() {
        List<String> missing = stateChangingApiRoutes().stream().filter(r -> !BODIES.containsKey(r)).toList();
        assertEquals(List.of(), missing, "state-changing API routes without a body template in " + getClass()
                .getSimpleName() + ".BODIES (add a valid body so their hostile variants are checked)");
    }

    @Test
    void hostileBodiesAreRefusedWithAProblemAndStoreNothing() throws Exception {
        llmAnswer = llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(100)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"result\": \"yes\", \"rationale\": \"fine\"}"))));
        world = buildWorld();
        jobsBefore = Db.count(dataSource, "SELECT coalesce(max(id), 0) FROM job");
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (String route : stateChangingApiRoutes()) {
            if (!BODIES.containsKey(route)) {
                continue; // reported by everyStateChangingApiRouteHasABodyTemplate
            }
            String template = BODIES.get(route);
            List<Map.Entry<String, Function<String, byte[]>>> variants = new ArrayList<>();
            if (!template.equals(NO_BODY)) {
                variants.add(Map.entry("the valid body", t -> t.getBytes(StandardCharsets.UTF_8)));
                JsonNode valid = JSON.readTree(fill(template, "x"));
                for (String pointer : pointers(valid)) {
                    for (Hostile hostile : valuesFor(valid.at(pointer))) {
                        variants.add(Map.entry(hostile.name() + " at " + pointer, t -> replace(t, pointer, hostile)));
                    }
                }
            }
            for (Hostile whole : WHOLE_BODIES) {
                variants.add(Map.entry(whole.name(), t -> whole.json()));
            }
            long started = System.nanoTime();
            for (var variant : variants) {
                requests++;
                String failure = probe(route, template, variant.getKey(), variant.getValue());
                if (failure != null) {
                    failures.add(failure);
                }
            }
            System.out.printf("hostile bodies: %-90s %4d cases %6d ms%n", route, variants.size(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        assertTrue(requests > 500, "expected many cases, got " + requests);
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " hostile requests misbehaved");
    }

    /** Sends one variant; a description of what went wrong, or null. */
    private String probe(String route, String template, String variant, Function<String, byte[]> body)
            throws Exception {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        if (prepare(path)) {
            baseline = null;
        }
        String uniq = UUID.randomUUID().toString().substring(0, 8);
        byte[] bytes = body.apply(fill(template, uniq));
        Map<String, Long> before = baseline != null ? baseline : rowCounts();
        baseline = null;
        var request = given().auth().oauth2(token()).contentType("application/json").redirects().follow(false);
        if (bytes.length > 0) {
            request = request.body(bytes);
        }
        if (path.equals("/api/v1/judges/{name}/assess")) {
            request = request.queryParam("experiment", world.exp());
        }
        Response response = request.request(method, concrete(path));
        int status = response.statusCode();
        String where = route + " with " + variant + ": ";
        if (status >= 500) {
            return where + status + " " + abbreviate(response.asString());
        }
        if (status >= 400) {
            String type = response.contentType();
            if (type == null || !type.startsWith("application/problem+json")) {
                return where + status + " without problem+json (" + type + ")";
            }
            Map<String, Long> after = rowCounts();
            if (!before.equals(after)) {
                return where + status + " but rows changed: " + diff(before, after);
            }
            baseline = after; // nothing changed: the next request's "before"
        } else {
            awaitIdleJobs(); // an accepted run must not write while the next request is checked
        }
        return null;
    }

    /**
     * Fresh state a route needs before its baseline: a lease of the world's queue, a registered judge version.
     * Whether it may have written anything.
     */
    private boolean prepare(String path) {
        boolean wrote = false;
        if (path.startsWith("/api/v1/leases/")) {
            wrote = true;
            Response next = given().auth().oauth2(token()).contentType("application/json")
                    .post("/api/v1/queues/" + world.queue() + "/next");
            assertTrue(next.statusCode() == 200 || next.statusCode() == 204, "next answered " + next.statusCode());
            if (next.statusCode() == 200) {
                leaseId = String.valueOf(next.<Number>path("lease_id").longValue());
                leaseToken = next.path("token");
            }
        }
        if (path.endsWith("/assess") && !path.equals(registeredFor)) { // only the rollback route undoes it
            registeredFor = path;
            wrote = true;
            int status = given().auth().oauth2(token()).contentType("application/json").post("/api/v1/experiments/"
                    + world.exp() + "/judges/correct/versions/1/register").statusCode();
            assertTrue(status == 200 || status == 409, "register answered " + status);
        }
        return wrote;
    }

    private String registeredFor;

    private String concrete(String path) {
        String id = path.startsWith("/api/v1/queues/") ? String.valueOf(world.queue())
                : path.startsWith("/api/v1/leases/") ? leaseId : "999999999";
        return path.replace("{exp}", world.exp()).replace("{name}", "correct").replace("{version}", "1")
                .replace("{n}", "1").replace("{id}", id);
    }

    private String fill(String template, String uniq) {
        String exp = world == null ? "exp" : world.exp();
        long trace = world == null ? 1 : world.trace();
        return template.replace("{exp}", exp).replace("{trace}", String.valueOf(trace))
                .replace("{token}", leaseToken).replace("{uniq}", uniq);
    }

    /** JSON Pointers of every node below the root, leaves and containers alike (of an array, its first element). */
    static List<String> pointers(JsonNode root) {
        List<String> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(JsonNode node, String at, List<String> out) {
        if (!at.isEmpty()) {
            out.add(at);
        }
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(f -> collect(node.get(f), at + "/" + f.replace("~", "~0")
                    .replace("/", "~1"), out));
        } else if (node.isArray() && !node.isEmpty()) {
            collect(node.get(0), at + "/0", out); // the other elements have the same shape
        }
    }

    /** {@code filled} with the node at {@code pointer} replaced by the hostile bytes. */
    static byte[] replace(String filled, String pointer, Hostile hostile) {
        try {
            JsonNode root = JSON.readTree(filled);
            int cut = pointer.lastIndexOf('/');
            JsonNode parent = root.at(pointer.substring(0, cut));
            String last = pointer.substring(cut + 1).replace("~1", "/").replace("~0", "~");
            if (parent instanceof ObjectNode object) {
                object.set(last, TextNode.valueOf(HOLE));
            } else {
                ((ArrayNode) parent).set(Integer.parseInt(last), TextNode.valueOf(HOLE));
            }
            String text = JSON.writeValueAsString(root);
            int at = text.indexOf("\"" + HOLE + "\"");
            var out = new ByteArrayOutputStream();
            out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(hostile.json());
            out.writeBytes(text.substring(at + HOLE.length() + 2).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private World buildWorld() throws Exception {
        String exp = review.experiment();
        String judge = """
                {"name": "correct", "instructions": "Is {{ outputs }} right for {{ inputs }}?",
                 "model": "openai:/gpt-4.1-mini"}""";
        given().auth().oauth2(token()).contentType("application/json").body(judge)
                .post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);
        List<Long> traces = review.traces(exp, 20, 20);
        long queue = review.queue(exp, 40, 1, false, List.of("admin")).id;
        return new World(exp, traces.get(0), queue);
    }

    private String token() {
        if (Duration.between(tokenAt, Instant.now()).toSeconds() > 200) {
            token = Tokens.forUser("admin");
            tokenAt = Instant.now();
        }
        return token;
    }

    private Map<String, Long> rowCounts() throws Exception {
        var counts = new LinkedHashMap<String, Long>();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < TABLES.size(); i++) {
            sql.append(i == 0 ? "" : " || ',' || ").append("(SELECT count(*) FROM ").append(TABLES.get(i)).append(")");
        }
        try (var c = dataSource.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql.toString())) {
            rs.next();
            String[] values = rs.getString(1).split(",");
            for (int i = 0; i < TABLES.size(); i++) {
                counts.put(TABLES.get(i), Long.parseLong(values[i]));
            }
        }
        return counts;
    }

    private static String diff(Map<String, Long> before, Map<String, Long> after) {
        var out = new StringBuilder();
        before.forEach((table, n) -> {
            if (!n.equals(after.get(table))) {
                out.append(table).append(' ').append(n).append("→").append(after.get(table)).append(' ');
            }
        });
        return out.toString().trim();
    }

    private void awaitIdleJobs() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Db.count(dataSource, "SELECT count(*) FROM job WHERE status IN ('QUEUED', 'RUNNING') AND id > ?",
                jobsBefore) > 0) {
            assertTrue(Instant.now().isBefore(deadline), "jobs still running 30 s after an accepted request");
            Thread.sleep(50);
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
