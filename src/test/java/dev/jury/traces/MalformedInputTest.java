package dev.jury.traces;

import dev.jury.experiments.ExperimentService;
import dev.jury.testenv.Db;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 12's malformed-input suite: generated hostile values (NUL, lone surrogates, invalid UTF-8, huge numbers,
 * deep nesting, oversize) in every ingest shape (JSON object, array, NDJSON, MLflow export) and in every query
 * parameter of the API. Never a 500; a refusal is problem+json naming the field or line; a refused request stores
 * nothing (rows counted before and after); an accepted one stores exactly what it reports.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "service", "reviewer"})
class MalformedInputTest {

    private static final String NDJSON = "application/x-ndjson";

    @Inject
    ExperimentService experiments;

    @Inject
    DataSource dataSource;

    @Inject
    OpenApiDocumentService openApi;

    @Inject
    dev.jury.traces.ingest.TraceIngestService ingestService;

    /** A hostile piece of JSON text, as raw bytes: where a string's content goes or where a whole value goes. */
    record Hostile(String name, byte[] bytes, boolean replacesValue) {
        static Hostile inString(String name, byte... bytes) {
            return new Hostile(name, bytes, false);
        }

        static Hostile inString(String name, String ascii) {
            return new Hostile(name, ascii.getBytes(StandardCharsets.UTF_8), false);
        }

        static Hostile value(String name, String ascii) {
            return new Hostile(name, ascii.getBytes(StandardCharsets.UTF_8), true);
        }
    }

