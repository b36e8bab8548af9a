package dev.jury.testenv;

import io.restassured.RestAssured;

/** Real access tokens from the test Keycloak, for the demo users and the service client. */
public final class Tokens {

    private Tokens() {
    }

    /** Password grant through the public {@code jury-cli} client; demo passwords equal the usernames. */
    public static String forUser(String username) {
        return RestAssured.given().baseUri(KeycloakServer.REALM_URL)
                .formParam("grant_type", "password").formParam("client_id", "jury-cli")
                .formParam("username", username).formParam("password", username)
                .post("/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    /** Client-credentials grant for the {@code jury-service} client (role {@code service}). */
    public static String forService() {
        return RestAssured.given().baseUri(KeycloakServer.REALM_URL)
                .formParam("grant_type", "client_credentials").formParam("client_id", "jury-service")
                .formParam("client_secret", "jury-service-secret")
                .post("/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
