package dev.jury.agreement.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Geometry and colours of the report's charts. The SVG itself is template markup
 * ({@code templates/AgreementResource/report.html}) filled from these records, so every name in it is escaped by Qute
 * like any other text — no markup is built as a string here.
 */
public final class SvgCharts {

    static final int CELL = 48;
    static final int LEFT = 150;
    static final int TOP = 120;
    static final int LEGEND_GAP = 28;
    static final int LEGEND_HEIGHT = 12;
    static final int MAX_NAME = 18;

    // A diverging scale: disagreement red, chance white, agreement blue (Jury's --bad and --accent).
    private static final int[] LOW = {179, 38, 30};
    private static final int[] MID = {247, 247, 247};
    private static final int[] HIGH = {47, 95, 208};

    private SvgCharts() {
    }

    /**
     * Pairwise Cohen's κ between reviewers.
     *
     * @param reviewers all reviewers shown, the first {@code limit} of {@code reviewers} (most active first)
     * @param truncated how many reviewers were left out to keep the map readable
     */
    public record HeatMap(int width, int height, List<Label> rows, List<Label> columns, List<Cell> cells,
                          Legend legend, int truncated) {

        public boolean empty() {
            return rows.isEmpty();
        }
    }

    /** A reviewer's name at a row or column; {@code full} (the untruncated name and source) is its tooltip. */
    public record Label(int x, int y, String text, String full) {
    }

    /** One square; {@code text} is the κ printed in it, {@code title} what a screen reader or tooltip says. */
    public record Cell(int x, int y, int size, String fill, String ink, String text, String title) {

        public int textX() {
            return x + size / 2;
        }

        public int textY() {
            return y + size / 2 + 4;
        }
    }

    /** The colour scale from −1 to 1, with ticks. */
    public record Legend(int x, int y, int width, int height, List<Stop> stops, List<Tick> ticks) {

        public int tickY() {
            return y + height + 14;
        }
    }

    public record Stop(String offset, String colour) {
    }

    public record Tick(int x, String text) {
    }

    public static HeatMap kappaHeatMap(List<AgreementDocument.Reviewer> reviewers, List<AgreementDocument.Pair> pairs,
                                       String weighting, int limit) {
        List<AgreementDocument.Reviewer> shown = reviewers.size() > limit ? reviewers.subList(0, limit) : reviewers;
        Map<String, AgreementDocument.Pair> bySources = new HashMap<>();
        for (AgreementDocument.Pair pair : pairs) {
            bySources.put(pair.sourceA() + '\u0000' + pair.sourceB(), pair);
            bySources.put(pair.sourceB() + '\u0000' + pair.sourceA(), pair);
        }
        int n = shown.size();
        List<Label> rows = new ArrayList<>();
        List<Label> columns = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AgreementDocument.Reviewer r = shown.get(i);
            String full = r.reviewer().equals(r.sourceId()) ? r.reviewer() : r.reviewer() + " (" + r.sourceId() + ")";
            rows.add(new Label(LEFT - 8, TOP + i * CELL + CELL / 2 + 4, truncate(r.reviewer()), full));
            columns.add(new Label(LEFT + i * CELL + CELL / 2, TOP - 8, truncate(r.reviewer()), full));
        }
        String kappa = "unweighted".equals(weighting) ? "κ" : weighting + "-weighted κ";
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                AgreementDocument.Reviewer a = shown.get(i);
                AgreementDocument.Reviewer b = shown.get(j);
                int x = LEFT + j * CELL;
                int y = TOP + i * CELL;
                if (i == j) {
                    cells.add(new Cell(x, y, CELL, "#e9ecf1", "#5b6475", "", a.reviewer() + " (same reviewer)"));
                    continue;
                }
                AgreementDocument.Pair pair = bySources.get(a.sourceId() + '\u0000' + b.sourceId());
                String who = a.reviewer() + " and " + b.reviewer();
                if (pair == null) {
                    cells.add(new Cell(x, y, CELL, "#ffffff", "#5b6475", "·", who + ": no trace labelled by both"));
                } else if (!pair.kappa().defined()) {
                    cells.add(new Cell(x, y, CELL, "#f1f1f1", "#5b6475", "—",
                            who + ": " + kappa + " " + pair.kappa().text() + ", " + pair.n() + " shared traces"));
                } else {
                    double v = pair.kappa().value();
                    cells.add(new Cell(x, y, CELL, colour(v), Math.abs(v) > 0.55 ? "#ffffff" : "#1d2330",
                            EstimateView.format(v), who + ": " + kappa + " " + EstimateView.format(v) + " on "
                            + pair.n() + " shared trace" + (pair.n() == 1 ? "" : "s")));
                }
            }
        }
        int gridWidth = Math.max(n * CELL, 240);
        int legendWidth = 240;
        Legend legend = new Legend(LEFT, TOP + n * CELL + LEGEND_GAP, legendWidth, LEGEND_HEIGHT,
                List.of(new Stop("0%", colour(-1)), new Stop("50%", colour(0)), new Stop("100%", colour(1))),
                List.of(tick(-1, legendWidth), tick(-0.5, legendWidth), tick(0, legendWidth), tick(0.5, legendWidth),
                        tick(1, legendWidth)));
        return new HeatMap(LEFT + gridWidth + 24, TOP + n * CELL + LEGEND_GAP + LEGEND_HEIGHT + 24, rows, columns,
                cells, legend, reviewers.size() - n);
    }

    private static Tick tick(double value, int width) {
        String text = value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
        return new Tick(LEFT + (int) Math.round((value + 1) / 2 * width), text.replace('-', '−'));
    }

    /** −1 → red, 0 → near white, 1 → blue, linear in between; values outside [−1, 1] are clamped. */
    static String colour(double value) {
        double v = Math.max(-1, Math.min(1, value));
        int[] from = MID;
        int[] to = v < 0 ? LOW : HIGH;
        double t = Math.abs(v);
        int r = (int) Math.round(from[0] + (to[0] - from[0]) * t);
        int g = (int) Math.round(from[1] + (to[1] - from[1]) * t);
        int b = (int) Math.round(from[2] + (to[2] - from[2]) * t);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static String truncate(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "…";
    }
}