    static List<Hostile> hostiles() {
        List<Hostile> all = new ArrayList<>();
        all.add(Hostile.inString("escaped NUL", "a\\u0000b"));
        all.add(Hostile.inString("raw NUL byte", (byte) 'a', (byte) 0, (byte) 'b'));
        all.add(Hostile.inString("escaped lone high surrogate", "a\\ud800b"));
        all.add(Hostile.inString("escaped lone low surrogate", "\\udc00"));
        all.add(Hostile.inString("reversed surrogate pair", "\\udc00\\ud800"));
        all.add(Hostile.inString("surrogate encoded as UTF-8 (CESU)", (byte) 0xED, (byte) 0xA0, (byte) 0x80));
        all.add(Hostile.inString("invalid UTF-8 byte 0xFF", (byte) 'a', (byte) 0xFF, (byte) 'b'));
        all.add(Hostile.inString("truncated UTF-8 sequence", (byte) 0xE2, (byte) 0x82));
        all.add(Hostile.inString("overlong UTF-8 slash", (byte) 0xC0, (byte) 0xAF));
        all.add(Hostile.inString("raw control character", (byte) 0x01, (byte) 0x1F));
        all.add(Hostile.inString("bad escape", "\\x41"));
        all.add(Hostile.value("huge exponent", "1e400"));
        all.add(Hostile.value("tiny exponent", "-1e-400"));
        all.add(Hostile.value("400-digit integer", "9".repeat(400)));
        all.add(Hostile.value("NaN literal", "NaN"));
        all.add(Hostile.value("deep array nesting", "[".repeat(5000) + "]".repeat(5000)));
        all.add(Hostile.value("deep object nesting", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)));
        all.add(Hostile.value("unclosed nesting", "[".repeat(300)));
        all.add(Hostile.value("oversize string", "\"" + "x".repeat(1024 * 1024 + 100) + "\""));
        return all;
    }

    /** Trace templates with one hole ({@code @}) each: string content in a value, a key, a tag, an expectation. */
    static final List<String> TRACE_TEMPLATES = List.of(
            "{\"inputs\":{\"q\":\"@\"},\"outputs\":\"a\"}",
            "{\"inputs\":{\"@\":\"q\"},\"outputs\":\"a\",\"tags\":{\"k\":\"@\"}}",
            "{\"client_request_id\":\"@\",\"inputs\":\"q\",\"outputs\":\"a\",\"expectations\":{\"e\":\"@\"}}");

    /** MLflow {@code Trace.to_json()} shape, hole in a request, a tag and an assessment value. */
    static final List<String> MLFLOW_TEMPLATES = List.of(
            "{\"info\":{\"trace_id\":\"tr-@\",\"request_preview\":\"@\",\"tags\":{\"t\":\"@\"}},"
                    + "\"data\":{\"spans\":[{\"name\":\"root\",\"attributes\":{\"mlflow.spanInputs\":\"@\"}}]}}",
            "{\"info\":{\"trace_id\":\"tr-1\",\"assessments\":[{\"assessment_name\":\"@\","
                    + "\"feedback\":{\"value\":\"@\"},\"source\":{\"source_type\":\"HUMAN\",\"source_id\":\"@\"}}]},"
                    + "\"data\":{\"spans\":[]}}");

    static byte[] fill(String template, Hostile hostile) {
        var out = new ByteArrayOutputStream();
        String[] parts = template.split("@", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i > 0 && hostile.replacesValue() && part.startsWith("\"")) {
                part = part.substring(1); // the hole's closing quote goes with the value
            }
            if (i < parts.length - 1 && hostile.replacesValue() && part.endsWith("\"")) {
                part = part.substring(0, part.length() - 1);
            }
            out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            if (i < parts.length - 1) {
                out.writeBytes(hostile.bytes());
            }
        }
        return out.toByteArray();
    }

    static byte[] join(String separator, String prefix, String suffix, byte[]... rows) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < rows.length; i++) {
            if (i > 0) {
                out.writeBytes(separator.getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(rows[i]);
        }
        out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    long traces(String exp) throws Exception {
        return Db.count(dataSource, "SELECT count(*) FROM trace t JOIN experiment e ON e.id = t.experiment_id "
                + "WHERE e.name = ?", exp);
    }

    long assessments(String exp) throws Exception {
        return Db.count(dataSource, "SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id "
                + "JOIN experiment e ON e.id = t.experiment_id WHERE e.name = ?", exp);
    }

    /** Posts one body and checks the contract; returns a description of a breach or null. */
    String check(String exp, String path, String type, boolean atomic, byte[] body, String what) throws Exception {
        long tracesBefore = traces(exp);
        long assessmentsBefore = assessments(exp);
        Response response = given().contentType(type).queryParam("atomic", atomic).body(body)
                .post("/api/v1/experiments/" + exp + "/traces" + path);
        int status = response.statusCode();
        long created = traces(exp) - tracesBefore;
        long createdAssessments = assessments(exp) - assessmentsBefore;
        String at = what + " (" + type + (atomic ? ", atomic" : "") + ") → " + status + " " + abbreviate(response.asString());
        if (status >= 500) {
            return at;
        }
        if (status >= 400) {
            if (!String.valueOf(response.contentType()).startsWith("application/problem+json")) {
                return "not problem+json: " + at;
            }
            JsonPath json = response.jsonPath();
            List<Object> errors = json.getList("errors");
            boolean named = (errors != null && !errors.isEmpty())
                    || (status == 413 && String.valueOf(json.getString("detail")).contains("bytes"));
            if (!named) {
                return "refusal names no field or line: " + at;
            }
            if (created != 0 || createdAssessments != 0) {
                return "refused but stored " + created + " traces, " + createdAssessments + " assessments: " + at;
            }
            return null;
        }
        JsonPath json;
        try {
            json = response.jsonPath();
            json.getInt("created");
        } catch (RuntimeException e) {
            return "unreadable answer: " + at;
        }
        if (json.getInt("created") != created) {
            return "reported " + json.getInt("created") + " created but stored " + created + ": " + at;
        }
        if (atomic && json.getInt("error_count") > 0) {
            return "atomic batch with errors was stored: " + at;
        }
        List<Map<String, Object>> lineErrors = json.getList("errors");
        for (Map<String, Object> error : lineErrors == null ? List.<Map<String, Object>>of() : lineErrors) {
            if (!(error.get("line") instanceof Integer)) {
                return "line error without a line: " + at;
            }
        }
        // what was stored reads back
        int listed = given().queryParam("limit", 500).get("/api/v1/experiments/" + exp + "/traces").statusCode();
        if (listed != 200) {
            return "stored traces do not list (" + listed + "): " + at;
        }
        return null;
    }

    @Test
    void ingestNeverFailsWithA500NorStoresPartOfARefusedBatch() throws Exception {
        String exp = TraceFixtures.newExperiment(experiments);
        byte[] good = TraceFixtures.line(null, "q", "a").getBytes(StandardCharsets.UTF_8);
        List<String> breaches = new ArrayList<>();
        int cases = 0;
        for (Hostile hostile : hostiles()) {
            boolean big = hostile.bytes().length > 100_000;
            for (String template : big ? TRACE_TEMPLATES.subList(0, 1) : TRACE_TEMPLATES) {
                byte[] bad = fill(template, hostile);
                String what = hostile.name() + " in " + template;
                add(breaches, check(exp, "", "application/json", false, bad, what + " as one object"));
                cases++;
                for (boolean atomic : new boolean[] {false, true}) {
                    add(breaches, check(exp, "", "application/json", atomic, join(",", "[", "]", good, bad), what + " in an array"));
                    add(breaches, check(exp, "", NDJSON, atomic, join("\n", "", "\n", good, bad, good), what + " in NDJSON"));
                    cases += 2;
                }
            }
            for (String template : big ? MLFLOW_TEMPLATES.subList(0, 1) : MLFLOW_TEMPLATES) {
                byte[] bad = fill(template, hostile);
                byte[] goodMlflow = fill(MLFLOW_TEMPLATES.get(0), Hostile.inString("plain", "ok-" + cases));
                String what = hostile.name() + " in MLflow " + template;
                add(breaches, check(exp, "/mlflow", "application/json", false, bad, what + " as one object"));
                add(breaches, check(exp, "/mlflow", NDJSON, false, join("\n", "", "\n", goodMlflow, bad), what + " in NDJSON"));
                add(breaches, check(exp, "/mlflow", NDJSON, true, join("\n", "", "\n", goodMlflow, bad), what + " in NDJSON"));
                cases += 3;
            }
        }
        assertTrue(cases > 100, "generated " + cases + " cases");
        if (!breaches.isEmpty()) {
            fail(breaches.size() + " of " + cases + " cases broke the contract:\n" + String.join("\n", breaches));
        }
    }

    /**
     * CSV comes only as an upload, which a background job imports through the same service: the hostile values go
     * into every column of one row between good rows. A refusal is a problem naming lines; nothing of a refused
     * (atomic) file is stored; an accepted file stores exactly what it reports.
     */
    @Test
    void csvUploadsNeverFailWithAnUnexpectedErrorNorStorePartOfARefusedFile() throws Exception {
        String exp = TraceFixtures.newExperiment(experiments);
        List<String> breaches = new ArrayList<>();
        int cases = 0;
        for (Hostile hostile : hostiles()) {
            byte[] bad = hostile.bytes();
            byte[] csv = join("", "", "", "client_request_id,inputs,outputs,tags\nok-1,q,a,env=x\n".getBytes(StandardCharsets.UTF_8),
                    bad, ",".getBytes(StandardCharsets.UTF_8), bad, ",a,k=".getBytes(StandardCharsets.UTF_8), bad,
                    "\nok-2,q,a,\n".getBytes(StandardCharsets.UTF_8));
            for (boolean atomic : new boolean[] {false, true}) {
                cases++;
                long before = traces(exp);
                String at = hostile.name() + " in CSV" + (atomic ? " (atomic)" : "");
                try {
                    var result = ingestService.ingest(exp, new java.io.ByteArrayInputStream(csv),
                            dev.jury.traces.ingest.IngestFormat.CSV, dev.jury.traces.ingest.TraceShape.API, "upload",
                            atomic, dev.jury.traces.ingest.IngestProgress.NONE);
                    long stored = traces(exp) - before;
                    if (result.created() != stored) {
                        breaches.add("reported " + result.created() + " created but stored " + stored + ": " + at);
                    }
                    if (atomic && result.errorCount() > 0) {
                        breaches.add("atomic file with errors was stored: " + at);
                    }
                } catch (dev.jury.web.ProblemException e) {
                    if (e.status() < 400 || e.status() >= 500 || (e.errors().isEmpty() && e.status() != 413)) {
                        breaches.add(e.status() + " " + e.getMessage() + " " + e.errors() + ": " + at);
                    }
                    if (traces(exp) != before) {
                        breaches.add("refused but stored " + (traces(exp) - before) + ": " + at);
                    }
                } catch (RuntimeException e) {
                    breaches.add(e + ": " + at);
                }
            }
        }
        if (!breaches.isEmpty()) {
            fail(breaches.size() + " of " + cases + " cases broke the contract:\n" + String.join("\n", breaches));
        }
    }

    /** JSON can spell half a surrogate pair; it is no character and used to be stored as '?' (two ids became one). */
    @Test
    void aLoneSurrogateIsRefusedNamingTheField() throws Exception {
        String exp = TraceFixtures.newExperiment(experiments);
        given().contentType("application/json").body("{\"client_request_id\":\"a\\ud800\",\"inputs\":\"q\",\"outputs\":\"a\"}")
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(422)
                .contentType("application/problem+json")
                .body(org.hamcrest.Matchers.containsString("'client_request_id' contains an unpaired UTF-16 surrogate"));
        given().contentType(NDJSON).body((TraceFixtures.line(null, "q", "a") + "\n{\"inputs\":{\"q\":\"\\udc00\"},\"outputs\":\"a\"}\n")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200)
                .body("created", org.hamcrest.Matchers.equalTo(1))
                .body("errors[0].line", org.hamcrest.Matchers.equalTo(2))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("'inputs' contains an unpaired"));
        assertEquals(1, traces(exp));
        given().contentType("application/json").body("{\"name\":\"x\\ud800\"}").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field",
                        org.hamcrest.Matchers.equalTo("name"));
    }

    /** Raw query strings: each is percent-encoded already (so invalid UTF-8 reaches the server as such). */
    static final Map<String, String> HOSTILE_QUERY_VALUES = new LinkedHashMap<>();

    static {
        HOSTILE_QUERY_VALUES.put("NUL", "a%00b");
        HOSTILE_QUERY_VALUES.put("lone surrogate (CESU)", "%ED%A0%80");
        HOSTILE_QUERY_VALUES.put("invalid UTF-8", "a%FFb");
        HOSTILE_QUERY_VALUES.put("truncated UTF-8", "%E2%82");
        HOSTILE_QUERY_VALUES.put("huge number", "9".repeat(400));
        HOSTILE_QUERY_VALUES.put("huge exponent", "1e400");
        HOSTILE_QUERY_VALUES.put("negative", "-9223372036854775809");
        HOSTILE_QUERY_VALUES.put("oversize", "x".repeat(6000));
        HOSTILE_QUERY_VALUES.put("json-ish", "%5B%5B%5B%7B");
    }

    @Test
    void everyQueryParameterOfTheApiRefusesHostileValuesWithAProblemNamingIt() throws Exception {
        String exp = TraceFixtures.newExperiment(experiments);
        Map<String, Map<String, Map<String, Object>>> paths = new JsonPath(new String(
                openApi.getDocument("<default>", Format.JSON), StandardCharsets.UTF_8)).getMap("paths");
        List<String> breaches = new ArrayList<>();
        int cases = 0;
        for (var path : paths.entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (var operation : path.getValue().entrySet()) {
                if (!operation.getKey().equals("get")) {
                    continue; // state-changing routes take their input as JSON bodies (NulFreeStrings, the ingest)
                }
                List<String> queryNames = new ArrayList<>();
                Object parameters = operation.getValue().get("parameters");
                if (parameters instanceof List<?> list) {
                    for (Object p : list) {
                        if (p instanceof Map<?, ?> m && "query".equals(m.get("in"))) {
                            queryNames.add((String) m.get("name"));
                        }
                    }
                }
                String concrete = path.getKey().replace("{exp}", exp).replaceAll("\\{[^}]+}", "1");
                for (String name : queryNames) {
                    for (var value : HOSTILE_QUERY_VALUES.entrySet()) {
                        cases++;
                        Response response = given().urlEncodingEnabled(false).redirects().follow(false)
                                .get(concrete + "?" + name + "=" + value.getValue() + extra(name, exp));
                        int status = response.statusCode();
                        String at = "GET " + path.getKey() + "?" + name + "=<" + value.getKey() + "> → " + status
                                + " " + abbreviate(response.asString());
                        if (status >= 500) {
                            breaches.add(at);
                        } else if (status >= 400) {
                            if (!String.valueOf(response.contentType()).startsWith("application/problem+json")) {
                                breaches.add("not problem+json: " + at);
                            } else if (status == 400 && !response.asString().contains(name)) {
                                breaches.add("refusal does not name '" + name + "': " + at);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 30, "expected the API's query parameters, walked " + cases + " cases");
        if (!breaches.isEmpty()) {
            fail(breaches.size() + " of " + cases + " cases broke the contract:\n" + String.join("\n", breaches));
        }
    }

    /** The experiment query parameter other lookups need, so the hostile one is the only thing wrong. */
    private static String extra(String name, String exp) {
        return name.equals("experiment") ? "" : "&experiment=" + exp;
    }

    private static void add(List<String> breaches, String breach) {
        if (breach != null) {
            breaches.add(breach);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
