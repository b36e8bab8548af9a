package dev.jury.production.monitor;

import java.util.List;

/**
 * An admin's agreement alert: it fires when the newest window with at least {@code minN} pairs and a defined κ
 * (over all versions) has κ below {@code minKappa}. Windows with fewer pairs, or whose κ is undefined (every
 * label one value), are passed over, so a quiet day neither fires nor clears the alert.
 */
public record AlertRule(Window window, double minKappa, int minN) {

    /** The window the rule looked at (null: none had enough pairs) and whether the alert fires. */
    public record State(AgreementRow row, boolean firing) {

        /** κ of the window looked at, or null. */
        public Double kappa() {
            return row == null ? null : row.kappa().value();
        }
    }

    /** @param rows as {@link WindowAgreement#compute} returns them: newest window first */
    public State evaluate(List<AgreementRow> rows) {
        for (AgreementRow row : rows) {
            if (row.version() == null && row.n() >= minN && row.kappa().isOk()) {
                return new State(row, row.kappa().value() < minKappa);
            }
        }
        return new State(null, false);
    }
}
