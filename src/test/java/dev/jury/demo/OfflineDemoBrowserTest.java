package dev.jury.demo;

import dev.jury.testenv.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new user's first look, in Chromium through Keycloak, with no LLM configured: the demo judge's page says it runs
 * on the small offline model and how to plug in a real one, shows the verdicts of the run made at start against the
 * experts' labels, and an alignment started from the page (few-shot into memory, preselected) finishes.
 */
@QuarkusTest
@TestProfile(NoLlmDemoProfile.class)
class OfflineDemoBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void adminSeesTheOfflineJudgeItsVerdictsAndAlignsIt() throws Exception {
        OfflineDemoTest.awaitDemoQueue(Duration.ofSeconds(240));
        try (var admin = new Browser()) {
            admin.openAs(root + "experiments/demo/judges/hallucination", "admin");
            WebDriver driver = admin.driver();
            String banner = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("[aria-labelledby='offline-title']"))).getText();
            assertTrue(banner.contains("Runs on Jury's small offline model"), banner);
            assertTrue(banner.contains("not a replacement for a real LLM"), banner);
            assertTrue(banner.contains("JURY_LLM_PROVIDERS_OPENAI_API_KEY"), banner);
            // the run at start judged the labelled traces: the version row compares it with the experts
            String versions = driver.findElement(By.cssSelector("table[aria-label='Judge versions']")).getText();
            assertTrue(versions.contains("accuracy") && versions.contains("on 300 traces"), versions);
            assertTrue(versions.contains("offline model"), versions);
            admin.screenshot("offline-judge-page");

            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("optimizer")));
            assertEquals("few-shot", new Select(driver.findElement(By.id("optimizer")))
                    .getFirstSelectedOption().getText(), "the offline judge's default optimizer");
            driver.findElement(By.id("rebalance")).click();
            driver.findElement(By.xpath("//button[normalize-space()='Start alignment']")).click();

            // The run's status badge, not the page's text: the held-out table ("Failed judge calls") can show up
            // a poll before the job is recorded as finished, and the page keeps polling until it is.
            String status = new WebDriverWait(driver, Duration.ofSeconds(180))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
                        String shown = d.findElement(By.cssSelector("span.job-status")).getText()
                                .toUpperCase(java.util.Locale.ROOT);
                        return shown.equals("SUCCEEDED") || shown.equals("FAILED") || shown.equals("CANCELLED")
                                ? shown : null;
                    });
            String run = driver.findElement(By.tagName("main")).getText();
            assertEquals("SUCCEEDED", status, run);
            assertTrue(run.contains("Held-out traces: before and after"), run);
            admin.screenshot("offline-alignment-run");
        }
    }
}
