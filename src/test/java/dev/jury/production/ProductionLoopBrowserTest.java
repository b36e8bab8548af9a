package dev.jury.production;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jury.llm.InjectLlmFake;
import dev.jury.registry.RegistryFixtures;
import dev.jury.testenv.Browser;
import dev.jury.testenv.Tokens;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's production loop in a real browser, signed in through Keycloak: the admin registers the judge's version
 * and turns online scoring on through the judge page's form; an application sends traces with the real OpenTelemetry
 * Java SDK (OTLP/HTTP, service token); the admin then sees them scored — the online-scoring page's count reaching 3,
 * the trace list's "has a judge verdict" filter, the verdict on a trace's page — and the verdicts of today counted
 * on the judge's monitoring page. The two traces that existed before scoring was turned on are never scored.
 */
@QuarkusTest
class ProductionLoopBrowserTest {

    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final Pattern COUNTS = Pattern.compile("^(\\d+) scored · (\\d+) errors · (\\d+) waiting");

    /** What the instrumented application answers; the fake judge says "no" to the one mentioning a refund. */
    static final List<String> ANSWERS = List.of("It arrives in 2 days.", "Order 4411 has shipped.",
            "No refund is possible for order 4411.");

    @InjectLlmFake
    WireMockServer llm;

    @Inject
    RegistryFixtures fixtures;

    @TestHTTPResource("/")
    URL root;

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    @TestHTTPResource("/v1/traces")
    URL otlpEndpoint;

