package dev.jury.production.monitor;

import dev.jury.agreement.Estimate;

import java.time.LocalDate;

/**
 * Judge-vs-human agreement in one window, over every version ({@code version} null) or one version.
 *
 * @param n        pairs compared: verdicts whose trace has a human majority value
 * @param ties     verdicts left out because their trace's human labels tie (e.g. one "yes", one "no")
 * @param agreeing pairs where the verdict equals the human majority
 * @param kappa    unweighted Cohen's κ, human majority (rows) × verdict (columns), with its interval when asked
 */
public record AgreementRow(LocalDate window, Integer version, long n, long ties, long agreeing, Estimate kappa) {

    /** Share of pairs that agree, or null without pairs. */
    public Double accuracy() {
        return n == 0 ? null : (double) agreeing / n;
    }
}
