package dev.jury.testenv;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless Debian Chromium driven by Debian's chromedriver; Selenium Manager stays offline. One instance is one
 * person's browser: its own profile, so its own Keycloak session.
 */
public final class Browser implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final WebDriverWait wait;

    public Browser() {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        System.setProperty("SE_OFFLINE", "true");
        try {
            Path profile = Files.createTempDirectory("jury-chromium");
            var options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,900", "--user-data-dir=" + profile);
            var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                    .usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        wait = new WebDriverWait(driver, WAIT);
        // A condition that finds an element and then reads it can lose the element to a page load or an htmx swap in
        // between: Selenium says "stale element", chromedriver sometimes "Node with given id does not belong to the
        // document". Both mean "not yet"; the next poll finds the new element (a real failure still times out).
        wait.ignoring(org.openqa.selenium.WebDriverException.class);
    }

    public WebDriver driver() {
        return driver;
    }

    public WebDriverWait waitFor() {
        return wait;
    }

    /** Opens {@code url}; when Keycloak's login form appears, signs in (demo password = username). */
    public void openAs(String url, String username) {
        driver.get(url);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(username);
        driver.findElement(By.id("kc-login")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(url.substring(0, url.indexOf('/', 8))));
    }

    /**
     * Saves the whole page as {@code target/screenshots/NAME.png}: a record of what the test saw, to look at when it
     * fails or when the docs' pictures are refreshed.
     */
    public void screenshot(String name) {
        try {
            var page = driver.findElement(By.tagName("body"));
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280,
                    Math.min(4000, Math.max(900, page.getSize().getHeight() + 40))));
            Path file = Path.of("target", "screenshots", name + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, ((org.openqa.selenium.TakesScreenshot) driver)
                    .getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        } catch (java.io.IOException | RuntimeException e) {
            // a missing picture must not fail the test it documents
            System.err.println("screenshot " + name + " not saved: " + e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
