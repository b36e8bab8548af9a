package dev.jury.agreement.report;

import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.jury.agreement.report.AgreementFixtures.LEVELS;
import static dev.jury.agreement.report.AgreementFixtures.categorical;
import static dev.jury.agreement.report.AgreementFixtures.label;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin in a real browser on a report with 120 disagreements: the page lists 50, and "Load more" (a link, here
 * followed from the keyboard) appends the next 50 and then the last 20 in place, without leaving the page.
 */
@QuarkusTest
class AgreementBrowserTest {

    private static final By ROWS = By.xpath("//table[@aria-label='Disagreements']/tbody/tr[not(@class='load-more')]");

    @TestHTTPResource("/")
    URL root;

    @Test
    void loadMoreAppendsTheNextDisagreementsInPlace() {
        String token = Tokens.forUser("admin");
        String exp = "ab-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", exp))
                .post("/api/v1/experiments").then().statusCode(201);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(categorical(LEVELS, "bad"))
                .put("/api/v1/experiments/" + exp + "/rubrics/quality").then().statusCode(201);
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            ndjson.append("{\"inputs\":\"question ").append(i).append("\",\"outputs\":\"answer ").append(i)
                    .append("\"}\n");
        }
        List<Number> traces = given().auth().oauth2(token).contentType("application/x-ndjson")
                .body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200).extract().jsonPath()
                .getList("ids");
        List<Map<String, Object>> labels = new ArrayList<>();
        for (Number trace : traces) { // two reviewers who always split: 120 traces without a consensus
            labels.add(label(trace.longValue(), "quality", "good", "e0"));
            labels.add(label(trace.longValue(), "quality", "bad", "e1"));
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(labels)
                .post("/api/v1/experiments/" + exp + "/assessments").then().statusCode(201);

        try (var admin = new Browser()) {
            String page = root + "experiments/" + exp + "/agreement?name=quality";
            admin.openAs(page, "admin");
            WebDriver driver = admin.driver();
            admin.waitFor().until(ExpectedConditions.numberOfElementsToBe(ROWS, 50));
            assertTrue(driver.findElement(By.cssSelector("tr.load-more")).getText().contains("50 of 120"));

            String before = driver.getCurrentUrl();
            var more = driver.findElement(By.cssSelector("a[aria-label='Load 50 more disagreements']"));
            more.sendKeys(Keys.ENTER); // a link: reachable and followed from the keyboard
            admin.waitFor().until(ExpectedConditions.numberOfElementsToBe(ROWS, 100));
            assertEquals(before, driver.getCurrentUrl(), "appended in place, not a new page");
            assertEquals("#" + traces.get(50), driver.findElements(ROWS).get(50).findElement(By.tagName("a"))
                    .getText());

            driver.findElement(By.cssSelector("a[aria-label='Load 20 more disagreements']")).click();
            admin.waitFor().until(ExpectedConditions.numberOfElementsToBe(ROWS, 120));
            assertEquals("#" + traces.get(119), driver.findElements(ROWS).get(119).findElement(By.tagName("a"))
                    .getText());
            assertTrue(driver.findElement(By.cssSelector("tr.load-more")).getText().contains("120 of 120"));
            assertTrue(driver.findElements(By.linkText("Load more")).isEmpty(), "the last page has no link");
        }
    }
}
