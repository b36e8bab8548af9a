import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;

/**
 * Local-run helper for deploy/local/up.sh (not part of the application).
 *
 *   ensure-db JDBC_SERVER_URL DB     create database DB on a running server if it is missing
 *   embedded DATA_DIR PORT DB         run a real PostgreSQL 17 (zonky binaries from Maven Central) until killed
 */
public class LocalPostgres {

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "ensure-db" -> ensureDatabase(args[1], args[2]);
            case "embedded" -> embedded(Path.of(args[1]), Integer.parseInt(args[2]), args[3]);
            default -> {
                System.err.println("usage: LocalPostgres ensure-db URL DB | embedded DATA_DIR PORT DB");
                System.exit(2);
            }
        }
    }

    static void ensureDatabase(String serverUrl, String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl + "postgres", "postgres", "");
             var check = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            check.setString(1, database);
            if (!check.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
                }
                System.out.println("created database " + database);
            }
        }
    }

    static void embedded(Path dataDir, int port, String database) throws Exception {
        Files.createDirectories(dataDir);
        boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
        ensureDatabase("jdbc:postgresql://127.0.0.1:" + port + "/", database);
        System.out.println("embedded PostgreSQL ready on 127.0.0.1:" + port + (fresh ? " (new data directory " : " (data in ")
                + dataDir + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        new CountDownLatch(1).await();
    }
}
