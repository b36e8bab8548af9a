package dev.jury.labels;

/**
 * How SQL elsewhere reads labels. A reader of current labels selects {@code FROM current_assessment} (the view of
 * V017); only a reader that must see every row — the agreement cache's incremental refresh, which also needs the
 * rows that were superseded — asks the row itself, with {@link #isCurrent}. The condition is written here and in
 * the view, nowhere else ({@code ArchitectureTest}).
 */
public final class LabelSql {

    /** The view of current labels: every assessment that nothing superseded (valid or not). */
    public static final String CURRENT = "current_assessment";

    private LabelSql() {
    }

    /**
     * The predicate "this label has the name bound at {@code placeholder}" for a row under {@code alias}: the name
     * as stored, or trimmed and case-folded (labels logged as {@code " Correctness"} still count for judge
     * {@code correctness}). The caller binds the folded name — twice for JDBC's {@code ?}, once for {@code ?2}. The
     * exact comparison comes first so that the usual canonical spelling skips the trim and case-fold.
     */
    public static String nameIs(String alias, String placeholder) {
        return "(" + alias + ".name = " + placeholder + " OR lower(btrim(" + alias + ".name)) = " + placeholder + ")";
    }

    /** The predicate "this assessment row is current" for a row of {@code assessment} under {@code alias}. */
    public static String isCurrent(String alias) {
        return "(" + alias + ".superseded_by IS NULL)";
    }
}
