package dev.jury.web;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Requests the API cannot take at all (wrong content type, no body, unknown path or method) get a problem document saying what to send. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class BareApiErrorTest {

    @Test
    void aFormEncodedPostToTheApiIsToldToSendJson() {
        // what `curl -d '' …` sends
        given().contentType("application/x-www-form-urlencoded").body("")
                .post("/api/v1/experiments")
                .then().statusCode(415)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(415))
                .body("detail", containsString("Content-Type: application/json"))
                .body("detail", containsString("curl -d"));
    }

    @Test
    void aPostWithNeitherBodyNorContentTypeGetsAProblemDocument() throws Exception {
        // what `curl -X POST …/register` sends; RestAssured always adds a content type, so the JDK client is used
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                                + "/api/v1/experiments")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertTrue(response.statusCode() >= 400, response.toString());
        org.junit.jupiter.api.Assertions.assertEquals(Problem.MEDIA_TYPE,
                response.headers().firstValue("Content-Type").orElse(""), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("\"detail\""), response.body());
    }

    @Test
    void anUnknownApiPathIsAProblemDocument() {
        given().get("/api/v1/no-such-thing").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("/api/v1/no-such-thing"));
    }

    @Test
    void aWrongMethodIsAProblemDocument() {
        given().delete("/api/v1/experiments").then().statusCode(405)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(405));
    }
}
