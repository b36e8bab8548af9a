package dev.jury.alignment.run;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.authentication.AuthenticationScheme;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's last mile in a real browser, signed in through Keycloak: on the judge's page the admin starts an
 * alignment from the embedded panel, watches the run page until it has finished, compares the new version with its
 * base, and registers it — without touching code.
 */
@QuarkusTest
class AlignmentBrowserTest {

    @InjectLlmFake
    WireMockServer llm;

    @TestHTTPResource("/")
    URL root;

    @Test
    void adminStartsAnAlignmentWatchesItFinishComparesAndRegisters() throws Exception {
        String token = Tokens.forUser("admin");
        AuthenticationScheme previous = RestAssured.authentication;
        AlignmentTestData data;
        try {
            RestAssured.authentication = RestAssured.oauth2(token);
            data = new AlignmentTestData("openai-compatible").labelled(15, 10);
        } finally {
            RestAssured.authentication = previous;
        }
        data.stubLearnableJudge(llm);
        data.stubDistillation(llm);
        String judgePage = root + "experiments/" + data.experiment + "/judges/policy";

        try (var admin = new Browser()) {
            admin.openAs(judgePage, "admin");
            WebDriver driver = admin.driver();
            // the alignment panel arrives through htmx with the data-set preview and the form
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("reflection-model")));
            assertTrue(driver.findElement(By.id("alignment-panel")).getText().contains("25"),
                    "the preview counts the 25 labelled traces");
            admin.screenshot("judge-page");
            type(driver, "reflection-model", "openai-compatible:/" + data.reflection);
            type(driver, "seed", "7");
            // MemAlign is the default optimizer: its parameters and call budget are on the form
            assertTrue(driver.findElement(By.id("param-retrieval-k")) != null);
            assertTrue(driver.findElement(By.id("alignment-panel")).getText().contains("reflection calls on 20 train"),
                    "the call budget is shown");
            driver.findElement(By.xpath("//button[normalize-space()='Start alignment']")).click();

            // the run page follows the job until it has finished, then links the comparison
            new WebDriverWait(driver, Duration.ofSeconds(120)).until(
                    ExpectedConditions.presenceOfElementLocated(By.partialLinkText("Compare v1 with v2")));
            String run = driver.findElement(By.tagName("main")).getText();
            assertTrue(run.contains("SUCCEEDED") || run.contains("Succeeded"), run);
            assertTrue(run.contains("Distilled guidelines (1; memory of 20 examples)") && run.contains(AlignmentTestData.RULE),
                    run);
            admin.screenshot("alignment-run");
            driver.findElement(By.partialLinkText("Compare v1 with v2")).click();

            // MemAlign leaves the instructions alone; what it learnt is the memory, guidelines with their traces
            String guidelines = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("ol[aria-label='Guidelines of version 2']"))).getText();
            assertTrue(guidelines.contains(AlignmentTestData.RULE), guidelines);
            // the new version's held-out figures link back to the run that proved them
            assertTrue(driver.findElement(By.partialLinkText("alignment run #")).getAttribute("href")
                    .contains("/alignments/"));

            admin.screenshot("compare");
            driver.findElement(By.cssSelector("a[aria-label='Register version 2']")).click();
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("button[aria-label='Confirm: register version 2']"))).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Registered version 2 of judge 'policy'"));
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("registered-version"),
                    "v2"));
        }
        given().auth().oauth2(token).get("/api/v1/experiments/" + data.experiment + "/judges/policy")
                .then().statusCode(200).body("version", equalTo(2));
    }

    private static void type(WebDriver driver, String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }
}
