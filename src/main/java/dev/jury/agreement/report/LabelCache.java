package dev.jury.agreement.report;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the {@link CurrentLabels} of recent reports in memory and brings them up to date from the assessments
 * added since, instead of reading a million rows per report. The database stays the truth: an entry only ever
 * holds what a fresh read would return, every replica of the app keeps its own, and nothing is written.
 *
 * <p>An entry is refreshed at every use by reading the experiment's rows with an id above its settled horizon
 * ({@link IdHorizon}): assessments are append-only, an edit or a failed call's retry is a new row naming the row it
 * replaces in {@code supersedes}, and the only update ever made to an assessment — setting {@code superseded_by}
 * — happens in the transaction that inserts that new row (Dispenser, FeedbackService and adjudication through
 * {@code Assessment.supersede}, judge runs, and overrides imported with traces). So the new rows tell everything.
 * See docs/agreement.md, "Label cache".
 *
 * <p>Bounded: at most {@code max-entries} entries and {@code max-labels} rows over all of them, least recently used
 * dropped first. One report at a time uses an entry (it is refreshed and read under its lock, which is released
 * once the rating table is built); reports of other names run alongside.
 */
@ApplicationScoped
public class LabelCache {

    private static final Logger LOG = Logger.getLogger(LabelCache.class);

    /**
     * What the report asked for: the labels differ for each of these. {@code score}: the labels' 1–5
     * {@code metadata.score} instead of their value ({@code on=score}).
     */
    record Key(long experimentId, String name, Long queueId, Instant from, Instant to, boolean score) {

        Key(long experimentId, String name, Long queueId, Instant from, Instant to) {
            this(experimentId, name, queueId, from, to, false);
        }
    }

    /** Where a report's labels came from, shown in its timings. */
    enum Source {
        /** Read in full from the database and kept. */
        LOADED,
        /** Kept labels, refreshed with the rows added since. */
        CACHED,
        /** Read in full and not kept (cache off, too large, or no settled horizon yet right after start). */
        UNCACHED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        CurrentLabels labels;
        /** Every row with an id at or below this is in {@link #labels} if it is current. */
        long settled;
        /** Ids above {@link #settled} already applied (they are read again until the horizon passes them). */
        Set<Long> seen = new HashSet<>();
        long size;
    }

    /** The labels a report reads; closing releases the entry for the next report. */
    public static final class Labels implements AutoCloseable {
        private final CurrentLabels labels;
        private final Source source;
        private final ReentrantLock lock;

        private Labels(CurrentLabels labels, Source source, ReentrantLock lock) {
            this.labels = labels;
            this.source = source;
            this.lock = lock;
        }

        CurrentLabels labels() {
            return labels;
        }

        Source source() {
            return source;
        }

