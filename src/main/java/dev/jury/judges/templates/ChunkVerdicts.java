package dev.jury.judges.templates;

import java.util.List;

/**
 * How a per-chunk judge's answers on one trace become its one stored verdict: precision is the share of chunks
 * judged {@code yes} (relevant), and the trace's value is {@code yes} when at least half of its chunks are relevant.
 * The per-chunk answers are kept in the verdict's metadata ({@code chunks}) beside the precision.
 */
public final class ChunkVerdicts {

    /** Precision at or above this makes the trace's value {@code yes}. */
    public static final double YES_AT = 0.5;

    /** One chunk's answer. */
    public record ChunkVerdict(int index, String value, String rationale) {
    }

    private ChunkVerdicts() {
    }

    /** Share of {@code yes} among the chunks; 0 for none. */
    public static double precision(List<ChunkVerdict> chunks) {
        if (chunks.isEmpty()) {
            return 0;
        }
        return (double) chunks.stream().filter(c -> "yes".equals(c.value())).count() / chunks.size();
    }

    /** The trace's value: {@code yes} when the precision is at least {@value #YES_AT}. */
    public static String value(List<ChunkVerdict> chunks) {
        return !chunks.isEmpty() && precision(chunks) >= YES_AT ? "yes" : "no";
    }

    /** One line per chunk, as the stored rationale: {@code chunk 1: yes — …}. */
    public static String rationale(List<ChunkVerdict> chunks) {
        StringBuilder s = new StringBuilder();
        for (ChunkVerdict c : chunks) {
            if (!s.isEmpty()) {
                s.append('\n');
            }
            s.append("chunk ").append(c.index()).append(": ").append(c.value());
            if (c.rationale() != null && !c.rationale().isBlank()) {
                s.append(" — ").append(c.rationale().strip());
            }
        }
        return s.toString();
    }
}
