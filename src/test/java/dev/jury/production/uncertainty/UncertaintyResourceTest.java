package dev.jury.production.uncertainty;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import dev.jury.registry.RegistryFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The measuring page: the cost before anything is called, its htmx update, the start, errors in the form. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class UncertaintyResourceTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    RegistryFixtures fixtures;

    @Inject
    AgroalDataSource dataSource;

    RegistryFixtures.World world() throws Exception {
        var w = fixtures.world("openai-compatible", 5);
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO assessment (trace_id, name, value, rationale, source_type, source_id)
                SELECT t, 'correct', 'yes', 'judged', 'LLM_JUDGE', 'judge:correct@v1' FROM unnest(?::bigint[]) t""")) {
            s.setArray(1, c.createArrayOf("bigint", w.traces().toArray()));
            s.executeUpdate();
        }
        return w;
    }

    static String csrf(Response page) {
        var m = CSRF.matcher(page.asString());
        assertTrue(m.find(), "CSRF token on the page");
        return m.group(1);
    }

    @Test
    void theCostIsShownBeforeAnythingIsCalledAndUpdatesAsTyped() throws Exception {
        var w = world();
        String path = "/experiments/" + w.experiment() + "/uncertainty";
        given().get(path).then().statusCode(200)
                .body(containsString("Cost: <strong>15 calls</strong> — 3 samples × 5 traces"))
                .body(containsString("hx-get=\"" + path + "\""))
                .body(containsString("hx-params=\"not csrf-token\""));
        // htmx asks for the cost line only
        given().header("HX-Request", "true").queryParam("judge", "correct").queryParam("samples", "5")
                .queryParam("temperature", "0.7").queryParam("candidates", "4").get(path).then().statusCode(200)
                .body(containsString("Cost: <strong>20 calls</strong> — 5 samples × 4 traces"))
                .body(not(containsString("<h1>")));
        given().queryParam("samples", "1").get(path).then().statusCode(200)
                .body(containsString("one sample cannot disagree with itself"))
                .body(containsString("Cost: fix the fields above to see it."));
        assertEquals(0, llm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(w.model()))).size());
    }

    @Test
    void startingRedirectsToTheJobAndARefusalStaysInTheForm() throws Exception {
        var w = world();
        RegistryFixtures.answer(llm, w, "yes", "fine");
        String path = "/experiments/" + w.experiment() + "/uncertainty";
        Response page = given().get(path);
        Response started = given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", csrf(page)).formParam("judge", "correct").formParam("samples", "2")
                .formParam("temperature", "0.5").formParam("candidates", "3").formParam("tag", "")
                .post(path);
        assertEquals(303, started.statusCode(), started.asString());
        assertTrue(started.getHeader("Location").matches(".*/jobs/\\d+"), started.getHeader("Location"));
        given().redirects().follow(false).cookies(page.getCookies())
                .formParam("csrf-token", csrf(page)).formParam("judge", "correct").formParam("samples", "2")
                .formParam("temperature", "hot").formParam("candidates", "3").formParam("tag", "")
                .post(path).then().statusCode(422)
                .body(containsString("The temperature is a number above 0"))
                .body(containsString("value=\"hot\""));
    }
}
