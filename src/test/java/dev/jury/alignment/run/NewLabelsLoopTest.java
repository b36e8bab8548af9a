package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.jury.jobs.JobStatus;
import dev.jury.llm.InjectLlmFake;
import dev.jury.testenv.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Closing the production loop (issue 14, deliverable 5): the judge page's "labels since the last alignment: N (M
 * where the judge was wrong)", its one action (add to memory for a memory version, else an alignment run), and the
 * held-out re-check shown before the new version is registered.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class NewLabelsLoopTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @InjectLlmFake
    WireMockServer llm;

    private static String api(AlignmentTestData data) {
        return data.alignments() + "/new-labels";
    }

    private static String fragment(AlignmentTestData data) {
        return "/experiments/" + data.experiment + "/judges/policy/alignment/new-labels";
    }

    private static void judgeAll(AlignmentTestData data, String version) throws InterruptedException {
        int job = given().contentType(ContentType.JSON).body(Map.of("version", version))
                .post("/api/v1/experiments/" + data.experiment + "/judges/policy/runs").then().statusCode(202)
                .extract().path("job_id");
        var finished = Db.awaitJob(job, Duration.ofSeconds(60));
        assertEquals(JobStatus.SUCCEEDED, finished.status, finished.error);
    }

    @Test
    void countsTheLabelsSinceTheLastAlignmentAndFoldsThemInBehindAHeldOutCheck() throws Exception {
        // 15 ordinary traces labelled yes and 10 refunds labelled no, each by alice and bob; never aligned.
        var data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        data.stubLearnableJudge(llm);
        // Right on a refund when a recalled example carries the experts' refund rationale (MemAlignEndToEndTest).
        llm.stubFor(WireMock.post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(data.model)))
                .withRequestBody(matchingJsonPath("$.messages[0].content",
                        WireMock.containing(MemAlignEndToEndTest.REFUND_RATIONALE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", WireMock.containing("refund for")))
                .willReturn(AlignmentTestData.answer("no", "like the remembered refund")));
        given().get(api(data)).then().statusCode(200)
                .body("base_version", equalTo(1)).body("registered", equalTo(false))
                .body("last_alignment", nullValue()).body("labels", equalTo(50)).body("traces", equalTo(25))
                .body("judged", equalTo(0)).body("wrong", equalTo(0)).body("has_memory", equalTo(false));

        // v1 (no rule) answers yes everywhere: right on the 30 ordinary labels, wrong on the 20 refund labels.
        judgeAll(data, "1");
        given().get(api(data)).then().statusCode(200).body("judged", equalTo(50)).body("wrong", equalTo(20));
        given().get(fragment(data)).then().statusCode(200)
                .body(containsString("<strong>50</strong> on 25 traces"))
                .body(containsString("<strong>20</strong> where v1 was wrong: 40% of the 50 it judged"))
                .body(containsString("Align v1 with them"))
                .body(not(containsString("<html")));

        // MemAlign makes v2 with a memory; its data set took every label so far, so nothing is new.
        Number first = given().contentType(ContentType.JSON).body(Map.of("optimizer", "memalign",
                        "reflection_model", "openai-compatible:/" + data.reflection, "seed", 7,
                        "params", Map.of("max_guidelines", 0, "score_base", 0, "retrieval_k", 3)))
                .post(data.alignments()).then().statusCode(202).extract().path("run_id");
        AlignmentTestData.awaitFinished(first.longValue(), Duration.ofSeconds(120))
                .body("status", equalTo("SUCCEEDED")).body("result_version", equalTo(2));
        given().contentType(ContentType.JSON).post("/api/v1/experiments/" + data.experiment
                + "/judges/policy/versions/2/register").then().statusCode(200);
        given().get(api(data)).then().statusCode(200)
                .body("base_version", equalTo(2)).body("registered", equalTo(true))
                .body("last_run_id", equalTo(first.intValue())).body("last_alignment", notNullValue())
                .body("labels", equalTo(0)).body("has_memory", equalTo(true));
        given().get(fragment(data)).then().statusCode(200).body(containsString("Nothing to fold in yet"));

        // Production labels arrive: three traces both reviewers call no, one they split on (8 labels, 4 traces).
        luggage(data, List.of(List.of("no", "no"), List.of("no", "no"), List.of("no", "no"), List.of("yes", "no")));
        given().get(api(data)).then().statusCode(200).body("labels", equalTo(8)).body("traces", equalTo(4))
                .body("judged", equalTo(0)).body("wrong", equalTo(0));
        // The registered v2 scores them yes (nothing in its memory is about luggage): 7 of the 8 labels disagree.
        judgeAll(data, "2");
        given().get(api(data)).then().statusCode(200).body("judged", equalTo(8)).body("wrong", equalTo(7));

        // The one action: add them to v2's memory, from the fragment's own form.
        Response page = given().get("/experiments/" + data.experiment + "/judges/policy");
        page.then().statusCode(200).body(containsString("/alignment/new-labels"));
        Response panel = given().cookies(page.getCookies()).get(fragment(data));
        panel.then().body(containsString("Add them to v2's memory"))
                .body(containsString("action=\"/experiments/" + data.experiment
                        + "/judges/policy/alignment/memory-additions\""));
        String location = given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", token(panel)).formParam("version", "2")
                .post("/experiments/" + data.experiment + "/judges/policy/alignment/memory-additions")
                .then().statusCode(303).extract().header("Location");
        long runId = Long.parseLong(location.replaceAll(".*/alignments/", ""));
        AlignmentTestData.awaitFinished(runId, Duration.ofSeconds(120))
                .body("status", equalTo("SUCCEEDED")).body("optimizer", equalTo("memory-add"))
                .body("result_version", equalTo(3));

        // Held-out re-checked before registering: the run page and the confirm page both say how v3 did.
        given().get("/alignments/" + runId).then().statusCode(200)
                .body(containsString("Held-out check passed"))
                .body(containsString("/judges/policy/versions/3/register"));
        given().get("/experiments/" + data.experiment + "/judges/policy/versions/3/register").then()
                .statusCode(200).body(containsString("Held-out check passed"));
        // Folded in: counting starts again from the memory-add run.
        given().get(api(data)).then().statusCode(200).body("last_run_id", equalTo((int) runId))
                .body("labels", equalTo(0));
    }

    @Test
    void unknownJudgeIs404AndReviewersAreRefused() {
        var data = new AlignmentTestData("openai-compatible");
        given().get(data.alignments().replace("/policy/", "/nosuch/") + "/new-labels").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    @TestSecurity(user = "rita", roles = "reviewer")
    void reviewersCannotSeeIt() {
        given().get("/api/v1/experiments/any/judges/policy/alignments/new-labels").then().statusCode(403);
        given().get("/experiments/any/judges/policy/alignment/new-labels").then().statusCode(403);
    }

    private static String token(Response page) {
        Matcher m = TOKEN.matcher(page.asString());
        if (!m.find()) {
            throw new AssertionError("no CSRF token in " + page.asString());
        }
        return m.group(1);
    }

    /** Traces about lost luggage, each labelled by alice and bob ({@code values[i]} = [alice's, bob's]). */
    private static void luggage(AlignmentTestData data, List<List<String>> values) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            body.append("{\"inputs\":{\"question\":\"luggage-").append(i).append(" my suitcase was lost\"},")
                    .append("\"outputs\":{\"answer\":\"We will look for it.\"}}\n");
        }
        List<Number> ids = given().contentType("application/x-ndjson")
                .body(body.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + data.experiment + "/traces").then().statusCode(200)
                .extract().jsonPath().getList("ids");
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            for (int r = 0; r < 2; r++) {
                var label = new HashMap<String, Object>();
                label.put("trace_id", ids.get(i).longValue());
                label.put("name", "policy");
                label.put("value", values.get(i).get(r));
                label.put("source_type", "HUMAN");
                label.put("source_id", r == 0 ? "alice" : "bob");
                labels.add(label);
            }
        }
        given().contentType(ContentType.JSON).body(labels)
                .post("/api/v1/experiments/" + data.experiment + "/assessments").then().statusCode(201);
    }
}
