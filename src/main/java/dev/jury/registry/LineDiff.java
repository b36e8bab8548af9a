package dev.jury.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * A line-based diff of two texts (the instructions of two judge versions): the longest common subsequence of lines,
 * then removed lines before added ones at each change, like {@code diff -u} shows them. Quadratic in the number of
 * lines, which is fine for instructions (a few hundred lines at most). Pure.
 */
public final class LineDiff {

    public enum Kind { SAME, REMOVED, ADDED }

    /**
     * One line of the diff.
     *
     * @param left  its line number in the first text, or 0 when added
     * @param right its line number in the second text, or 0 when removed
     */
    public record Line(Kind kind, String text, int left, int right) {

        public boolean added() {
            return kind == Kind.ADDED;
        }

        public boolean removed() {
            return kind == Kind.REMOVED;
        }

        /** The diff marker: {@code +}, {@code −} or a space. */
        public String marker() {
            return switch (kind) {
                case ADDED -> "+";
                case REMOVED -> "−";
                case SAME -> " ";
            };
        }
    }

    private LineDiff() {
    }

    public static List<Line> diff(String a, String b) {
        String[] left = lines(a);
        String[] right = lines(b);
        int n = left.length;
        int m = right.length;
        int[][] common = new int[n + 1][m + 1]; // common[i][j]: LCS length of left[i..] and right[j..]
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = left[i].equals(right[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Line> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && left[i].equals(right[j])) {
                lines.add(new Line(Kind.SAME, left[i], i + 1, j + 1));
                i++;
                j++;
            } else if (j >= m || (i < n && common[i + 1][j] >= common[i][j + 1])) {
                lines.add(new Line(Kind.REMOVED, left[i], i + 1, 0));
                i++;
            } else {
                lines.add(new Line(Kind.ADDED, right[j], 0, j + 1));
                j++;
            }
        }
        return lines;
    }

    /** Whether the two texts differ at all (after normalising line endings). */
    public static boolean changed(List<Line> diff) {
        return diff.stream().anyMatch(l -> l.kind() != Kind.SAME);
    }

    private static String[] lines(String text) {
        if (text == null || text.isEmpty()) {
            return new String[0];
        }
        return text.replace("\r\n", "\n").split("\n", -1);
    }
}
