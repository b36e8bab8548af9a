package dev.jury.production.monitor;

import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.report.EstimateView;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeService;
import dev.jury.judges.run.JudgeRunHandler;
import dev.jury.production.OnlineScoringHandler;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the monitor page and {@code GET …/monitor} show of one judge, per UTC day or ISO week: its verdicts by value,
 * the share of errors, the LLM calls of its jobs (count, failures, tokens, latency), and its agreement with the
 * humans who labelled the same traces, over all versions and per version. Also owns the agreement alert: its
 * settings (table {@code judge_monitor_alert}, written only here) and its state, which {@link MonitorMetrics}
 * publishes on {@code /q/metrics}. docs/production.md, "Monitoring a judge against humans".
 */
@ApplicationScoped
@Transactional
public class JudgeMonitorService {

    private static final Logger LOG = Logger.getLogger(JudgeMonitorService.class);

    @Inject
    JudgeService judges;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditLog audit;

    @Inject
    MonitorMetrics metrics;

    Clock clock = Clock.systemUTC();

    /** One verdict value and how often the judge gave it in a window. */
    public record VerdictCount(String value, long count) {
    }

    /**
     * A window's verdicts and calls.
     *
     * @param verdicts     current valid verdicts by value (every version)
     * @param errors       current error assessments: traces the judge could not score (failed calls after retries,
     *                     answers outside the rubric) and that no later verdict replaced
     * @param errorShare   errors / (verdicts + errors), null without either
     * @param calls        LLM calls made by this judge's judge-run and online-scoring jobs
     * @param failedCalls  calls whose outcome was not {@code ok}
     * @param latencyP50Ms median latency of the calls not answered from the cache, null without such calls
     */
    public record WindowFigures(LocalDate window, List<VerdictCount> verdicts, long verdictCount, long errors,
                                Double errorShare, long calls, long failedCalls, long cachedCalls, long inputTokens,
                                long outputTokens, Double latencyP50Ms, Double latencyP95Ms) {

        public String errorShareText() {
            return errorShare == null ? "—" : String.format(Locale.ROOT, "%.1f%%", errorShare * 100);
        }

        public String latencyText() {
            return latencyP50Ms == null ? "—"
                    : String.format(Locale.ROOT, "%.0f / %.0f ms", latencyP50Ms, latencyP95Ms);
        }

        /** For the template's value columns. */
        public long count(String value) {
            for (VerdictCount v : verdicts) {
                if (v.value().equals(value)) {
                    return v.count();
                }
            }
            return 0;
        }
    }

    /** {@link AgreementRow} as the page and the API show it. */
    public record AgreementFigures(LocalDate window, Integer version, long n, long ties, Double accuracy,
                                   EstimateView kappa) {

        public String accuracyText() {
            return accuracy == null ? "—" : String.format(Locale.ROOT, "%.1f%%", accuracy * 100);
        }

        static AgreementFigures of(AgreementRow row) {
            return new AgreementFigures(row.window(), row.version(), row.n(), row.ties(), row.accuracy(),
                    EstimateView.of(row.kappa()));
        }
    }

    /**
     * The alert's settings and state.
     *
     * @param firing        the newest {@code window} with at least {@code minN} pairs and a defined κ has κ below
     *                      {@code minKappa}
     * @param checkedWindow that window (null: none has enough pairs, so the alert is quiet)
     */
    public record Alert(String window, double minKappa, int minN, boolean firing, LocalDate checkedWindow,
                        Double kappa, Long n, String updatedBy, Instant updatedAt) {
    }

    /** Everything the page and the API show. */
    public record Monitor(String experiment, String judge, String window, LocalDate from, List<String> values,
                          List<WindowFigures> windows, List<AgreementFigures> agreement, Alert alert) {
    }

    /** A change of the alert; {@code null} removes it. */
    public record AlertChange(Window window, double minKappa, int minN) {
    }

