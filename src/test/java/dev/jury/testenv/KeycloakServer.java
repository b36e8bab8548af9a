package dev.jury.testenv;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs the real Keycloak distribution (unpacked from the Maven cache by the build into target/keycloak-test)
 * with the demo realm imported, on {@value #DEFAULT_PORT}. If a Keycloak with realm {@code jury} already answers
 * there, it is reused and left running.
 */
public class KeycloakServer implements QuarkusTestResourceLifecycleManager {

    static final int DEFAULT_PORT = 18180;
    public static final int PORT = Integer.getInteger("jury.test.keycloak.port", DEFAULT_PORT);
    public static final String URL = "http://127.0.0.1:" + PORT;
    public static final String REALM_URL = URL + "/realms/jury";
    /** The port the application under test listens on. */
    static final int APP_PORT = Integer.getInteger("quarkus.http.test-port", 8081);

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private Process process;

    @Override
    public Map<String, String> start() {
        if (!isUp()) {
            startProcess();
        }
        return Map.of("jury.keycloak.url", URL, "quarkus.oidc.auth-server-url", REALM_URL);
    }

    private void startProcess() {
        Path home = Path.of(System.getProperty("jury.keycloak.home", "target/keycloak-test/keycloak-26.7.3"));
        Path realm = Path.of(System.getProperty("jury.realm.file", "deploy/keycloak/jury-realm.json"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("Keycloak is not unpacked at " + home + "; run ./mvnw process-test-resources");
        }
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            // The demo realm lets the app come back to port 8081; a run on another test port (parallel worktrees)
            // needs its own port there, or every sign-in ends at "invalid redirect_uri".
            String json = Files.readString(realm).replace(":8081/", ":" + APP_PORT + "/");
            Files.writeString(imports.resolve("jury-realm.json"), json);
            Path log = home.getParent().resolve("keycloak.log");
            var builder = new ProcessBuilder(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + PORT, "--import-realm", "--db=dev-mem",
                    "--cache=local", "--log-level=WARN"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "kcadmin");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "kcadmin");
            builder.environment().putIfAbsent("JAVA_OPTS_APPEND", "-Xms64m");
            process = builder.start();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!isUp()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
                }
                if (Instant.now().isAfter(deadline)) {
                    stop();
                    throw new IllegalStateException("Keycloak did not start within " + START_TIMEOUT + "; see " + log);
                }
                Thread.sleep(500);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not start Keycloak from " + home, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean isUp() {
        try {
            var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            var request = HttpRequest.newBuilder(URI.create(REALM_URL + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(2)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process = null;
        }
    }

    /**
     * The Keycloak admin API as the master realm's bootstrap admin (the test-only {@code kcadmin} this class starts
     * Keycloak with), for tests that change users or realm settings.
     */
    public static io.restassured.specification.RequestSpecification admin() {
        String token = io.restassured.RestAssured.given().baseUri(URL)
                .formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", "kcadmin").formParam("password", "kcadmin")
                .post("/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        return io.restassured.RestAssured.given().baseUri(URL).auth().oauth2(token);
    }
}
