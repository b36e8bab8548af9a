package dev.jury.testenv;

import dev.jury.jobs.Job;
import io.quarkus.narayana.jta.QuarkusTransaction;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** Small checks tests make against the real database: one number from SQL, a background job's end. */
public final class Db {

    private Db() {
    }

    /** The first column of the first row of {@code sql} (a count, an id) with {@code params} bound in order. */
    public static long count(DataSource dataSource, String sql, Object... params) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            var rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Job {@code id} once it has finished, polling every 200 ms; an AssertionError after {@code timeout}. */
    public static Job awaitJob(long id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Job job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id));
            if (job.isFinished()) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not finish within " + timeout);
    }
}
