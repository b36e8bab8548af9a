package dev.jury.testenv;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Declares the real services every {@code @QuarkusTest} runs against. Not restricted to a class, so they start
 * once per test JVM and the application boots once for all tests.
 */
@QuarkusTestResource(value = PostgresTestDatabase.class, parallel = true)
@QuarkusTestResource(value = KeycloakServer.class, parallel = true)
public final class TestInfrastructure {

    private TestInfrastructure() {
    }
}
