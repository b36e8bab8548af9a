package dev.jury.agreement;

import java.util.Optional;

/**
 * Verbal bands shown next to α and κ, with the source they come from. Bands are conventions, not tests: the
 * page cites them so a reader can weigh them.
 */
public final class Interpretation {

    public static final String KRIPPENDORFF_SOURCE = "Krippendorff, K. (2004). Content Analysis: An Introduction "
            + "to Its Methodology (2nd ed.), p. 241. Thousand Oaks, CA: Sage.";

    public static final String LANDIS_KOCH_SOURCE = "Landis, J. R., & Koch, G. G. (1977). The measurement of "
            + "observer agreement for categorical data. Biometrics, 33(1), 159–174.";

    /** Krippendorff's reliability bands for α. */
    public enum AlphaBand {
        /** α ≥ .800: rely on the data. */
        RELIABLE("reliable"),
        /** .667 ≤ α < .800: only tentative conclusions. */
        TENTATIVE("tentative conclusions only"),
        /** α < .667: do not rely on the data. */
        NOT_RELIABLE("not reliable");

        private final String label;

        AlphaBand(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Landis and Koch's bands for κ. */
    public enum KappaBand {
        POOR("poor"), SLIGHT("slight"), FAIR("fair"), MODERATE("moderate"), SUBSTANTIAL("substantial"),
        ALMOST_PERFECT("almost perfect");

        private final String label;

        KappaBand(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private Interpretation() {
    }

    public static AlphaBand alpha(double alpha) {
        if (alpha >= 0.800) {
            return AlphaBand.RELIABLE;
        }
        return alpha >= 0.667 ? AlphaBand.TENTATIVE : AlphaBand.NOT_RELIABLE;
    }

    /** The band of a defined α; none for an undefined one. */
    public static Optional<AlphaBand> alpha(Estimate alpha) {
        return alpha.isOk() ? Optional.of(alpha(alpha.value())) : Optional.empty();
    }

    /** Landis and Koch: below 0 poor, to .20 slight, .40 fair, .60 moderate, .80 substantial, above almost perfect. */
    public static KappaBand kappa(double kappa) {
        if (kappa < 0) {
            return KappaBand.POOR;
        }
        if (kappa <= 0.20) {
            return KappaBand.SLIGHT;
        }
        if (kappa <= 0.40) {
            return KappaBand.FAIR;
        }
        if (kappa <= 0.60) {
            return KappaBand.MODERATE;
        }
        return kappa <= 0.80 ? KappaBand.SUBSTANTIAL : KappaBand.ALMOST_PERFECT;
    }

    public static Optional<KappaBand> kappa(Estimate kappa) {
        return kappa.isOk() ? Optional.of(kappa(kappa.value())) : Optional.empty();
    }
}
