package dev.jury.demo;

import dev.jury.testenv.KeycloakServer;
import dev.jury.testenv.PostgresTestDatabase;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * A fresh install as a new user gets it: no LLM provider configured at all, and the demo data loaded at start (as
 * {@code deploy/local/up.sh} does). The demo judges then run on the offline embedded model.
 *
 * <p>The suite's global test resources include the fake LLM, which configures every provider; so this profile turns
 * the global resources off and declares the real services it needs itself (PostgreSQL, Keycloak). The test profile's
 * own dead-address {@code openai} URL is undone with a blank value: SmallRye treats an empty override as absent and
 * would fall back to the profile's value, while Jury treats a blank URL as unset.
 */
public class NoLlmDemoProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "%test.jury.llm.providers.openai.base-url", " ",
                "jury.llm.providers.openai.base-url", " ",
                "%test.jury.demo.enabled", "true",
                "jury.demo.enabled", "true");
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestDatabase.class, Map.of(), true),
                new TestResourceEntry(KeycloakServer.class, Map.of(), true));
    }
}