    @Test
    void adminTurnsScoringOnTheSdkSendsTracesAndTheBrowserShowsThemScored() throws Exception {
        String token = Tokens.forUser("admin");
        // experiment, yes/no rubric, judge 'correct' v1 on a model of the LLM fake, 2 traces made before scoring
        var world = fixtures.world("openai-compatible", 2, token);
        RegistryFixtures.answer(llm, world, "yes", "fine");
        RegistryFixtures.answerWhen(llm, world, "refund", "no");
        String judgePage = root + "experiments/" + world.experiment() + "/judges/correct";

        try (var admin = new Browser()) {
            admin.openAs(judgePage, "admin");
            WebDriver driver = admin.driver();

            // 1. register version 1 through its confirmation page
            admin.waitFor().until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("a[aria-label='Register version 1']"))).click();
            admin.waitFor().until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("button[aria-label='Confirm: register version 1']"))).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Registered version 1 of judge 'correct'."));

            // ... then turn online scoring on in the judge page's panel (loaded by htmx): every new trace
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("online-scoring-status"),
                    "Off"));
            WebElement enabled = driver.findElement(By.id("online-enabled"));
            assertTrue(!enabled.isSelected(), "scoring starts off");
            enabled.click();
            WebElement rate = driver.findElement(By.id("online-rate"));
            rate.clear();
            rate.sendKeys("1.0");
            driver.findElement(By.id("online-filter")).clear();
            admin.screenshot("production-loop-scoring-form");
            driver.findElement(By.xpath("//button[normalize-space()='Save online scoring']")).click();
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
                    "Online scoring is on: 100.0 % of new traces are scored by the registered version."));
            admin.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("online-scoring-status"),
                    "On"));
            String status = driver.findElement(By.id("online-scoring-status")).getText();
            assertTrue(status.contains("100 %") && status.contains("v1"), status);

            // 2. the application sends three traces with the OpenTelemetry SDK
            List<String> sdkTraceIds = sendWithTheSdk(world.experiment());

            // 3. the online-scoring page: the scored count rises to 3 (reloaded until it does)
            driver.get(judgePage + "/online-scoring");
            Set<String> seen = new LinkedHashSet<>();
            new WebDriverWait(driver, Duration.ofSeconds(120), Duration.ofMillis(500))
                    .withMessage(() -> "the SDK traces were not scored: never '3 scored · … · 0 waiting'; seen " + seen)
                    .until(d -> {
                        d.navigate().refresh();
                        String counts = d.findElement(By.id("online-scoring-counts")).getText();
                        seen.add(counts);
                        Matcher m = COUNTS.matcher(counts);
                        return m.find() && Integer.parseInt(m.group(1)) >= 3 && m.group(3).equals("0");
                    });
            String counts = driver.findElement(By.id("online-scoring-counts")).getText();
            assertTrue(counts.startsWith("3 scored · 0 errors · 0 waiting"),
                    "exactly the 3 SDK traces are scored, not the 2 older ones: " + counts + " (seen " + seen + ")");
            String perVersion = driver.findElement(By.cssSelector("table[aria-label='Traces scored online per version']"))
                    .getText();
            assertTrue(perVersion.contains("v1 3 0"), perVersion);
            admin.screenshot("production-loop-scored");

            // ... the trace list: filtered to traces with a judge verdict, exactly the 3 SDK traces
            driver.get(root + "experiments/" + world.experiment() + "/traces");
            admin.waitFor().until(d -> rows(d).size() == 5);
            new Select(driver.findElement(By.id("judged"))).selectByValue("yes");
            driver.findElement(By.xpath("//form[@aria-label='Filter traces']//button[@type='submit']")).click();
            admin.waitFor().until(d -> rows(d).size() == 3);
            for (WebElement row : rows(driver)) {
                assertTrue(row.getText().contains("(otlp)"), "only SDK traces have a verdict: " + row.getText());
            }
            WebElement refund = rows(driver).stream().filter(r -> r.getText().contains("refund")).findFirst()
                    .orElseThrow(() -> new AssertionError("the refund trace is in the list"));
            refund.findElement(By.cssSelector("a[aria-label^='Trace ']")).click();

            // ... the trace page: the judge's verdict, current
            WebElement assessments = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("table[aria-label='Assessments']")));
            assertTrue(driver.findElement(By.tagName("main")).getText().contains("via otlp"));
            String verdict = assessments.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText)
                    .filter(t -> t.contains("judge:correct@v1")).findFirst()
                    .orElseThrow(() -> new AssertionError("no verdict of judge:correct@v1: " + assessments.getText()));
            assertTrue(verdict.contains("LLM_JUDGE") && verdict.contains(" no ") && verdict.contains("current"),
                    verdict);
            admin.screenshot("production-loop-trace");

            // 4. the monitoring page: today's verdicts counted by value (2 yes, 1 no), no errors, 3 calls
            driver.get(judgePage + "/monitor");
            WebElement figures = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("table[aria-label='Verdicts, errors and calls per day']")));
            Map<String, String> today = todayRow(figures);
            assertEquals("2", today.get("yes"), today.toString());
            assertEquals("1", today.get("no"), today.toString());
            assertEquals("0", today.get("Errors"), today.toString());
            assertEquals("3", today.get("Calls"), today.toString());
            admin.screenshot("production-loop-monitor");

            buildAReviewQueueFromTheUncertainOnes(admin, world, sdkTraceIds);
        }
    }

    /**
     * Issue 14, deliverable 4 in the browser: measure how unsure the registered judge is on the traces it just scored
     * (3 samples each at temperature 1.0 — the fake answers the refund trace "no" then "yes" then "no", the others
     * always the same), then create a review queue with the source "uncertain" and see that it holds the refund trace.
     *
     * @param sdkTraceIds the OpenTelemetry trace ids (hex) the SDK sent, stored as each trace's client_request_id
     */
    private void buildAReviewQueueFromTheUncertainOnes(Browser admin, RegistryFixtures.World world,
                                                       List<String> sdkTraceIds) throws Exception {
        WebDriver driver = admin.driver();
        var forJudge = com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.model",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(world.model()));
        var sampled = com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.temperature",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("1.0"));
        String[] answers = {"no", "yes", "no"};
        for (int i = 0; i < answers.length; i++) {
            llm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/chat/completions"))
                    .atPriority(0).withRequestBody(forJudge).withRequestBody(sampled)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("refund"))
                    .inScenario("unsure-" + world.model())
                    .whenScenarioStateIs(i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED : "s" + i)
                    .willSetStateTo(i == answers.length - 1 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED
                            : "s" + (i + 1))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                            .withHeader("Content-Type", "application/json").withBody(dev.jury.llm.LlmFakeServer
                                    .completion("{\"result\": \"" + answers[i] + "\", \"rationale\": \"unsure\"}"))));
        }

        // measure, from the page: 3 samples at temperature 1.0 of the registered version
        driver.get(root + "experiments/" + world.experiment() + "/uncertainty?judge=correct");
        WebElement samples = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("samples")));
        new Select(driver.findElement(By.id("judge"))).selectByValue("correct");
        samples.clear();
        samples.sendKeys("3");
        WebElement temperature = driver.findElement(By.id("temperature"));
        temperature.clear();
        temperature.sendKeys("1.0");
        driver.findElement(By.xpath("//button[normalize-space()='Start measuring']")).click();
        new WebDriverWait(driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(500))
                .withMessage("the uncertainty job did not succeed")
                .until(d -> {
                    if (!d.getCurrentUrl().contains("/jobs/")) {
                        return false;
                    }
                    d.navigate().refresh();
                    return d.findElement(By.tagName("main")).getText().contains("SUCCEEDED");
                });

        // a queue of the single most uncertain trace, no random stratum
        driver.get(root + "experiments/" + world.experiment() + "/queues");
        WebElement name = admin.waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("name")));
        name.sendKeys("least-sure");
        new Select(driver.findElement(By.id("judge"))).selectByValue("correct");
        new Select(driver.findElement(By.id("source"))).selectByValue("uncertain");
        WebElement share = driver.findElement(By.id("random_share"));
        share.clear();
        share.sendKeys("0");
        WebElement size = driver.findElement(By.id("size"));
        size.clear();
        size.sendKeys("1");
        driver.findElement(By.xpath("(//button[normalize-space()='Create queue'])[last()]")).click();
        // Only the refund trace is uncertain (and it is a predicted negative): the pool cannot give the balance
        // rule its positives, so the form offers the documented way out — create it marked unbalanced.
        admin.waitFor().until(ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space()='Create anyway, marked unbalanced']"))).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).withMessage(() -> "no queue was created; the page says: "
                        + driver.findElement(By.tagName("main")).getText())
                .until(d -> d.getCurrentUrl().matches(".*/queues/\\d+.*"));
        admin.screenshot("production-loop-uncertain-queue");
        long queueId = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/queues/(\\d+).*", "$1"));
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT t.client_request_id, i.stratum FROM queue_item i JOIN trace t ON t.id = i.trace_id
                 WHERE i.queue_id = ?""")) {
            s.setLong(1, queueId);
            var rs = s.executeQuery();
            assertTrue(rs.next(), "the uncertain queue has an item");
            String refundTrace = sdkTraceIds.get(ANSWERS.size() - 1);
            assertEquals(refundTrace, rs.getString(1), "the trace the judge was unsure of is queued");
            assertTrue(!rs.next(), "and only it");
        }
    }

    /** Three root spans (three traces) through the SDK's batch processor and OTLP/HTTP exporter, flushed. */
    private List<String> sendWithTheSdk(String experiment) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(otlpEndpoint.toString())
                .addHeader("Authorization", "Bearer " + Tokens.forService())
                .build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "support-bot",
                AttributeKey.stringKey("jury.experiment"), experiment)));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
        var ids = new ArrayList<String>();
        try {
            Tracer tracer = provider.get("jury-production-loop-test");
            for (String answer : ANSWERS) {
                Span root = tracer.spanBuilder("chat gpt-4o").setSpanKind(SpanKind.CLIENT)
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute(INPUT_MESSAGES, "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                                + "\"content\":\"Where is order 4411?\"}]}]")
                        .startSpan();
                ids.add(root.getSpanContext().getTraceId());
                root.setAttribute(OUTPUT_MESSAGES, "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"content\":\"" + answer + "\"}],\"finish_reason\":\"stop\"}]");
                root.end();
            }
            CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
            assertTrue(flushed.isSuccess(), "the exporter's request succeeded");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        return ids;
    }

    private static List<WebElement> rows(WebDriver driver) {
        return driver.findElements(By.cssSelector("#trace-table table[aria-label='Traces'] tbody tr"));
    }

    /** The monitor table's row for today (UTC), as column header → cell text. */
    private static Map<String, String> todayRow(WebElement table) {
        List<String> headers = table.findElements(By.cssSelector("thead th")).stream().map(WebElement::getText)
                .toList();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        for (WebElement row : table.findElements(By.cssSelector("tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(today)) {
                var byHeader = new java.util.LinkedHashMap<String, String>();
                for (int i = 0; i < cells.size() && i < headers.size(); i++) {
                    byHeader.put(headers.get(i), cells.get(i).getText());
                }
                return byHeader;
            }
        }
        throw new AssertionError("no row for " + today + " in: " + table.getText());
    }
}
