package dev.jury.agreement.report;

import dev.jury.experiments.Experiment;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads, in the background after the app starts, the labels of the experiment's largest reports into the
 * {@link LabelCache}, so that the first admin to open one after a restart or deploy does not wait for a full read
 * (2–3 s for a million labels; a kept report answers in a few hundred milliseconds). Only whole-name reports (no
 * queue or time filter) are warmed, at most {@code max-entries} of them, and only those with at least
 * {@code warm-min-labels} current labels: smaller reports read fast enough cold.
 */
@ApplicationScoped
public class LabelCacheWarmer {

    private static final Logger LOG = Logger.getLogger(LabelCacheWarmer.class);

    @Inject
    AgreementConfig config;

    @Inject
    LabelCache cache;

    @Inject
    AgreementService agreement;

    @Inject
    AgroalDataSource dataSource;

    private volatile boolean warmed;

    /** The settled horizon when the background last looked for new labels; rows above it are new. */
    private volatile long lookedUpTo = -1;

    /** Once, as soon as the id horizon has settled (before that a full read could not be kept). */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void warmAfterStart() {
        AgreementConfig.Cache settings = config.cache();
        if (warmed || !settings.enabled() || settings.warmMinLabels() <= 0 || cache.stats().settled() < 0) {
            return;
        }
        warmed = true;
        lookedUpTo = cache.stats().settled();
        try {
            List<LabelCache.Key> keys = warm(settings.warmMinLabels(), settings.maxEntries());
            if (!keys.isEmpty()) {
                LOG.infof("Agreement label cache warmed for %d report(s): %s", keys.size(), keys);
            }
        } catch (RuntimeException e) {
            // Only a head start: reports still read their labels themselves.
            LOG.warnf(e, "Could not warm the agreement label cache");
        }
    }

    /**
     * Every {@code rewarm-every}: the whole-name reports with at least {@code warm-min-labels} labels written since
     * the last look are read into the cache or refreshed there, off the request path. A report asked for within
     * this interval of a bulk write still reads them itself (docs/performance.md, "Agreement report").
     */
    @Scheduled(every = "${jury.agreement.cache.rewarm-every:15s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void rewarmInBackground() {
        AgreementConfig.Cache settings = config.cache();
        if (!warmed || !settings.enabled() || settings.warmMinLabels() <= 0) {
            return;
        }
        try {
            List<LabelCache.Key> keys = rewarm(settings.warmMinLabels(), settings.maxEntries());
            if (!keys.isEmpty()) {
                LOG.infof("Agreement label cache brought up to date for %d report(s) with new labels: %s",
                        keys.size(), keys);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not bring the agreement label cache up to date");
        }
    }

    /**
     * Reads into the cache the reports with at least {@code minLabels} labels above the settled horizon of the last
     * look (ids at or below a settled horizon are all committed, so nothing is missed between two looks).
     *
     * @return the reports read or refreshed
     */
    List<LabelCache.Key> rewarm(long minLabels, int limit) {
        long settled = cache.stats().settled();
        long from = lookedUpTo;
        if (settled < 0 || from < 0 || settled <= from) {
            if (from < 0 && settled >= 0) {
                lookedUpTo = settled;
            }
            return List.of();
        }
        List<LabelCache.Key> keys = reports(minLabels, limit, from, settled);
        List<LabelCache.Key> done = load(keys);
        lookedUpTo = settled;
        return done;
    }

    /**
     * Loads the labels of every (experiment, rubric name) with at least {@code minLabels} current human labels and
     * judge verdicts, largest first, at most {@code limit} of them.
     *
     * @return the reports now kept
     */
    List<LabelCache.Key> warm(long minLabels, int limit) {
        return load(largestReports(minLabels, limit));
    }

    private List<LabelCache.Key> load(List<LabelCache.Key> keys) {
        List<LabelCache.Key> warmed = new ArrayList<>();
        for (LabelCache.Key key : keys) {
            QuarkusTransaction.requiringNew().run(() -> {
                try (Connection connection = dataSource.getConnection();
                     LabelCache.Labels ignored = cache.open(connection, key)) {
                    warmed.add(key);
                } catch (SQLException e) {
                    throw new IllegalStateException("Could not read the labels of " + key, e);
                }
            });
        }
        warmed.forEach(this::computeOnce);
        return warmed;
    }

    /**
     * Computes the report once (point estimates only) after its labels were read: the first report in a fresh JVM
     * spent longer building the rating table and the statistics than reading kept labels (1.1 s against 0.45 s for
     * the next one at 1 M labels, docs/performance.md "A report right after a bulk write") — the JIT compiles them
     * here, off the request path. Nothing of the result is kept. Failing is harmless: the report is computed on
     * request as ever.
     */
    private void computeOnce(LabelCache.Key key) {
        try {
            String experiment = QuarkusTransaction.requiringNew().call(() -> {
                Experiment found = Experiment.findById(key.experimentId());
                return found == null ? null : found.name;
            });
            if (experiment != null) {
                long started = System.nanoTime();
                agreement.report(experiment, AgreementQuery.parse(key.name(), null, null, null, null, "0", null));
                LOG.infof("Agreement report %s/%s computed once after warming, in %d ms", experiment, key.name(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Computing the report %s once after warming failed", key);
        }
    }

    private List<LabelCache.Key> largestReports(long minLabels, int limit) {
        return reports(minLabels, limit, -1, Long.MAX_VALUE);
    }

    /** Reports with at least {@code minLabels} current labels of ids in ({@code above}, {@code upTo}], largest first. */
    private List<LabelCache.Key> reports(long minLabels, int limit, long above, long upTo) {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                SELECT r.experiment_id, r.name
                  FROM current_assessment a
                  JOIN trace t ON t.id = a.trace_id
                  JOIN rubric r ON r.experiment_id = t.experiment_id AND r.name = lower(btrim(a.name))
                 WHERE a.valid AND a.source_type IN ('HUMAN', 'LLM_JUDGE') AND a.id > ? AND a.id <= ?
                 GROUP BY r.experiment_id, r.name
                HAVING count(*) >= ?
                 ORDER BY count(*) DESC
                 LIMIT ?""")) {
            s.setLong(1, above);
            s.setLong(2, upTo);
            s.setLong(3, minLabels);
            s.setInt(4, limit);
            List<LabelCache.Key> keys = new ArrayList<>();
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(new LabelCache.Key(rs.getLong(1), rs.getString(2), null, null, null));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count the labels per report", e);
        }
    }
}
