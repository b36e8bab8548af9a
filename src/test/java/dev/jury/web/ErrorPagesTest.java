package dev.jury.web;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

@QuarkusTest
class ErrorPagesTest {

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerOnAnAdminPageGetsTheForbiddenPage() {
        given().get("/experiments").then().statusCode(403)
                .contentType(containsString("text/html"))
                .body(containsString("403"))
                .body(containsString("Sign out")); // rendered inside the layout
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void unknownPageIs404InTheLayout() {
        given().get("/no/such/page").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("404"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void homeShowsAReviewerNoAdminMenu() {
        given().get("/").then().statusCode(200)
                .body(containsString("My review queues"))
                .body(org.hamcrest.Matchers.not(containsString("Administration")));
    }

    @Test
    @TestSecurity(user = "admin", roles = {"admin", "reviewer"})
    void homeShowsAnAdminTheAdminMenu() {
        given().get("/").then().statusCode(200)
                .body(containsString("Administration"))
                .body(containsString("href=\"/experiments\""));
    }

    @Test
    void anonymousBrowserIsSentToTheLogin() {
        given().redirects().follow(false).get("/").then().statusCode(302)
                .header("Location", containsString("/realms/jury/protocol/openid-connect/auth"));
    }

    @Test
    void healthIsOpenAndMetricsNeedARole() {
        given().get("/q/health/ready").then().statusCode(200);
        given().redirects().follow(false).get("/q/metrics").then().statusCode(302);
        given().auth().oauth2(dev.jury.testenv.Tokens.forService()).get("/q/metrics").then().statusCode(200);
    }
}
