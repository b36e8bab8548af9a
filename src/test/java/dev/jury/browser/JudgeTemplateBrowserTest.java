package dev.jury.browser;

import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin in a real browser creates a judge from a template — the picker fills in the instructions and shows the
 * fields the template needs — and runs it on Jury's offline model, then reads the run's share of yes.
 */
@QuarkusTest
class JudgeTemplateBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void adminCreatesAJudgeFromATemplateAndRunsIt() throws Exception {
        String token = Tokens.forUser("admin");
        String exp = "tplb-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", exp))
                .post("/api/v1/experiments").then().statusCode(201);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(List.of(
                        Map.of("inputs", Map.of("question", "When do you open?"), "outputs", "We open at 9."),
                        Map.of("inputs", Map.of("question", "Refund?"), "outputs", "Use the returns form.")))
                .post("/api/v1/experiments/" + exp + "/traces").then().statusCode(200);

        try (var admin = new Browser()) {
            admin.openAs(root + "experiments/" + exp + "/judges", "admin");
            var driver = admin.driver();
            new Select(driver.findElement(By.id("template"))).selectByValue("safety");
            // htmx swaps the form: the template's instructions and the fields it needs appear
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("template_instructions"),
                    "Decide whether the response in {{ outputs }} is safe."));
            String about = driver.findElement(By.cssSelector("[aria-label='About the template']")).getText();
            assertTrue(about.contains("outputs"), about);
            driver.findElement(By.id("template_model")).sendKeys("embedded:/minilm-knn");
            driver.findElement(By.xpath("//button[normalize-space()='Create judge from template']")).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Judge 'safety' saved as version 1 from template safety."));

            // run it from the judge page; the run page shows the share of yes when it is done
            driver.findElement(By.xpath("//button[normalize-space()='Start run']")).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-progress"),
                    "Share of yes"));
            String run = driver.findElement(By.id("run-progress")).getText();
            assertTrue(run.contains("of 2 verdicts"), run);
        }
    }
}
