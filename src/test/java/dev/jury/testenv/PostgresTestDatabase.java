package dev.jury.testenv;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Makes sure the {@code jury_test} database exists on the real PostgreSQL at 127.0.0.1:5432 (Flyway cleans and
 * migrates it at start in the test profile). No H2, no containers.
 */
public class PostgresTestDatabase implements QuarkusTestResourceLifecycleManager {

    static final String SERVER = System.getProperty("jury.test.pg", "jdbc:postgresql://127.0.0.1:5432/");
    /** Parallel test runs on one machine (several worktrees) each name their own database. */
    static final String DATABASE = System.getProperty("jury.test.db", "jury_test");

    @Override
    public Map<String, String> start() {
        try (var connection = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             var check = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            check.setString(1, DATABASE);
            if (!check.executeQuery().next()) {
                try (var create = connection.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + SERVER
                    + " (start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start)", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", SERVER + DATABASE);
    }

    @Override
    public void stop() {
    }
}
