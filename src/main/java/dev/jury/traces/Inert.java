package dev.jury.traces;

/**
 * Makes hostile text safe to show beyond HTML escaping (which Qute does): Unicode direction controls
 * (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), which can make text read differently from what it is,
 * are replaced by a visible {@code ⟦U+202E⟧} marker.
 */
public final class Inert {

    private Inert() {
    }

    public static String text(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDirectionControl(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append("⟦U+").append(String.format("%04X", (int) c)).append('⟧');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    static boolean isDirectionControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
