import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Replica failover (issue 12): two Jury instances share one PostgreSQL. A judge run over TRACES traces is started
 * through replica B (whose idle workers are woken at once, so B claims it); once a quarter of it is done, the
 * replica running it is killed with SIGKILL ({@code kill -9}). The other replica must reclaim the job after the
 * heartbeat timeout and finish it, leaving exactly one current verdict per trace. Reports the reclaim delay (kill →
 * claimed by the survivor) and the run's outcome; any trace with no verdict or more than one is an error.
 *
 * <pre>java ReplicaFailover BASE_A PID_A BASE_B PID_B TOKEN EXPERIMENT TRACES JDBC_URL OUT_JSON</pre>
 */
public class ReplicaFailover {

    public static void main(String[] args) throws Exception {
        String baseA = args[0];
        long pidA = Long.parseLong(args[1]);
        String baseB = args[2];
        long pidB = Long.parseLong(args[3]);
        String token = args[4];
        String experiment = args[5];
        int traces = Integer.parseInt(args[6]);
        String jdbc = args[7];
        Path out = Path.of(args[8]);
        var client = BenchWorld.client();
        String api = baseB + "/api/v1/experiments/" + experiment;
        String judge = "failover_" + Long.toString(System.currentTimeMillis(), 36);

        BenchWorld.yesNoJudge(client, token, api, judge, "openai-compatible:/bench-judge");
        BenchWorld.taggedTraces(client, token, api, judge, traces);
        long job = JudgeRunLoad.jobId(JudgeRunLoad.call(client, token, "POST", api + "/judges/" + judge + "/runs",
                "{\"tag\": \"bench=" + judge + "\"}", 202));

        try (var db = DriverManager.getConnection(jdbc, "postgres", "")) {
            // wait until a quarter is done, then kill the replica that runs it
            String worker = null;
            Instant deadline = Instant.now().plusSeconds(120);
            while (Instant.now().isBefore(deadline)) {
                try (var s = db.prepareStatement("SELECT status, worker_id, progress_done FROM job WHERE id = ?")) {
                    s.setLong(1, job);
                    var rs = s.executeQuery();
                    rs.next();
                    if (!rs.getString(1).equals("QUEUED") && !rs.getString(1).equals("RUNNING")) {
                        throw new IllegalStateException("job " + job + " ended " + rs.getString(1) + " before the kill");
                    }
                    if (rs.getString(1).equals("RUNNING") && rs.getLong(3) >= traces / 4) {
                        worker = rs.getString(2);
                        break;
                    }
                }
                Thread.sleep(100);
            }
            if (worker == null) {
                throw new IllegalStateException("job " + job + " did not get a quarter done within 120 s");
            }
            long victim = Long.parseLong(worker.split("/")[1]);
            if (victim != pidA && victim != pidB) {
                throw new IllegalStateException("job " + job + " runs on " + worker + ", neither replica of this bench");
            }
            String survivor = victim == pidA ? baseB : baseA;
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook, no release
            Instant killed = Instant.now();
            System.out.printf("killed replica pid %d (worker %s) with the job %d a quarter done; survivor %s%n",
                    victim, worker, job, survivor);

            double reclaimSeconds = -1;
            String status = "";
            deadline = Instant.now().plusSeconds(180);
            while (Instant.now().isBefore(deadline)) {
                try (var s = db.prepareStatement("SELECT status, worker_id FROM job WHERE id = ?")) {
                    s.setLong(1, job);
                    var rs = s.executeQuery();
                    rs.next();
                    status = rs.getString(1);
                    if (reclaimSeconds < 0 && !worker.equals(rs.getString(2))) {
                        reclaimSeconds = Duration.between(killed, Instant.now()).toMillis() / 1000.0;
                        System.out.printf("reclaimed by %s after %.1f s%n", rs.getString(2), reclaimSeconds);
                    }
                    if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
            // the survivor answers for the job too
            JudgeRunLoad.call(client, token, "GET", survivor + "/api/v1/jobs/" + job, null, 200);

            long[] verdicts = BenchWorld.verdicts(db, judge, judge);
            long none = verdicts[0];
            long doubled = verdicts[1];
            System.out.printf("job %d %s; traces without a verdict: %d, with more than one: %d%n",
                    job, status, none, doubled);
            long errors = none + doubled + (status.equals("SUCCEEDED") ? 0 : 1) + (reclaimSeconds < 0 ? 1 : 0);
            var result = Stats.result("replicas", new double[] {Math.max(reclaimSeconds, 0) * 1000}, traces, "traces",
                    Duration.between(killed, Instant.now()).toMillis() / 1000.0, errors,
                    Map.of("job_status", status, "reclaim_s", String.format("%.1f", reclaimSeconds),
                            "traces_without_verdict", String.valueOf(none), "traces_with_two", String.valueOf(doubled),
                            "note", "latency = kill -9 of the running replica → job claimed by the other one"));
            Stats.write(out, result);
            System.out.println(Stats.row(result));
            if (errors > 0) {
                System.exit(1);
            }
        }
    }
}
