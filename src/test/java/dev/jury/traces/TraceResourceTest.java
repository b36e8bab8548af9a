package dev.jury.traces;

import dev.jury.labels.SourceType;
import dev.jury.experiments.ExperimentService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.jury.traces.TraceApiTest.ingest;
import static dev.jury.traces.TraceFixtures.assess;
import static dev.jury.traces.TraceFixtures.csrfToken;
import static dev.jury.traces.TraceFixtures.line;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class TraceResourceTest {

    @Inject
    ExperimentService experiments;

    @Test
    void listShowsTracesAndTheFilterAnswersFullPageOrFragment() {
        String exp = TraceFixtures.newExperiment(experiments);
        ingest(exp, "{\"inputs\":\"where is my parcel\",\"outputs\":\"on its way\",\"tags\":{\"env\":\"prod\"}}",
                "{\"inputs\":\"refund please\",\"outputs\":\"done\",\"tags\":{\"env\":\"dev\"}}");
        given().get("/experiments/" + exp).then().statusCode(200)
                .body(containsString("href=\"/experiments/" + exp + "/traces\""));
        given().get("/experiments/" + exp + "/traces").then().statusCode(200)
                .header("Vary", containsString("HX-Request"))
                .body(containsString("<html")).body(containsString("where is my parcel"))
                .body(containsString("refund please"));
        given().header("HX-Request", "true").queryParam("tag", "env=prod").get("/experiments/" + exp + "/traces")
                .then().statusCode(200)
                .header("HX-Push-Url", "/experiments/" + exp + "/traces?tag=env%3Dprod")
                .header("Vary", containsString("HX-Request"))
                .body(not(containsString("<html")))
                .body(containsString("id=\"trace-table\""))
                .body(containsString("where is my parcel"))
                .body(not(containsString("refund please")));
        given().queryParam("tag", "broken").get("/experiments/" + exp + "/traces").then().statusCode(422)
                .body(containsString("key=value")).body(containsString("value=\"broken\""));
    }

    @Test
    void pagesLinkToOlderTracesKeepingTheFilter() {
        String exp = TraceFixtures.newExperiment(experiments);
        var ids = ingest(exp, "{\"inputs\":\"1\",\"outputs\":\"a\",\"tags\":{\"k\":\"v\"}}",
                "{\"inputs\":\"2\",\"outputs\":\"a\",\"tags\":{\"k\":\"v\"}}",
                "{\"inputs\":\"3\",\"outputs\":\"a\",\"tags\":{\"k\":\"v\"}}");
        String page = given().queryParam("tag", "k=v").queryParam("limit", 2).get("/experiments/" + exp + "/traces")
                .then().statusCode(200).extract().asString();
        assertTrue(page.contains("tag=k%3Dv&amp;limit=2&amp;cursor=" + ids.get(1)), page);
        given().queryParam("tag", "k=v").queryParam("limit", 2).queryParam("cursor", ids.get(1))
                .get("/experiments/" + exp + "/traces").then().statusCode(200)
                .body(containsString("/traces/" + ids.get(0) + "\""))
                .body(not(containsString("/traces/" + ids.get(2) + "\"")))
                .body(not(containsString("rel=\"next\"")));
    }

    @Test
    void detailShowsPrettyJsonChatTurnsCollapsedLongTextAndAssessments() {
        String exp = TraceFixtures.newExperiment(experiments);
        String longAnswer = "word ".repeat(1000);
        long id = ingest(exp, "{\"inputs\":{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi there\"}]},\"outputs\":\"" + longAnswer + "\","
                + "\"expectations\":{\"facts\":[\"a\",\"b\"]}}").get(0);
        long old = assess(id, "quality", "poor", SourceType.HUMAN, "alice-subject");
        assess(id, "quality", "good", SourceType.HUMAN, "alice-subject");
        assess(id, "quality", "excellent", SourceType.LLM_JUDGE, "judge:quality@v1");
        String html = given().get("/traces/" + id).then().statusCode(200).extract().asString();
        assertTrue(html.contains("class=\"role\"><bdi>system</bdi>"), "chat turns show the role");
        assertTrue(html.contains("Hi there"));
        assertTrue(html.contains("Show all (5000 characters)"), "long text is collapsed");
        assertTrue(html.contains("&quot;facts&quot; : [ &quot;a&quot;, &quot;b&quot; ]"), "expectations pretty-printed");
        assertTrue(html.contains("superseded by #"), "superseded label is marked");
        assertTrue(html.contains("replaces #" + old));
        assertTrue(html.contains("LLM_JUDGE") && html.contains("judge:quality@v1") && html.contains("excellent"));
        given().get("/traces/424242424").then().statusCode(404).body(containsString("424242424"));
    }

    @Test
    void hostileTraceContentIsInert() {
        String exp = TraceFixtures.newExperiment(experiments);
        long id = ingest(exp, "{\"client_request_id\":\"<b>id</b>\","
                + "\"inputs\":\"<script>alert(1)</script> and \\u202Eevil.exe\","
                + "\"outputs\":{\"messages\":[{\"role\":\"<img src=x onerror=alert(2)>\",\"content\":\"<a href=\\\"javascript:alert(3)\\\">click me</a>\"}]},"
                + "\"tags\":{\"<svg onload=alert(4)>\":\"\\u202Etxt.js\"}}").get(0);
        assess(id, "quality", "<script>alert(5)</script>", SourceType.HUMAN, "\u202Eevil");
        for (String page : new String[]{"/traces/" + id, "/experiments/" + exp + "/traces"}) {
            String html = given().get(page).then().statusCode(200).extract().asString();
            assertFalse(html.contains("<script>alert"), page);
            assertFalse(html.contains("<img src=x onerror"), page);
            assertFalse(html.contains("<a href=\"javascript:"), page);
            assertFalse(html.contains("<svg onload"), page);
            assertFalse(html.contains("<b>id</b>"), page);
            assertFalse(html.contains("\u202E"), page + " must not contain a raw RIGHT-TO-LEFT OVERRIDE");
            assertTrue(html.contains("⟦U+202E⟧"), page);
            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&lt;script&gt;alert(1)"), page);
        }
        String detail = given().get("/traces/" + id).asString();
        assertTrue(detail.contains("&lt;a href=&quot;javascript:alert(3)&quot;&gt;click me&lt;/a&gt;"), detail);
        assertTrue(detail.contains("&lt;img src=x onerror=alert(2)&gt;"));
    }

    @Test
    void templatesNeverUseRawOnTraceData() throws IOException {
        Path templates = Path.of("src/main/resources/templates");
        try (Stream<Path> files = Files.walk(templates)) {
            files.filter(p -> p.toString().contains("/Trace") && p.toString().endsWith(".html")).forEach(p -> {
                try {
                    String text = Files.readString(p);
                    assertFalse(text.contains(".raw") || text.contains("|raw"), p + " uses raw output");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void csvUploadShowsCreatedCountAndEveryBadLineInline() {
        String exp = TraceFixtures.newExperiment(experiments);
        String csv = "client_request_id,inputs,outputs,tags\n"
                + "c-1,\"{\"\"q\"\": \"\"hi\"\"}\",hello,env=prod\n"
                + "c-2,,missing inputs,\n"
                + "c-3,question,answer,novalue\n"
                + "c-4,question,answer,\n";
        Response page = given().get("/experiments/" + exp + "/traces/upload");
        page.then().statusCode(200).body(containsString("enctype=\"multipart/form-data\""));
        imported(given().cookies(page.getCookies())
                .multiPart("csrf-token", csrfToken(page))
                .multiPart("file", "traces.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/experiments/" + exp + "/traces/upload"))
                .then().statusCode(200)
                .body(containsString("2 created"))
                .body(containsString("Line 3</span>"))
                .body(containsString("&#39;inputs&#39; is required"))
                .body(containsString("Line 4</span>"))
                .body(containsString("not key=value"));
        var traces = given().get("/api/v1/experiments/" + exp + "/traces").then().statusCode(200).extract().jsonPath();
        assertEquals("hi", traces.getString("traces.find { it.client_request_id == 'c-1' }.inputs.q"));
        assertEquals("upload", traces.getString("traces[0].source"));
    }

    @Test
    void jsonlUploadWithABadLineAndAnAllBadFile() {
        String exp = TraceFixtures.newExperiment(experiments);
        Response page = given().get("/experiments/" + exp + "/traces/upload");
        String jsonl = line("j-1", "q", "a") + "\n{oops\n" + line("j-2", "q", "a") + "\n";
        imported(given().cookies(page.getCookies()).multiPart("csrf-token", csrfToken(page))
                .multiPart("file", "traces.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/experiments/" + exp + "/traces/upload"))
                .then().statusCode(200).body(containsString("2 created")).body(containsString("Line 2</span>"))
                .body(containsString("Invalid JSON"));
        imported(given().cookies(page.getCookies()).multiPart("csrf-token", csrfToken(page))
                .multiPart("file", "bad.jsonl", "{\"inputs\":1}\n".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/experiments/" + exp + "/traces/upload"))
                .then().statusCode(422).body(containsString("role=\"alert\""))
                .body(containsString("Line 1</span>"));
    }

    @Test
    void uploadWithoutCsrfTokenIsRefused() {
        String exp = TraceFixtures.newExperiment(experiments);
        given().multiPart("file", "t.jsonl", line(null, "q", "a").getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/experiments/" + exp + "/traces/upload").then().statusCode(400);
        given().get("/api/v1/experiments/" + exp + "/traces").then().body("traces.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerGetsForbiddenPages() {
        given().get("/experiments/whatever/traces").then().statusCode(403);
        given().get("/experiments/whatever/traces/upload").then().statusCode(403);
        given().get("/traces/1").then().statusCode(403);
    }

    /**
     * Uploads are imported by a background job: the post redirects to the upload's page, which shows progress
     * until the job ends and then the result. Follows that page until the import is done.
     */
    static Response imported(Response posted) {
        Response page = posted; // RestAssured followed the 303 to the upload's page
        String url = null;
        var m = java.util.regex.Pattern.compile("hx-get=\"([^\"]+/traces/uploads/\\d+)\"").matcher(page.asString());
        if (m.find()) {
            url = m.group(1);
        }
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (url != null && page.asString().contains("hx-trigger=\"every 1s\"") && java.time.Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            page = given().get(url);
        }
        return page;
    }
}
