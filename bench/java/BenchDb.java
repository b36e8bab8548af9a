import java.sql.DriverManager;

/** Creates the bench database if it is missing (or drops it first with "reset"); "version" prints the server version. */
public class BenchDb {

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String database = args[1];
        if (args.length > 2 && args[2].equals("version")) {
            try (var c = DriverManager.getConnection(server + database, "postgres", "")) {
                System.out.println(c.getMetaData().getDatabaseProductVersion());
            }
            return;
        }
        boolean reset = args.length > 2 && args[2].equals("reset");
        if (!database.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database name " + database);
        }
        try (var c = DriverManager.getConnection(server + "postgres", "postgres", "");
             var check = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            if (reset) {
                try (var drop = c.createStatement()) {
                    drop.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
            }
            check.setString(1, database);
            if (!check.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + database);
                }
                System.out.println("created database " + database);
            }
        }
    }
}
