package dev.jury.testenv;

import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real browser session without a browser: the OIDC code flow against the test Keycloak, followed by hand
 * (Jury → Keycloak login form → Jury's redirect URI), ending with Jury's {@code q_session} cookies.
 */
public final class Sessions {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]+id=\"kc-form-login\"[^>]+action=\"([^\"]+)\"");

    private Sessions() {
    }

    /** Signs {@code username} in (demo password = username) and returns Jury's cookies for that session. */
    public static Map<String, String> signIn(String username) {
        Map<String, String> app = new HashMap<>();
        Response start = RestAssured.given().redirects().follow(false).get("/experiments");
        expect(start, 302, "Jury's redirect to the login");
        app.putAll(start.getCookies());
        Response login = RestAssured.given().urlEncodingEnabled(false).redirects().follow(false).get(start.getHeader("Location"));
        expect(login, 200, "Keycloak's login page");
        Matcher action = FORM_ACTION.matcher(login.asString());
        if (!action.find()) {
            throw new IllegalStateException("No login form on Keycloak's page: " + login.asString());
        }
        Response posted = RestAssured.given().urlEncodingEnabled(false).redirects().follow(false).cookies(login.getCookies())
                .formParam("username", username).formParam("password", username).formParam("credentialId", "")
                .post(action.group(1).replace("&amp;", "&"));
        expect(posted, 302, "Keycloak's redirect back to Jury");
        Response back = RestAssured.given().urlEncodingEnabled(false).redirects().follow(false).cookies(app).get(posted.getHeader("Location"));
        expect(back, 302, "Jury's code exchange");
        app.putAll(back.getCookies());
        if (app.keySet().stream().noneMatch(name -> name.startsWith("q_session"))) {
            throw new IllegalStateException("Jury set no session cookie: " + back.getHeaders());
        }
        return app;
    }

    private static void expect(Response response, int status, String step) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(step + " answered " + response.statusCode() + ": " + response.asString());
        }
    }
}
