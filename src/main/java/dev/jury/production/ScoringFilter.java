package dev.jury.production;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which new traces online scoring considers, in the style of MLflow's {@code filter_string}: conditions on a
 * trace's tags and source joined with {@code AND}, e.g. {@code tags.env = 'prod' AND source = 'otlp'}. A condition
 * is {@code tags.<key>} or {@code source}, then {@code =} or {@code !=}, then a value in single or double quotes (or
 * a bare word). {@code tags.x != 'y'} also matches traces without tag {@code x}. The empty filter matches every
 * trace. Parsing refuses anything else with a message saying what was expected.
 */
public final class ScoringFilter {

    /** One condition: the tag key, or {@code null} for the trace's source. */
    record Condition(String tagKey, boolean equals, String value) {
    }

    public static final ScoringFilter ALL = new ScoringFilter("", List.of());

    /** Longest accepted filter text. */
    static final int MAX_LENGTH = 1000;

    private final String text;
    private final List<Condition> conditions;

    private ScoringFilter(String text, List<Condition> conditions) {
        this.text = text;
        this.conditions = conditions;
    }

    /**
     * @throws IllegalArgumentException with a message for the person who typed it
     */
    public static ScoringFilter parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            return ALL;
        }
        if (s.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("The filter is longer than " + MAX_LENGTH + " characters.");
        }
        var conditions = new ArrayList<Condition>();
        var p = new Parser(s);
        while (true) {
            conditions.add(p.condition());
            p.spaces();
            if (p.atEnd()) {
                break;
            }
            p.keyword("AND");
        }
        return new ScoringFilter(s, List.copyOf(conditions));
    }

    /** Whether a trace with these tags (values as text; missing keys absent) and source passes. */
    public boolean matches(Map<String, String> tags, String source) {
        for (Condition c : conditions) {
            String actual = c.tagKey() == null ? source : tags.get(c.tagKey());
            boolean same = c.value().equals(actual);
            if (same != c.equals()) {
                return false;
            }
        }
        return true;
    }

    /** The filter as typed (stripped); empty for all traces. */
    public String text() {
        return text;
    }

    List<Condition> conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        void spaces() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Condition condition() {
            spaces();
            String field = word();
            String key;
            if (field.equals("source")) {
                key = null;
            } else if (field.startsWith("tags.") && field.length() > 5) {
                key = field.substring(5);
            } else if (field.isEmpty() || field.equals("tags.")) {
                throw error("Expected tags.<key> or source");
            } else {
                throw error("Unknown field '" + field + "': use tags.<key> or source");
            }
            spaces();
            boolean equals;
            if (s.startsWith("!=", i)) {
                equals = false;
                i += 2;
            } else if (s.startsWith("=", i)) {
                equals = true;
                i += s.startsWith("==", i) ? 2 : 1;
            } else {
                throw error("Expected = or != after " + field);
            }
            spaces();
            return new Condition(key, equals, value());
        }

        void keyword(String word) {
            int start = i;
            String w = word();
            if (!w.equalsIgnoreCase(word)) {
                i = start;
                throw error("Expected AND between conditions");
            }
        }

        /** A field name: letters, digits and {@code . _ -}. */
        private String word() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || ".-_:/".indexOf(s.charAt(i)) >= 0)) {
                i++;
            }
            return s.substring(start, i);
        }

        private String value() {
            if (atEnd()) {
                throw error("Expected a value");
            }
            char q = s.charAt(i);
            if (q == '\'' || q == '"') {
                int end = s.indexOf(q, i + 1);
                if (end < 0) {
                    throw error("Unclosed quote");
                }
                String v = s.substring(i + 1, end);
                i = end + 1;
                return v;
            }
            String v = word();
            if (v.isEmpty()) {
                throw error("Expected a value (quote it if it has spaces or symbols)");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            String near = atEnd() ? "the end" : "'" + s.substring(i, Math.min(s.length(), i + 20)) + "'";
            return new IllegalArgumentException(what + " at position " + (i + 1) + " (near " + near
                    + "). Example: tags.env = 'prod' AND source = 'otlp'.");
        }
    }
}
