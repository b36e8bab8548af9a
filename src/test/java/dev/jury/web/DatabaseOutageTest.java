package dev.jury.web;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 12, PostgreSQL outage: while the database cannot be reached, requests answer 503 problem+json (a page in the
 * layout outside the API) with {@code Retry-After}, nothing is stored, readiness is DOWN; when it is back, the app
 * recovers by itself and readiness is UP again.
 *
 * <p>The outage is made for this run's test database only, so the shared server keeps serving everyone else: a
 * superuser connection to {@code postgres} forbids new connections to it and terminates the app's ones; the
 * {@code finally} block allows them again whatever happened.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class DatabaseOutageTest {

    private static final String SERVER = System.getProperty("jury.test.pg", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String DATABASE = System.getProperty("jury.test.db", "jury_test");

    @Test
    void requestsAre503WhileTheDatabaseIsDownAndTheAppRecoversByItself() throws Exception {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/api/v1/experiments").then().statusCode(200);
        String name = "outage-" + System.nanoTime();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            try {
                cutOff(admin);
                for (int i = 0; i < 3; i++) { // the first one may meet a dead pooled connection, the next a refusal
                    given().get("/api/v1/experiments").then().statusCode(503)
                            .contentType(Problem.MEDIA_TYPE).header("Retry-After", "5")
                            .body("status", equalTo(503)).body("detail", containsString("database"));
                }
                given().contentType("application/json").body("{\"name\":\"" + name + "\"}")
                        .post("/api/v1/experiments").then().statusCode(503).contentType(Problem.MEDIA_TYPE);
                given().get("/experiments").then().statusCode(503).contentType(containsString("text/html"))
                        .body(containsString("database"));
                await("readiness DOWN", () -> given().get("/q/health/ready").statusCode(), 503);
                given().get("/q/health/ready").then().body("status", equalTo("DOWN"));
                given().get("/q/health/live").then().statusCode(200);
            } finally {
                try (var statement = admin.createStatement()) {
                    statement.execute("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS true");
                }
            }
        }
        await("readiness UP again", () -> given().get("/q/health/ready").statusCode(), 200);
        await("the API answering again", () -> given().get("/api/v1/experiments").statusCode(), 200);
        given().get("/api/v1/experiments/" + name).then().statusCode(404); // the refused create stored nothing
        given().contentType("application/json").body("{\"name\":\"" + name + "\"}")
                .post("/api/v1/experiments").then().statusCode(201);
    }

    /** No new connections to this run's database, and the open ones (the app's pool) terminated. */
    private static void cutOff(Connection admin) throws SQLException {
        try (var statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS false");
        }
        try (var terminate = admin.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            terminate.setString(1, DATABASE);
            terminate.executeQuery();
        }
    }

    private static void await(String what, IntSupplier status, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = status.getAsInt();
            if (last == expected) {
                return;
            }
            Thread.sleep(250);
        }
        fail(what + ": still " + last + " after 30 s");
        assertEquals(expected, last);
    }
}
