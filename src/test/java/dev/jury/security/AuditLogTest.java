package dev.jury.security;

import dev.jury.judges.ApiFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class AuditLogTest {

    @Inject
    AuditLog audit;

    @Test
    void recordsAndListsNewestFirst() {
        String target = "t-" + UUID.randomUUID();
        audit.record("alice", "thing.created", "thing", target, "first");
        audit.record("bob", "thing.changed", "thing", target, "x".repeat(AuditLog.MAX_DETAIL + 100));
        audit.record("carol", "thing.changed", "thing", "other-" + target, "not this one");

        List<AuditEvent> trail = audit.trail("thing", target, 10);
        assertEquals(2, trail.size());
        assertEquals("bob", trail.get(0).actor);
        assertEquals(AuditLog.MAX_DETAIL, trail.get(0).detail.length(), "long details are cut");
        assertEquals("alice", trail.get(1).actor);
        assertEquals("first", trail.get(1).detail);
        assertEquals(1, audit.trail("thing", target, 1).size());
    }

    @Test
    void anEventRecordedInARolledBackTransactionIsNotKept() {
        String target = "t-" + UUID.randomUUID();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                audit.record("alice", "thing.created", "thing", target, "");
                throw new IllegalStateException("the change failed");
            });
        } catch (IllegalStateException expected) {
            // the change and its audit event go together
        }
        assertTrue(audit.trail("thing", target, 10).isEmpty());
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void rubricAndJudgeChangesAreAudited() {
        String exp = ApiFixtures.experiment();
        ApiFixtures.judge(exp, "quality");
        var changed = new HashMap<>(ApiFixtures.qualityRubric());
        changed.put("guidelines", "Changed.");
        given().contentType(ContentType.JSON).body(changed).put("/api/v1/experiments/" + exp + "/rubrics/quality")
                .then().statusCode(201);
        // unchanged content is no change: not audited
        given().contentType(ContentType.JSON).body(changed).put("/api/v1/experiments/" + exp + "/rubrics/quality")
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(ApiFixtures.judgeBody("quality"))
                .post("/api/v1/experiments/" + exp + "/judges").then().statusCode(201);

        List<AuditEvent> rubric = audit.trail("rubric", exp + "/quality", 10);
        assertEquals(List.of("rubric.version_created", "rubric.version_created"),
                rubric.stream().map(e -> e.action).toList());
        assertTrue(rubric.get(0).detail.startsWith("Version 2: categorical, 4 levels"), rubric.get(0).detail);
        assertTrue(rubric.get(1).detail.startsWith("Version 1 (new rubric)"), rubric.get(1).detail);
        assertEquals("admin", rubric.get(0).actor);

        List<AuditEvent> judge = audit.trail("judge", exp + "/quality", 10);
        assertEquals(List.of("judge.version_created", "judge.created"), judge.stream().map(e -> e.action).toList());
        assertTrue(judge.get(0).detail.contains("rubric version 2"), judge.get(0).detail);
    }
}
