package dev.jury.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestSecurity(user = "admin", roles = {"admin", "reviewer"})
class AuditResourceTest {

    private static final Pattern DETAIL = Pattern.compile("<span class=\"muted\">event (\\d+)</span>");

    @Inject
    AuditLog audit;

    /**
     * 120 events about one thing, recorded in one transaction: they share a timestamp, so the trail's order (and
     * the cursor) rests on the id. Another thing's event is never listed.
     */
    private List<Integer> record(String target) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 120; i++) {
                audit.record("alice", "thing.changed", "thing", target, "event " + i);
            }
            audit.record("bob", "thing.changed", "thing", "other-" + target, "event 999");
        });
        List<Integer> newest = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            newest.add(i);
        }
        Collections.reverse(newest);
        return newest;
    }

    private static List<Integer> listed(String html) {
        List<Integer> events = new ArrayList<>();
        Matcher m = DETAIL.matcher(html);
        while (m.find()) {
            events.add(Integer.parseInt(m.group(1)));
        }
        return events;
    }

    private static String cursor(String html) {
        Matcher m = Pattern.compile("hx-get=\"[^\"]*before=(\\d+)\"").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }

    @Test
    void theTrailPagesFiftyAtATimeNewestFirstUntilTheLast() {
        String target = "t-" + UUID.randomUUID();
        List<Integer> newest = record(target);

        var first = audit.page("thing", target, null, AuditLog.PAGE);
        assertEquals(50, first.events().size());
        assertEquals(120, first.page().total());
        assertTrue(first.nextHref().contains("target_id=" + target + "&before=" + first.events().get(49).id));

        String page = given().queryParam("target_type", "thing").queryParam("target_id", target)
                .get("/audit").then().statusCode(200).header("Vary", containsString("HX-Request")).extract().asString();
        assertEquals(newest.subList(0, 50), listed(page));
        assertTrue(page.contains("50 of 120 events"), page);
        assertTrue(page.contains("aria-label=\"Load 50 more events\""));

        String second = given().header("HX-Request", "true").queryParam("target_type", "thing")
                .queryParam("target_id", target).queryParam("before", cursor(page)).get("/audit")
                .then().statusCode(200).extract().asString();
        assertFalse(second.contains("<html"), "a fragment, not the page");
        assertTrue(second.strip().startsWith("<li"), second);
        assertEquals(newest.subList(50, 100), listed(second));
        assertTrue(second.contains("100 of 120 events"));

        String last = given().queryParam("target_type", "thing").queryParam("target_id", target)
                .queryParam("before", cursor(second)).get("/audit").then().statusCode(200).extract().asString();
        assertTrue(last.contains("<html"), "without htmx the link opens a page");
        assertEquals(newest.subList(100, 120), listed(last));
        assertTrue(last.contains("120 of 120 events"));
        assertFalse(last.contains("Load more"), "the last page has no link");
    }

    @Test
    void aCursorFromAnotherTrailOrMalformedInputIsRefused() {
        String target = "t-" + UUID.randomUUID();
        record(target);
        long foreign = audit.page("thing", "other-" + target, null, 1).events().get(0).id;

        given().queryParam("target_type", "thing").queryParam("target_id", target).queryParam("before", foreign)
                .get("/audit").then().statusCode(404);
        given().queryParam("target_type", "thing").queryParam("target_id", target).queryParam("before", "x")
                .get("/audit").then().statusCode(400);
        given().queryParam("target_type", "thing").get("/audit").then().statusCode(400);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewersMayNotReadTrails() {
        given().queryParam("target_type", "thing").queryParam("target_id", "x").get("/audit").then().statusCode(403);
    }
}
