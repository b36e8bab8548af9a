import java.sql.DriverManager;

/**
 * Creates the bench database if it is missing (or drops it first with "reset"); "version" prints the server version
 * and the settings that matter most to the figures.
 */
public class BenchDb {

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String database = args[1];
        if (args.length > 2 && args[2].equals("version")) {
            // The settings that change these figures most, so that a row's machine state says under which it ran
            // (a CI machine's server came with autovacuum off once; dead rows then pile up in the loop's tables).
            try (var c = DriverManager.getConnection(server + database, "postgres", "");
                 var settings = c.createStatement().executeQuery("""
                         SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name)
                           FROM unnest(ARRAY['autovacuum', 'fsync', 'shared_buffers', 'synchronous_commit']) name""")) {
                settings.next();
                System.out.println(c.getMetaData().getDatabaseProductVersion() + " (" + settings.getString(1) + ")");
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
