package dev.jury.agreement.report;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.jury.agreement.report.AgreementFixtures.LEVELS;
import static dev.jury.agreement.report.AgreementFixtures.categorical;
import static dev.jury.agreement.report.AgreementFixtures.label;
import static dev.jury.agreement.report.AgreementFixtures.log;
import static dev.jury.agreement.report.AgreementFixtures.rubric;
import static dev.jury.agreement.report.AgreementFixtures.traces;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class AgreementResourceTest {

    static final String HOSTILE = "<script>alert(1)</script>";

    /** Ten traces labelled by e0, e1 and a source whose id is markup; trace 9 splits, v1 of a judge on all. */
    static List<Long> seed(String exp) {
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 10);
        String[][] labels = {
            {"good", "good", "ok", "bad", "bad", "good", "ok", "ok", "good", "good"},
            {"good", "good", "ok", "bad", "ok", "good", "ok", "bad", "good", "bad"},
            {"good", "ok", "ok", "bad", "bad", "good", "bad", "ok", "ok", null},
        };
        String[] sources = {"e0", "e1", HOSTILE};
        List<Map<String, Object>> feedback = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            for (int t = 0; t < 10; t++) {
                if (labels[s][t] != null) {
                    feedback.add(label(traces.get(t), "quality", labels[s][t], sources[s]));
                }
            }
        }
        log(exp, feedback);
        for (int t = 0; t < 10; t++) {
            AgreementFixtures.verdict(traces.get(t), "quality", 1, t % 3 == 0 ? "bad" : "good");
        }
        return traces;
    }

    @Test
    void disagreementsShowFiftyAtATimeAndLoadMoreAppendsTheNextPageInOrder() {
        String exp = AgreementFixtures.experiment();
        rubric(exp, "quality", categorical(LEVELS, "bad"));
        List<Long> traces = traces(exp, 120);
        List<Map<String, Object>> feedback = new ArrayList<>();
        for (long trace : traces) { // two reviewers who always split: every trace lacks a consensus
            feedback.add(label(trace, "quality", "good", "e0"));
            feedback.add(label(trace, "quality", "bad", "e1"));
        }
        log(exp, feedback);
        String url = "/experiments/" + exp + "/agreement";

        String first = given().queryParam("name", "quality").when().get(url).then().statusCode(200)
                .header("Vary", containsString("HX-Request")).extract().asString();
        assertEquals(traces.subList(0, 50), listedTraces(first));
        assertTrue(first.contains("50 of 120 disagreements"), first);
        String next = "/experiments/" + exp + "/agreement?name=quality&amp;sort=trace&amp;page=2";
        assertTrue(first.contains("href=\"" + next + "#disagreements\""), "a link that works without JavaScript");
        assertTrue(first.contains("hx-get=\"" + next + "\""), first);
        assertTrue(first.contains("aria-label=\"Load 50 more disagreements\""));

        // htmx asks the link's address for only the rows: the next fifty and a new "Load more" row.
        String second = given().header("HX-Request", "true").queryParam("name", "quality").queryParam("sort", "trace")
                .queryParam("page", "2").when().get(url).then().statusCode(200).extract().asString();
        assertFalse(second.contains("<html"), "a fragment, not the page");
        assertTrue(second.strip().startsWith("<tr"), second);
        assertEquals(traces.subList(50, 100), listedTraces(second));
        assertTrue(second.contains("100 of 120 disagreements"));
        assertTrue(second.contains("page=3"));

        String last = given().header("HX-Request", "true").queryParam("name", "quality").queryParam("page", "3")
                .when().get(url).then().statusCode(200).extract().asString();
        assertEquals(traces.subList(100, 120), listedTraces(last));
        assertTrue(last.contains("120 of 120 disagreements"));
        assertFalse(last.contains("Load more"), "the last page has no link");

        // Without JavaScript the link opens the whole page at that page; newest first pages from the other end.
        String plainSecond = given().queryParam("name", "quality").queryParam("sort", "newest").queryParam("page", "2")
                .when().get(url).then().statusCode(200).extract().asString();
        assertTrue(plainSecond.contains("<html"));
        assertTrue(plainSecond.contains("Rows 51 to 100"), plainSecond);
        List<Long> newest = new ArrayList<>(traces);
        java.util.Collections.reverse(newest);
        assertEquals(newest.subList(50, 100), listedTraces(plainSecond));

        given().queryParam("name", "quality").queryParam("page", "0").when().get(url).then().statusCode(400)
                .body(containsString("&#39;page&#39; must be a page number"));
    }

    private static List<Long> listedTraces(String html) {
        List<Long> ids = new ArrayList<>();
        Matcher m = Pattern.compile("aria-label=\"Adjudicate trace (\\d+)\"").matcher(html);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    @Test
    void pageShowsHeadlineHeatMapJudgesAndDisagreementsWithEveryNameEscaped() {
        String exp = AgreementFixtures.experiment();
        List<Long> traces = seed(exp);
        String html = given().get("/experiments/" + exp + "/agreement?name=quality").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<h1>Agreement · quality</h1>"))
                .body(containsString("Krippendorff's α (ordinal)"))
                .body(containsString("Krippendorff, K. (2004)"))
                .body(containsString("Landis, J. R., &amp; Koch"))
                .extract().asString();

        // The headline as "0.62 [0.55, 0.69]": the default bootstrap gives an interval.
        assertTrue(Pattern.compile("<p class=\"headline-number\">-?\\d\\.\\d\\d \\[-?\\d\\.\\d\\d, -?\\d\\.\\d\\d]</p>")
                .matcher(html).find(), html);
        assertTrue(html.contains("<strong>10</strong> traces with two or more labels"), html);
        assertTrue(html.contains("<strong>3</strong> reviewers"), html);

        // The heat map is SVG markup with accessible titles, a legend from −1 to 1 and κ printed in the cells.
        assertTrue(html.contains("<svg class=\"heatmap\""), html);
        assertTrue(html.contains("<title id=\"heatmap-title\">Pairwise Cohen's κ between reviewers</title>"));
        assertTrue(html.contains("fill=\"url(#kappa-scale)\""));
        assertTrue(html.contains(">−1</text>") && html.contains(">1</text>") && html.contains(">0</text>"));
        Matcher cell = Pattern.compile("<title>e0 and e1: quadratic-weighted κ (-?\\d\\.\\d\\d) on 10 shared traces"
                + "</title><rect[^>]*/><text class=\"hm-value\"[^>]*>(-?\\d\\.\\d\\d)</text>").matcher(html);
        assertTrue(cell.find(), html);
        assertEquals(cell.group(1), cell.group(2));

        // The source named like a script tag is text everywhere: labels, titles, the reviewer table.
        assertFalse(html.contains(HOSTILE), "raw markup from a source id reached the page");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("<title>e0 and &lt;script&gt;alert(1)&lt;/script&gt;:"), html);

        // Judge v1 with its confusion table; the disagreement list links to adjudication.
        assertTrue(html.contains("Version 1") && html.contains("judge:quality@v1"));
        assertTrue(html.contains("<table class=\"confusion\""));
        assertTrue(html.contains("href=\"/experiments/" + exp + "/traces/" + traces.get(9)
                + "/adjudicate?name=quality\""), html);
        assertTrue(html.contains("href=\"/experiments/" + exp + "/agreement.json?name=quality\""));
        assertTrue(html.contains("href=\"/experiments/" + exp + "/agreement.csv?name=quality\""));
        assertTrue(html.contains("sort=labels#disagreements"));
    }

    @Test
    void experimentPageLinksHereAndASingleRubricNeedsNoChoice() {
        String exp = AgreementFixtures.experiment();
        seed(exp);
        given().get("/experiments/" + exp).then().statusCode(200)
                .body(containsString("href=\"/experiments/" + exp + "/agreement\""));
        given().get("/experiments/" + exp + "/agreement").then().statusCode(200)
                .body(containsString("<h1>Agreement · quality</h1>"))
                .body(containsString("<option value=\"quality\" selected>quality</option>"));
    }

    @Test
    void refusedFormKeepsWhatWasTypedAndSaysWhy() {
        String exp = AgreementFixtures.experiment();
        seed(exp);
        given().queryParam("name", "quality").queryParam("from", "last week")
                .get("/experiments/" + exp + "/agreement").then().statusCode(400)
                .body(containsString("role=\"alert\""))
                .body(containsString("from must be a date"))
                .body(containsString("value=\"last week\""))
                .body(not(containsString("<svg")));
        given().get("/experiments/" + exp + "/agreement?name=nope").then().statusCode(404)
                .body(containsString("No rubric named &#39;nope&#39;"))
                .body(containsString("<form"));
        given().get("/experiments/no-such-exp/agreement").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("no-such-exp"));
    }

    @Test
    void downloadsAreTheApiDocumentAndItsCsv() {
        String exp = AgreementFixtures.experiment();
        seed(exp);
        given().get("/experiments/" + exp + "/agreement.json?name=quality").then().statusCode(200)
                .contentType(containsString("application/json"))
                .header("Content-Disposition", containsString("agreement-" + exp + "-quality-v1.json"))
                .body("raters", org.hamcrest.Matchers.equalTo(3))
                .body("krippendorff_alpha.ordinal.ci.size()", org.hamcrest.Matchers.equalTo(2));
        given().get("/experiments/" + exp + "/agreement.csv?name=quality").then().statusCode(200)
                .contentType(containsString("text/csv"))
                .body(containsString(AgreementCsv.HEADER))
                .body(containsString("judge,judge:quality@v1,,accuracy,"));
    }

    @Test
    @TestSecurity(user = "rita", roles = "reviewer")
    void reviewersGetForbidden() {
        given().get("/experiments/any/agreement").then().statusCode(403);
        given().get("/experiments/any/agreement.csv?name=quality").then().statusCode(403);
    }

    /** Style rule: `.raw` only on Jury's own markup — and these templates need none, the SVG is plain markup. */
    @Test
    void templatesNeverBypassEscaping() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/templates/AgreementResource"))) {
            for (Path file : files.toList()) {
                String template = Files.readString(file);
                assertFalse(template.contains(".raw") || template.contains("rawContent") || template.contains("{|"),
                        file + " bypasses escaping");
            }
        }
    }
}
