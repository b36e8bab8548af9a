package dev.jury.browser;

import dev.jury.testenv.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.URL;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The skeleton end to end in a real browser: Keycloak login page, an admin form, a role refusal. */
@QuarkusTest
class SignInBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void adminSignsInAndCreatesAnExperiment() {
        String name = "browser-" + UUID.randomUUID().toString().substring(0, 6);
        try (var browser = new Browser()) {
            browser.openAs(root + "experiments", "admin");
            var driver = browser.driver();
            browser.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("name")));
            driver.findElement(By.id("name")).sendKeys(name);
            driver.findElement(By.id("description")).sendKeys("made in Chromium");
            driver.findElement(By.xpath("//button[normalize-space()='Create experiment']")).click();
            browser.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), name));
            var table = driver.findElement(By.cssSelector("table[aria-label='Experiments']"));
            assertTrue(table.getText().contains(name), "new experiment is listed");
            assertTrue(driver.findElement(By.cssSelector(".usermenu")).getText().contains("Ada Admin"));
        }
    }

    @Test
    void reviewerGetsTheForbiddenPageOnAnAdminPage() {
        try (var browser = new Browser()) {
            browser.openAs(root + "experiments", "alice");
            var driver = browser.driver();
            browser.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
            assertTrue(driver.findElement(By.tagName("h1")).getText().contains("403"), driver.getPageSource());
            driver.get(root.toString());
            browser.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("queues-title")));
            assertTrue(driver.getPageSource().contains("My review queues"));
        }
    }
}
