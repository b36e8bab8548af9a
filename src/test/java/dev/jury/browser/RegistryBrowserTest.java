package dev.jury.browser;

import dev.jury.registry.RegistryFixtures;
import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin in a real browser, signed in through Keycloak: opens a judge's page, compares two versions, registers
 * the newer one through its confirmation page, then rolls back to the version registered before.
 */
@QuarkusTest
class RegistryBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    RegistryFixtures fixtures;

    @Test
    void adminComparesRegistersAndRollsBack() throws Exception {
        String token = Tokens.forUser("admin");
        var world = fixtures.world("openai-compatible", 0, token);
        fixtures.nextVersion(world, "Is {{ outputs }} a correct answer to {{ inputs }}?\n\nIf the answer hedges, "
                + "it should be judged no.");
        String judge = "experiments/" + world.experiment() + "/judges/correct";
        given().auth().oauth2(token).contentType(ContentType.JSON).post("/api/v1/" + judge + "/versions/1/register")
                .then().statusCode(200);

        try (var admin = new Browser()) {
            admin.openAs(root + judge, "admin");
            var driver = admin.driver();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("registered-version"),
                    "v1"));

            // compare v1 with v2 (the form's defaults: the two newest versions)
            driver.findElement(By.xpath("//form[@aria-label='Compare two versions']//button")).click();
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("pre.diff")));
            String diff = driver.findElement(By.cssSelector("pre.diff")).getText();
            assertTrue(diff.contains("+ If the answer hedges, it should be judged no."), diff);

            // register v2 from the compare page, through the confirmation page
            driver.findElement(By.cssSelector("a[aria-label='Register version 2']")).click();
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("button[aria-label='Confirm: register version 2']"))).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Registered version 2 of judge 'correct' (was version 1)."));
            assertEquals("v2", driver.findElement(By.id("registered-version")).getText());

            // roll back: v1 is registered again
            driver.findElement(By.cssSelector("a[aria-label='Roll back the registered version']")).click();
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("button[aria-label='Confirm: roll back to version 1']"))).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Rolled back judge 'correct' from version 2 to version 1."));
            assertEquals("v1", driver.findElement(By.id("registered-version")).getText());
            String history = driver.findElement(By.cssSelector("ol[aria-label='Registry history']")).getText();
            assertTrue(history.contains("rolled back v2 → v1") && history.contains("registered v1 → v2"), history);
        }
        given().auth().oauth2(token).get("/api/v1/" + judge + "?version=registered").then().statusCode(200)
                .body("version", org.hamcrest.Matchers.equalTo(1));
    }
}
