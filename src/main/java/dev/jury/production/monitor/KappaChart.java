package dev.jury.production.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Geometry of the monitor's small chart: judge-vs-human κ per window (all versions), oldest left, as bars from 0
 * (negative κ is drawn as an empty slot), with the alert's threshold as a line. The SVG is template markup filled
 * from these numbers, like {@code agreement.report.SvgCharts}: every text in it is escaped by Qute.
 */
public record KappaChart(int width, int height, List<Bar> bars, Integer thresholdY, String thresholdLabel) {

    static final int BAR = 14;
    static final int GAP = 4;
    static final int PLOT = 100;
    static final int TOP = 8;
    static final int LEFT = 28;

    /** One window's bar; {@code title} is its tooltip and accessible text. */
    public record Bar(int x, int y, int height, boolean low, String title) {
    }

    public int baseline() {
        return TOP + PLOT;
    }

    public int plotRight() {
        return width - GAP;
    }

    /**
     * @param rows      the monitor's agreement rows (newest window first)
     * @param windows   every window shown, newest first
     * @param threshold the alert's κ threshold, or null
     */
    static KappaChart of(List<JudgeMonitorService.AgreementFigures> rows, List<java.time.LocalDate> windows,
                         Double threshold) {
        var bars = new ArrayList<Bar>();
        for (int i = 0; i < windows.size(); i++) {
            var window = windows.get(windows.size() - 1 - i);
            int x = LEFT + GAP + i * (BAR + GAP);
            var row = rows.stream().filter(r -> r.version() == null && r.window().equals(window)).findFirst();
            if (row.isEmpty() || !row.get().kappa().defined()) {
                continue;
            }
            double kappa = row.get().kappa().value();
            int h = (int) Math.round(Math.max(0, Math.min(1, kappa)) * PLOT);
            bars.add(new Bar(x, TOP + PLOT - h, h, threshold != null && kappa < threshold,
                    String.format(Locale.ROOT, "%s: κ %.3f over %d pairs", window, kappa, row.get().n())));
        }
        Integer y = threshold == null ? null
                : TOP + PLOT - (int) Math.round(Math.max(0, Math.min(1, threshold)) * PLOT);
        return new KappaChart(LEFT + GAP + windows.size() * (BAR + GAP) + GAP, TOP + PLOT + 16, bars, y,
                threshold == null ? null : String.format(Locale.ROOT, "%.2f", threshold));
    }
}
