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

    /** An access token the realm issued to another of its clients (password grant through {@code clientId}). */
    public static String forClient(String clientId, String username) {
        return passwordGrant(clientId, username, null).path("access_token");
    }

    /** The ID token (not the access token) of a password grant through {@code jury-cli}. */
    public static String idTokenForUser(String username) {
        return passwordGrant("jury-cli", username, "openid").path("id_token");
    }

    /** A token's claims (its payload, unverified). */
    public static io.restassured.path.json.JsonPath claims(String token) {
        String payload = token.split("\\.")[1];
        return new io.restassured.path.json.JsonPath(new String(java.util.Base64.getUrlDecoder().decode(payload),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static io.restassured.response.ExtractableResponse<io.restassured.response.Response> passwordGrant(
            String clientId, String username, String scope) {
        var request = RestAssured.given().baseUri(KeycloakServer.REALM_URL)
                .formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", username);
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post("/protocol/openid-connect/token").then().statusCode(200).extract();
    }
}
