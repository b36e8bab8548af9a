package dev.jury.agreement.report;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the agreement report (docs/configuration.md, docs/agreement.md "Report service"). */
@ConfigMapping(prefix = "jury.agreement")
public interface AgreementConfig {

    /** Rows fetched per round trip while streaming labels; the cursor keeps memory flat for any report size. */
    @WithDefault("10000")
    int fetchSize();

    /** Disagreements listed in a report (the total is always given); the rest are one filter away. */
    @WithDefault("500")
    int maxDisagreements();

    /** Reviewers shown in the pairwise κ heat map (the most active); the JSON and CSV list every pair. */
    @WithDefault("30")
    int heatMapReviewers();

    Bootstrap bootstrap();

    Cache cache();

    /**
     * The loaded labels kept in memory per (experiment, name, queue, time window) and brought up to date from the
     * assessments added since, so a report does not re-read a million rows (docs/agreement.md, "Label cache").
     */
    interface Cache {

        /** Off: every report reads its labels from the database, as before the cache. */
        @WithDefault("true")
        boolean enabled();

        /** Reports (experiment, name, queue, time window) kept; the least recently used goes first. */
        @WithDefault("16")
        int maxEntries();

        /**
         * Labels kept over all entries (≈ 45 bytes each: 4,000,000 ≈ 180 MB). A report with more labels than this
         * alone is never kept and reads the database every time.
         */
        @WithDefault("4000000")
        long maxLabels();

        /**
         * How long after a transaction takes an assessment id it is certain to have a transaction id of its own
         * (microseconds in practice); rows within this delay of the newest are re-read on every refresh.
         */
        @WithDefault("2s")
        Duration settle();

        /**
         * After start, the whole-name reports with at least this many current labels are read into the cache in
         * the background (largest first, up to {@link #maxEntries()}), so the first report after a restart is
         * fast too; 0 turns this off.
         */
        @WithDefault("100000")
        long warmMinLabels();

        /**
         * How often the background looks for whole-name reports that got at least {@link #warmMinLabels()} labels
         * since it last looked and reads them into the cache (or refreshes them there), so that a report on
         * labels written while the app runs — an import, a night of online scoring — is warm too. A duration
         * ({@code 15s}) or {@code off}, read by the scheduler; the warm-up after start runs either way.
         */
        @WithDefault("15s")
        String rewarmEvery();

        /** How often the settled horizon is sampled in the background (each report samples it too). */
        @WithDefault("1s")
        Duration sampleEvery();

        /**
         * An entry whose rows above the settled horizon pass this many (a transaction held open for minutes keeps
         * the horizon back) is dropped and loaded afresh on its next use.
         */
        @WithDefault("200000")
        int maxUnsettled();
    }

    /** Percentile bootstrap over traces for the confidence intervals. */
    interface Bootstrap {

        /** Resamples for reports of up to {@link #fullUnits()} traces. */
        @WithDefault("1000")
        int resamples();

        /**
         * Above this many traces the resamples shrink so that traces × resamples stays at {@code full-units ×
         * resamples} (a resample costs one draw per trace): 250,000 traces get 200.
         */
        @WithDefault("50000")
        int fullUnits();

        /** Never fewer resamples than this, however large the report. */
        @WithDefault("200")
        int minResamples();

        /** Fixed seed: the same labels give the same intervals on every reload. */
        @WithDefault("20240501")
        long seed();
    }
}
