package dev.jury.agreement.report;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
