package dev.jury.production;

import dev.jury.experiments.ExperimentService;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeService;
import dev.jury.registry.RegistryService;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A judge's online-scoring settings — on/off, sample rate, filter — and what the panel and the API show of them:
 * how many sampled traces wait and were scored (per version), the current job, and the LLM calls and tokens per
 * day. Writes the settings columns of {@code online_scoring}; the cursor and the job belong to
 * {@link ScoringQueue} and {@link OnlineScoringScheduler}.
 */
@ApplicationScoped
@Transactional
public class OnlineScoringService {

    /** The sample rate a judge starts with before anyone set one. */
    static final double DEFAULT_RATE = 0.1;
    /** Days of cost shown. */
    static final int COST_DAYS = 14;

    @Inject
    JudgeService judges;

    @Inject
    ExperimentService experiments;

    @Inject
    RegistryService registry;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditLog audit;

    /** A change as asked; a null field keeps its value. */
    public record Change(Boolean enabled, Double sampleRate, String filter) {
    }

    /** Sampled traces by state. */
    public record Counts(long pending, long claimed, long done, long failed) {
        public long waiting() {
            return pending + claimed;
        }
    }

    /** Traces a version scored online (valid verdicts) and the errors it recorded. */
    public record VersionCount(int version, long scored, long errors) {
    }

    /** The scoring jobs' LLM use on one day (UTC), from {@code llm_call}. */
    public record DayCost(LocalDate day, long calls, long failedCalls, long cachedCalls, long inputTokens,
                          long outputTokens) {
    }

    /** Everything the panel and {@code GET …/online-scoring} show. */
    public record Settings(String experiment, String judge, boolean enabled, double sampleRate, String filter,
                           Instant enabledAt, Integer registeredVersion, String updatedBy, Instant updatedAt,
                           Counts counts, List<VersionCount> byVersion, Long jobId, String jobStatus,
                           List<DayCost> cost) {
    }

