package dev.jury.agreement;

import java.util.Arrays;

/**
 * At most one label per unit of a {@link RatingTable} — a judge version's verdicts, or the adjudicated labels.
 * Kept apart from the table so that a judge never counts as one of the human raters.
 */
public final class UnitLabels {

    private final RatingTable table;
    private final int[] labels;
    private int labelled;

    private UnitLabels(RatingTable table) {
        this.table = table;
        this.labels = new int[table.unitCount()];
        Arrays.fill(labels, RatingTable.MISSING);
    }

    public static UnitLabels forTable(RatingTable table) {
        return new UnitLabels(table);
    }

    /**
     * Sets the label of the unit with this key. Units no human rated are not in the table and cannot be compared
     * with a consensus, so they are skipped; the return value says whether the label was kept.
     */
    public boolean set(Object unitKey, int category) {
        int unit = table.unitIndex(unitKey);
        if (unit < 0) {
            return false;
        }
        setAt(unit, category);
        return true;
    }

    /** Sets the label by unit index; {@link RatingTable#MISSING} clears it. */
    public void setAt(int unit, int category) {
        if (category != RatingTable.MISSING && (category < 0 || category >= table.categories())) {
            throw new IllegalArgumentException(
                    "category " + category + " is outside the rubric's 0.." + (table.categories() - 1));
        }
        boolean had = labels[unit] != RatingTable.MISSING;
        boolean has = category != RatingTable.MISSING;
        labelled += (has ? 1 : 0) - (had ? 1 : 0);
        labels[unit] = category;
    }

    /** The unit's label, or {@link RatingTable#MISSING}. */
    public int get(int unit) {
        return labels[unit];
    }

    /** Units that have a label. */
    public int labelled() {
        return labelled;
    }

    int[] snapshot() {
        return labels.clone();
    }

    boolean belongsTo(RatingTable other) {
        return table == other;
    }
}
