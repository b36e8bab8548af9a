package dev.jury.browser;

import dev.jury.review.ReviewFixtures;
import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.URL;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's session in a real browser through the real Keycloak login: five labels given with the keyboard only,
 * one changed after going back; then the admin's queue page counts them and the trace shows the superseded label.
 */
@QuarkusTest
class ReviewBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    ReviewFixtures fixtures;

    @Test
    void reviewerLabelsWithTheKeyboardAndTheAdminSeesIt() throws Exception {
        long queue = aliceQueue("keyboard pass", 11);

        try (var alice = new Browser()) {
            alice.openAs(root + "review/" + queue, "alice");
            WebDriver driver = alice.driver();
            for (int i = 0; i < 5; i++) {
                waitForLabels(alice, i);
                waitForFocusOnALevel(alice);
                var keys = new Actions(driver).sendKeys(i % 2 == 0 ? "1" : "2") // pick a level
                        .sendKeys(Keys.TAB) // on to the rationale
                        .sendKeys("keyboard label " + i);
                if (i % 2 == 0) {
                    keys.keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL); // submit from the text
                } else {
                    keys.keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).sendKeys(Keys.ENTER); // from the level
                }
                keys.perform();
            }
            waitForLabels(alice, 5);
            waitForFocusOnALevel(alice);

            // back to the fifth item: it is an edit of 'yes' (level 1, given as label 4)
            new Actions(driver).sendKeys("b").perform();
            alice.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("item"),
                    "This is an item you labelled earlier"));
            assertTrue(driver.findElement(By.id("level-0")).isSelected(), "the earlier label is preselected");
            waitForFocusOnALevel(alice);
            new Actions(driver).sendKeys("2").sendKeys(Keys.TAB).sendKeys(Keys.END).sendKeys(", changed")
                    .keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
            alice.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Your earlier label was changed."));
            waitForLabels(alice, 5);
        }

        long edited = fixtures.count("""
                SELECT a.trace_id FROM assessment a WHERE a.queue_id = ? AND a.supersedes IS NOT NULL""", queue);
        assertEquals(6, fixtures.count("SELECT count(*) FROM assessment WHERE queue_id = ?", queue));
        assertEquals("no", fixtures.text("""
                SELECT value FROM assessment WHERE queue_id = ? AND supersedes IS NOT NULL""", queue));
        assertEquals("keyboard label 4, changed", fixtures.text("""
                SELECT rationale FROM assessment WHERE queue_id = ? AND supersedes IS NOT NULL""", queue));

        try (var admin = new Browser()) {
            admin.openAs(root + "queues/" + queue, "admin");
            var driver = admin.driver();
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("table[aria-label='Reviewers']")));
            var row = driver.findElement(By.xpath("//table[@aria-label='Reviewers']//tr[td[1][normalize-space()='alice']]"));
            assertEquals("5", row.findElement(By.xpath("td[2]")).getText(), driver.getPageSource());
            assertTrue(driver.findElement(By.cssSelector(".complete-count")).getText().startsWith("5 / 8"));

            driver.get(root + "traces/" + edited);
            admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("table[aria-label='Assessments']")));
            String assessments = driver.findElement(By.cssSelector("table[aria-label='Assessments']")).getText();
            assertTrue(assessments.contains("superseded by #"), assessments);
            assertTrue(assessments.contains("keyboard label 4, changed"), assessments);
        }
    }

    /** What a reviewer picked and typed survives a reload (or a sign-in round) until the server took the label. */
    @Test
    void anUnsentLabelSurvivesAReload() throws Exception {
        long queue = aliceQueue("draft pass", 12);

        try (var alice = new Browser()) {
            alice.openAs(root + "review/" + queue, "alice");
            WebDriver driver = alice.driver();
            waitForLabels(alice, 0);
            waitForFocusOnALevel(alice);
            new Actions(driver).sendKeys("2").sendKeys(Keys.TAB).sendKeys("half <b>typed</b>").perform();

            driver.navigate().refresh();
            alice.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".draft-restored")));
            assertTrue(driver.findElement(By.id("level-1")).isSelected(), "the picked level is back");
            assertEquals("half <b>typed</b>", driver.findElement(By.id("rationale")).getAttribute("value"));

            new Actions(driver).click(driver.findElement(By.id("rationale"))).keyDown(Keys.CONTROL)
                    .sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
            waitForLabels(alice, 1);
            driver.navigate().refresh();
            waitForLabels(alice, 1);
            waitForFocusOnALevel(alice);
            assertEquals("", driver.findElement(By.id("rationale")).getAttribute("value"), "no draft on the next item");
            assertTrue(driver.findElements(By.cssSelector(".draft-restored")).isEmpty());
        }
        assertEquals("half <b>typed</b>", fixtures.text(
                "SELECT rationale FROM assessment WHERE queue_id = ?", queue));
        assertEquals("no", fixtures.text("SELECT value FROM assessment WHERE queue_id = ?", queue));
    }

    /** On an item labelled chunk by chunk, the ticked chunks are part of the unsent label that a reload keeps. */
    @Test
    void theTickedChunksOfAnUnsentLabelSurviveAReload() throws Exception {
        long queue = fixtures.perChunkQueue(List.of("alice")).id;

        try (var alice = new Browser()) {
            alice.openAs(root + "review/" + queue, "alice");
            WebDriver driver = alice.driver();
            alice.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.name("chunk_count")));
            List<WebElement> chunks = driver.findElements(By.name("relevant"));
            assertEquals(3, chunks.size());
            chunks.get(0).click();
            chunks.get(2).click();
            driver.findElement(By.id("rationale")).sendKeys("b is off topic");

            driver.navigate().refresh();
            alice.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".draft-restored")));
            chunks = driver.findElements(By.name("relevant"));
            assertTrue(chunks.get(0).isSelected(), "chunk 1 is ticked again");
            assertFalse(chunks.get(1).isSelected(), "chunk 2 stays unticked");
            assertTrue(chunks.get(2).isSelected(), "chunk 3 is ticked again");
            assertEquals("b is off topic", driver.findElement(By.id("rationale")).getAttribute("value"));

            driver.findElement(By.id("submit-label")).click();
            alice.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".count-mine"),
                    "1 / 2"));
        }
        assertEquals("yes", fixtures.text("SELECT value FROM assessment WHERE queue_id = ? AND source_type = 'HUMAN'",
                queue), "two of three chunks relevant, as restored");
        assertEquals("[\"yes\", \"no\", \"yes\"]", fixtures.text("""
                SELECT jsonb_path_query_array(metadata, '$.chunks[*].value')::text FROM assessment
                 WHERE queue_id = ? AND source_type = 'HUMAN'""", queue));
    }

    /** A queue of 8 items over 8 fresh traces with alice its only member, one reviewer per item. */
    private long aliceQueue(String name, int seed) throws SQLException {
        String experiment = fixtures.experiment();
        fixtures.traces(experiment, 4, 4);
        return ((Number) given().auth().oauth2(Tokens.forUser("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "judge", "correct", "size", 8, "reviewers_per_item", 1,
                        "members", List.of("alice"), "seed", seed))
                .post("/api/v1/experiments/" + experiment + "/queues")
                .then().statusCode(201).extract().path("id")).longValue();
    }

    private static void waitForLabels(Browser browser, int labels) {
        browser.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".count-mine"),
                labels + " / 8"));
    }

    private static void waitForFocusOnALevel(Browser browser) {
        browser.waitFor().until(d -> {
            var active = d.switchTo().activeElement();
            String id = active.getAttribute("id");
            return id != null && id.startsWith("level-");
        });
    }
}