    @Transactional(TxType.SUPPORTS)
    public Settings get(String experiment, String name) {
        Judge judge = judges.judge(experiment, name);
        try (Connection c = dataSource.getConnection()) {
            return settings(c, experiment, judge);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies a change. Turning scoring on needs a registered version (409 otherwise) and starts from the newest
     * trace of the experiment: only traces ingested from now on are scored.
     *
     * @throws ProblemException 422 naming the field for a rate outside 0–1 or a filter that does not parse
     */
    public Settings update(String experiment, String name, Change change, String actor) {
        Judge judge = judges.judge(experiment, name);
        validate(change);
        try (Connection c = dataSource.getConnection()) {
            Row current = lock(c, judge.id);
            boolean enabled = change.enabled() != null ? change.enabled() : current != null && current.enabled;
            double rate = change.sampleRate() != null ? change.sampleRate()
                    : current != null ? current.rate : DEFAULT_RATE;
            String filter = change.filter() != null ? ScoringFilter.parse(change.filter()).text()
                    : current != null ? current.filter : "";
            boolean turningOn = enabled && (current == null || !current.enabled);
            if (turningOn && registry.registeredVersion(experiment, name) == null) {
                throw ProblemException.conflict("Judge '" + name + "' has no registered version: register one "
                        + "before scoring production traffic with it.");
            }
            if (current == null) {
                try (var s = c.prepareStatement("""
                        INSERT INTO online_scoring (judge_id, enabled, sample_rate, filter, cursor_trace_id,
                                                    enabled_at, updated_by)
                        VALUES (?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM trace WHERE experiment_id = ?),
                                CASE WHEN ? THEN now() END, ?)""")) {
                    s.setLong(1, judge.id);
                    s.setBoolean(2, enabled);
                    s.setDouble(3, rate);
                    s.setString(4, filter);
                    s.setLong(5, judge.experimentId);
                    s.setBoolean(6, enabled);
                    s.setString(7, actor);
                    s.executeUpdate();
                }
            } else {
                try (var s = c.prepareStatement("""
                        UPDATE online_scoring
                           SET enabled = ?, sample_rate = ?, filter = ?, updated_by = ?, updated_at = now(),
                               cursor_trace_id = CASE WHEN ? THEN (SELECT coalesce(max(id), 0) FROM trace
                                                                   WHERE experiment_id = ?)
                                                      ELSE cursor_trace_id END,
                               enabled_at = CASE WHEN ? THEN now() WHEN ? THEN enabled_at END
                         WHERE id = ?""")) {
                    s.setBoolean(1, enabled);
                    s.setDouble(2, rate);
                    s.setString(3, filter);
                    s.setString(4, actor);
                    s.setBoolean(5, turningOn);
                    s.setLong(6, judge.experimentId);
                    s.setBoolean(7, turningOn);
                    s.setBoolean(8, enabled);
                    s.setLong(9, current.id);
                    s.executeUpdate();
                }
            }
            audit.record(actor, "judge.online_scoring_changed", "judge", JudgeService.auditId(experiment, name),
                    (enabled ? "on" : "off") + ", sample rate " + rate + (filter.isEmpty() ? "" : ", filter " + filter));
            return settings(c, experiment, judge);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 422 with one entry per bad field. */
    static void validate(Change change) {
        var errors = new ArrayList<Problem.FieldError>();
        if (change.sampleRate() != null && (change.sampleRate().isNaN() || change.sampleRate() < 0
                || change.sampleRate() > 1)) {
            errors.add(Problem.FieldError.field("sample_rate", "The sample rate is a number from 0 to 1 (0.25 = "
                    + "a quarter of the new traces)."));
        }
        if (change.filter() != null) {
            try {
                ScoringFilter.parse(change.filter());
            } catch (IllegalArgumentException e) {
                errors.add(Problem.FieldError.field("filter", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
    }

    private record Row(long id, boolean enabled, double rate, String filter) {
    }

    private static Row lock(Connection c, long judgeId) throws SQLException {
        try (var s = c.prepareStatement("""
                SELECT id, enabled, sample_rate, filter FROM online_scoring WHERE judge_id = ? FOR UPDATE""")) {
            s.setLong(1, judgeId);
            try (var rs = s.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getBoolean(2), rs.getDouble(3), rs.getString(4)) : null;
            }
        }
    }

    private Settings settings(Connection c, String experiment, Judge judge) throws SQLException {
        Integer registered = registry.registeredVersion(experiment, judge.name);
        try (var s = c.prepareStatement("""
                SELECT s.id, s.enabled, s.sample_rate, s.filter, s.enabled_at, s.updated_by, s.updated_at, s.job_id,
                       j.status
                  FROM online_scoring s LEFT JOIN job j ON j.id = s.job_id
                 WHERE s.judge_id = ?""")) {
            s.setLong(1, judge.id);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new Settings(experiment, judge.name, false, DEFAULT_RATE, "", null, registered, null,
                            null, new Counts(0, 0, 0, 0), List.of(), null, null, List.of());
                }
                long id = rs.getLong(1);
                long job = rs.getLong(8);
                Long jobId = rs.wasNull() ? null : job;
                return new Settings(experiment, judge.name, rs.getBoolean(2), rs.getDouble(3), rs.getString(4),
                        instant(rs.getTimestamp(5)), registered, rs.getString(6), instant(rs.getTimestamp(7)),
                        counts(c, id), byVersion(c, id), jobId,
                        rs.getString(9) == null ? null : rs.getString(9).toLowerCase(Locale.ROOT), cost(c, id));
            }
        }
    }

    private static Counts counts(Connection c, long configId) throws SQLException {
        long[] n = new long[4];
        try (var s = c.prepareStatement("""
                SELECT status, count(*) FROM online_scoring_item WHERE config_id = ? GROUP BY status""")) {
            s.setLong(1, configId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    int i = List.of("PENDING", "CLAIMED", "DONE", "FAILED").indexOf(rs.getString(1));
                    n[i] = rs.getLong(2);
                }
            }
        }
        return new Counts(n[0], n[1], n[2], n[3]);
    }

    private static List<VersionCount> byVersion(Connection c, long configId) throws SQLException {
        var rows = new ArrayList<VersionCount>();
        try (var s = c.prepareStatement("""
                SELECT v.version, count(*) FILTER (WHERE i.status = 'DONE'), count(*) FILTER (WHERE i.status = 'FAILED')
                  FROM online_scoring_item i JOIN judge_version v ON v.id = i.judge_version_id
                 WHERE i.config_id = ? AND i.status IN ('DONE', 'FAILED')
                 GROUP BY v.version ORDER BY v.version DESC""")) {
            s.setLong(1, configId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new VersionCount(rs.getInt(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return rows;
    }

    /** LLM calls of this config's scoring jobs per UTC day, newest first, for the last {@value #COST_DAYS} days. */
    private static List<DayCost> cost(Connection c, long configId) throws SQLException {
        var rows = new ArrayList<DayCost>();
        try (var s = c.prepareStatement("""
                SELECT (l.created_at AT TIME ZONE 'UTC')::date AS day, count(*),
                       count(*) FILTER (WHERE l.outcome <> 'ok'), count(*) FILTER (WHERE l.cached),
                       coalesce(sum(l.input_tokens), 0), coalesce(sum(l.output_tokens), 0)
                  FROM llm_call l JOIN job j ON j.id = l.job_id
                 WHERE j.type = ? AND (j.payload ->> 'config_id')::bigint = ?
                   AND l.created_at > now() - ? * INTERVAL '1 day'
                 GROUP BY 1 ORDER BY 1 DESC""")) {
            s.setString(1, OnlineScoringHandler.TYPE);
            s.setLong(2, configId);
            s.setInt(3, COST_DAYS);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DayCost(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return rows;
    }

    private static Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