    @Transactional(TxType.SUPPORTS)
    public Monitor monitor(String experiment, String name, Window window) {
        JudgeRef judge = JudgeRef.of(judges.judge(experiment, name));
        LocalDate today = LocalDate.now(clock);
        LocalDate from = window.first(today);
        try (Connection c = dataSource.getConnection()) {
            var verdicts = verdicts(c, judge, window, from);
            var calls = calls(c, experiment, judge, window, from);
            var values = new TreeSet<String>();
            verdicts.values().forEach(v -> v.byValue.keySet().forEach(values::add));
            var windows = new ArrayList<WindowFigures>();
            for (LocalDate start : window.starts(today)) {
                Verdicts v = verdicts.getOrDefault(start, new Verdicts());
                Calls k = calls.getOrDefault(start, Calls.NONE);
                long total = v.valid() + v.errors;
                windows.add(new WindowFigures(start, v.byValue.entrySet().stream()
                        .map(e -> new VerdictCount(e.getKey(), e.getValue())).toList(), v.valid(), v.errors,
                        total == 0 ? null : (double) v.errors / total, k.calls(), k.failed(), k.cached(),
                        k.inputTokens(), k.outputTokens(), k.p50(), k.p95()));
            }
            List<AgreementRow> rows = WindowAgreement.compute(pairs(c, judge, window, from), Bootstrap.defaults());
            Alert alert = alert(c, experiment, judge, window, rows);
            return new Monitor(experiment, judge.name(), window.unit(), from, List.copyOf(values), windows,
                    rows.stream().map(AgreementFigures::of).toList(), alert);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The alert's state alone (the judge page's banner): null when the judge has no alert. */
    @Transactional(TxType.SUPPORTS)
    public Alert alert(String experiment, String name) {
        JudgeRef judge = JudgeRef.of(judges.judge(experiment, name));
        try (Connection c = dataSource.getConnection()) {
            return alert(c, experiment, judge, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets ({@code change} not null) or removes the judge's alert and publishes its new state at once.
     *
     * @throws ProblemException 422 naming the field for κ outside −1…1 or a minimum below 2
     */
    public Alert setAlert(String experiment, String name, AlertChange change, String actor) {
        JudgeRef judge = JudgeRef.of(judges.judge(experiment, name));
        if (change != null) {
            validate(change);
        }
        try (Connection c = dataSource.getConnection()) {
            if (change == null) {
                try (var s = c.prepareStatement("DELETE FROM judge_monitor_alert WHERE judge_id = ?")) {
                    s.setLong(1, judge.id());
                    s.executeUpdate();
                }
                audit.record(actor, "judge.monitor_alert_changed", "judge", JudgeService.auditId(experiment, name),
                        "off");
                metrics.remove(experiment, name);
                return null;
            }
            try (var s = c.prepareStatement("""
                    INSERT INTO judge_monitor_alert (judge_id, window_unit, min_kappa, min_n, updated_by)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (judge_id) DO UPDATE SET window_unit = excluded.window_unit,
                        min_kappa = excluded.min_kappa, min_n = excluded.min_n, updated_by = excluded.updated_by,
                        updated_at = now()""")) {
                s.setLong(1, judge.id());
                s.setString(2, change.window().unit());
                s.setDouble(3, change.minKappa());
                s.setInt(4, change.minN());
                s.setString(5, actor);
                s.executeUpdate();
            }
            audit.record(actor, "judge.monitor_alert_changed", "judge", JudgeService.auditId(experiment, name),
                    String.format(Locale.ROOT, "κ below %.3f over at least %d pairs per %s", change.minKappa(),
                            change.minN(), change.window().unit()));
            return alert(c, experiment, judge, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void validate(AlertChange change) {
        var errors = new ArrayList<Problem.FieldError>();
        if (Double.isNaN(change.minKappa()) || change.minKappa() < -1 || change.minKappa() > 1) {
            errors.add(Problem.FieldError.field("min_kappa", "The κ threshold is a number from -1 to 1 (0.6 = "
                    + "alert when agreement beyond chance drops under 0.6)."));
        }
        if (change.minN() < 2) {
            errors.add(Problem.FieldError.field("min_n", "The minimum number of pairs is a whole number of at "
                    + "least 2 (κ needs two pairs; 30 or more gives a usable interval)."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
    }

    /**
     * Recomputes the state of every judge's alert and publishes it ({@link MonitorAlertRefresher}, every
     * {@code jury.monitor.refresh-interval}): one pairs query per judge with an alert, no bootstrap.
     */
    @Transactional(TxType.SUPPORTS)
    public void refreshAlerts() {
        var states = new LinkedHashMap<MonitorMetrics.Key, Alert>();
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT e.name, j.name, j.id FROM judge_monitor_alert a JOIN judge j ON j.id = a.judge_id
                  JOIN experiment e ON e.id = j.experiment_id ORDER BY a.judge_id""")) {
            var judgesWithAlert = new ArrayList<String[]>();
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    judgesWithAlert.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] j : judgesWithAlert) {
                Alert alert = alertOf(c, new JudgeRef(Long.parseLong(j[2]), j[1]), null, null);
                if (alert != null) {
                    states.put(new MonitorMetrics.Key(j[0], j[1]), alert);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "Could not refresh the judges' agreement alerts");
            return;
        }
        metrics.replaceAll(states);
    }

    // ---- alert ---------------------------------------------------------------------------------------------------

    /**
     * The judge's alert with its state, published to the metrics; {@code rows} are the agreement rows already
     * computed for {@code shown} (reused when the alert uses the same window).
     */
    private Alert alert(Connection c, String experiment, JudgeRef judge, Window shown, List<AgreementRow> rows)
            throws SQLException {
        Alert alert = alertOf(c, judge, shown, rows);
        if (alert == null) {
            metrics.remove(experiment, judge.name());
        } else {
            metrics.put(experiment, judge.name(), alert);
        }
        return alert;
    }

    private Alert alertOf(Connection c, JudgeRef judge, Window shown, List<AgreementRow> rows) throws SQLException {
        try (var s = c.prepareStatement("""
                SELECT window_unit, min_kappa, min_n, updated_by, updated_at FROM judge_monitor_alert
                 WHERE judge_id = ?""")) {
            s.setLong(1, judge.id());
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Window window = Window.parse(rs.getString(1));
                var rule = new AlertRule(window, rs.getDouble(2), rs.getInt(3));
                if (window != shown || rows == null) {
                    rows = WindowAgreement.compute(pairs(c, judge, window, window.first(LocalDate.now(clock))),
                            Bootstrap.none());
                }
                AlertRule.State state = rule.evaluate(rows);
                return new Alert(window.unit(), rule.minKappa(), rule.minN(), state.firing(),
                        state.row() == null ? null : state.row().window(), state.kappa(),
                        state.row() == null ? null : state.row().n(), rs.getString(4),
                        rs.getTimestamp(5).toInstant());
            }
        }
    }

    /** The two things the queries need of a judge. */
    record JudgeRef(long id, String name) {
        static JudgeRef of(Judge judge) {
            return new JudgeRef(judge.id, judge.name);
        }
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    private static final class Verdicts {
        final Map<String, Long> byValue = new java.util.TreeMap<>();
        long errors;

        long valid() {
            return byValue.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Object start(LocalDate from) {
        return from.atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /** Current verdicts and errors of every version of the judge, per window of their creation. */
    /** The four parameters both per-window queries of one judge start with: window unit, name, judge id, start. */
    private static void bindJudgeWindow(java.sql.PreparedStatement s, Window window, JudgeRef judge, LocalDate from)
            throws SQLException {
        s.setString(1, window.unit());
        s.setString(2, judge.name());
        s.setLong(3, judge.id());
        s.setObject(4, start(from));
    }

    private static Map<LocalDate, Verdicts> verdicts(Connection c, JudgeRef judge, Window window, LocalDate from)
            throws SQLException {
        var byWindow = new HashMap<LocalDate, Verdicts>();
        try (var s = c.prepareStatement("""
                SELECT date_trunc(?, a.created_at AT TIME ZONE 'UTC')::date, a.value, a.error IS NOT NULL, count(*)
                  FROM current_assessment a JOIN judge_version v ON v.id = a.judge_version_id
                 WHERE a.name = ? AND a.source_type = 'LLM_JUDGE' AND v.judge_id = ? AND a.created_at >= ?
                 GROUP BY 1, 2, 3""")) {
            bindJudgeWindow(s, window, judge, from);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    Verdicts v = byWindow.computeIfAbsent(rs.getObject(1, LocalDate.class), d -> new Verdicts());
                    if (rs.getBoolean(3)) {
                        v.errors += rs.getLong(4);
                    } else if (rs.getString(2) != null) {
                        v.byValue.merge(rs.getString(2), rs.getLong(4), Long::sum);
                    }
                }
            }
        }
        return byWindow;
    }

    /** A window's LLM calls; latencies null without calls that reached the model. */
    private record Calls(long calls, long failed, long cached, long inputTokens, long outputTokens, Double p50,
                         Double p95) {
        static final Calls NONE = new Calls(0, 0, 0, 0, 0, null, null);
    }

    /**
     * LLM calls of the judge's judge-run jobs (payload names the experiment and judge) and online-scoring jobs
     * (payload names its settings row) per window: calls, failed, cached, input and output tokens; latency
     * percentiles over calls not answered from the cache.
     */
    private static Map<LocalDate, Calls> calls(Connection c, String experiment, JudgeRef judge, Window window,
                                               LocalDate from) throws SQLException {
        var byWindow = new HashMap<LocalDate, Calls>();
        try (var s = c.prepareStatement("""
                SELECT date_trunc(?, l.created_at AT TIME ZONE 'UTC')::date, count(*),
                       count(*) FILTER (WHERE l.outcome <> 'ok'), count(*) FILTER (WHERE l.cached),
                       coalesce(sum(l.input_tokens), 0), coalesce(sum(l.output_tokens), 0),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY l.latency_ms) FILTER (WHERE NOT l.cached),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY l.latency_ms) FILTER (WHERE NOT l.cached)
                  FROM llm_call l JOIN job j ON j.id = l.job_id
                 WHERE l.created_at >= ?
                   AND ((j.type = ? AND j.payload ->> 'experiment' = ? AND j.payload ->> 'judge' = ?)
                        OR (j.type = ? AND j.payload ->> 'config_id' =
                            (SELECT id::text FROM online_scoring WHERE judge_id = ?)))
                 GROUP BY 1""")) {
            s.setString(1, window.unit());
            s.setObject(2, start(from));
            s.setString(3, JudgeRunHandler.TYPE);
            s.setString(4, experiment);
            s.setString(5, judge.name());
            s.setString(6, OnlineScoringHandler.TYPE);
            s.setLong(7, judge.id());
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    byWindow.put(rs.getObject(1, LocalDate.class), new Calls(rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getObject(7, Double.class),
                            rs.getObject(8, Double.class)));
                }
            }
        }
        return byWindow;
    }

    /**
     * Each current valid verdict of the judge since {@code from} whose trace has current valid human labels of the
     * same name, with those labels' values.
     */
    static List<JudgedPair> pairs(Connection c, JudgeRef judge, Window window, LocalDate from) throws SQLException {
        var pairs = new ArrayList<JudgedPair>();
        try (var s = c.prepareStatement("""
                SELECT date_trunc(?, j.created_at AT TIME ZONE 'UTC')::date, v.version, j.value,
                       array_agg(h.value ORDER BY h.source_id)
                  FROM current_assessment j
                  JOIN judge_version v ON v.id = j.judge_version_id
                  JOIN current_assessment h ON h.trace_id = j.trace_id AND h.name = j.name
                       AND h.source_type = 'HUMAN' AND h.valid AND h.value IS NOT NULL
                 WHERE j.name = ? AND j.source_type = 'LLM_JUDGE' AND j.valid AND v.judge_id = ?
                   AND j.created_at >= ?
                 GROUP BY j.id, 1, 2, 3""")) {
            bindJudgeWindow(s, window, judge, from);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    String[] humans = (String[]) rs.getArray(4).getArray();
                    pairs.add(new JudgedPair(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3),
                            Arrays.asList(humans)));
                }
            }
        }
        return pairs;
    }
}