        @Override
        public void close() {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AgreementConfig config;

    private IdHorizon horizon;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long totalSize;
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong uncached = new AtomicLong();

    @PostConstruct
    void init() {
        horizon = new IdHorizon(config.cache().settle().toNanos());
    }

    /**
     * The labels for {@code key}, from the entry (refreshed) or read in full. Runs on the caller's connection, in
     * its transaction (the driver streams a full read through a cursor only inside one).
     */
    Labels open(Connection connection, Key key) throws SQLException {
        AgreementConfig.Cache settings = config.cache();
        if (!settings.enabled()) {
            uncached.incrementAndGet();
            return new Labels(loadAll(connection, key), Source.UNCACHED, null);
        }
        // Sampled before the rows are read: the rows read afterwards see everything at or below the horizon.
        long settled = horizon.observe(sample(connection));
        Entry entry;
        synchronized (entries) {
            entry = entries.computeIfAbsent(key, k -> new Entry());
        }
        entry.lock.lock();
        boolean handedOver = false;
        try {
            if (entry.labels != null || settled >= 0) {
                Source source;
                if (entry.labels == null) {
                    entry.labels = loadAll(connection, key);
                    entry.settled = settled;
                    entry.seen = new HashSet<>();
                    entry.labels.idsAbove(settled, entry.seen);
                    loads.incrementAndGet();
                    source = Source.LOADED;
                } else {
                    entry.labels.refresh(connection, entry.settled, entry.seen, key.experimentId(), key.name(),
                            key.queueId(), key.from(), key.to(), key.score());
                    if (settled > entry.settled) {
                        entry.settled = settled;
                        entry.seen.removeIf(id -> id <= settled);
                    }
                    refreshes.incrementAndGet();
                    source = Source.CACHED;
                }
                CurrentLabels labels = entry.labels;
                // Too large to keep, or held back too long: this report uses the labels, the next reads afresh.
                handedOver = account(key, entry, settings);
                return new Labels(labels, source, handedOver ? entry.lock : null);
            }
            // Just started: until a horizon settles, a full read cannot say where a refresh would begin.
            forget(key, entry);
        } catch (SQLException | RuntimeException e) {
            // A refresh that failed half-way leaves the entry unknown: drop it, the next report reads afresh.
            forget(key, entry);
            throw e;
        } finally {
            if (!handedOver) {
                entry.lock.unlock();
            }
        }
        uncached.incrementAndGet();
        return new Labels(loadAll(connection, key), Source.UNCACHED, null);
    }

    /** Every report reads its labels afresh next time (tests; an operator could call it after manual SQL). */
    public void invalidateAll() {
        synchronized (entries) {
            // Entries are only changed under their lock; one in use is simply not found again.
            entries.clear();
            totalSize = 0;
        }
    }

    /** Counters for tests and the docs: full reads kept, refreshes, full reads not kept. */
    record Stats(long loads, long refreshes, long uncached, int entries, long labels, long settled) {
    }

    Stats stats() {
        synchronized (entries) {
            return new Stats(loads.get(), refreshes.get(), uncached.get(), entries.size(), totalSize,
                    horizon.settled());
        }
    }

    /** Samples the horizon in the background, so it has settled before the first report after start. */
    @Scheduled(every = "${jury.agreement.cache.sample-every:1s}", concurrentExecution =
            Scheduled.ConcurrentExecution.SKIP)
    void sampleInBackground() {
        if (!config.cache().enabled()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            horizon.observe(sample(connection));
        } catch (SQLException | RuntimeException e) {
            LOG.debugf(e, "Could not sample the assessment id horizon");
        }
    }

    /**
     * The last assessment id handed out and the bounds of the snapshot of the same statement (pg_current_snapshot
     * is the statement's snapshot under READ COMMITTED). The sequence, not max(id): an id written by hand (tests
     * insert one near 2^63) must not move the horizon past every id still to come; such a row is above any
     * horizon and is read by the next refresh like any other.
     */
    private IdHorizon.Sample sample(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT coalesce(pg_sequence_last_value(q.seq), 0), q.cache,
                            pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text
                       FROM pg_current_snapshot() AS s,
                            (SELECT p.seqrelid AS seq, p.seqcache AS cache FROM pg_sequence p
                              WHERE p.seqrelid = pg_get_serial_sequence('assessment', 'id')::regclass) AS q""")) {
            rs.next();
            if (rs.getLong(2) != 1) {
                // With a sequence cache each connection hands out ids it reserved earlier, so an id below the
                // sampled value may be taken long after the sample: nothing could ever be called settled.
                throw new IllegalStateException("the assessment id sequence has CACHE " + rs.getLong(2)
                        + "; the agreement label cache needs CACHE 1 (set jury.agreement.cache.enabled=false)");
            }
            return new IdHorizon.Sample(System.nanoTime(), rs.getLong(1), Long.parseLong(rs.getString(3)),
                    Long.parseLong(rs.getString(4)));
        }
    }

    private CurrentLabels loadAll(Connection connection, Key key) throws SQLException {
        return CurrentLabels.load(connection, config.fetchSize(), key.experimentId(), key.name(), key.queueId(),
                key.from(), key.to(), key.score());
    }

    /**
     * Called with the entry's lock held. Records the entry's size and evicts least recently used entries over the bounds. Returns false (and forgets
     * the entry) when it cannot be kept itself.
     */
    private boolean account(Key key, Entry entry, AgreementConfig.Cache settings) {
        long size = entry.labels.size();
        synchronized (entries) {
            if (entries.get(key) != entry) {
                return false; // invalidated meanwhile
            }
            totalSize += size - entry.size;
            entry.size = size;
            if (size > settings.maxLabels() || entry.seen.size() > settings.maxUnsettled()) {
                entries.remove(key);
                totalSize -= entry.size;
                entry.labels = null;
                return false;
            }
            Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
            while ((entries.size() > settings.maxEntries() || totalSize > settings.maxLabels()) && eldest.hasNext()) {
                Map.Entry<Key, Entry> e = eldest.next();
                if (e.getValue() == entry) {
                    continue;
                }
                eldest.remove();
                totalSize -= e.getValue().size; // a report using it keeps it until done; it is not found again
            }
            return true;
        }
    }

    /** Called with the entry's lock held. */
    private void forget(Key key, Entry entry) {
        synchronized (entries) {
            if (entries.get(key) == entry) {
                entries.remove(key);
                totalSize -= entry.size;
            }
            entry.labels = null;
        }
    }
}
