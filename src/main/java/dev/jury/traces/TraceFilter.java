package dev.jury.traces;

import dev.jury.web.Problem;
import dev.jury.web.ProblemException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which traces a list shows: a tag ({@code key=value}), whether a current judge verdict or human label exists, and
 * a current human label by name (and value). {@code null} means "don't care".
 */
public record TraceFilter(String tagKey, String tagValue, Boolean judged, Boolean labelled, String labelName,
                          String labelValue) {

    public static final TraceFilter NONE = new TraceFilter(null, null, null, null, null, null);

    /** Parses the query parameters as typed; throws 422 naming the field for what cannot be understood. */
    public static TraceFilter parse(String tag, String judged, String labelled, String labelName, String labelValue) {
        var errors = new ArrayList<Problem.FieldError>();
        String key = null;
        String value = null;
        if (tag != null && !tag.isBlank()) {
            int eq = tag.indexOf('=');
            if (eq <= 0) {
                errors.add(Problem.FieldError.field("tag", "Filter by tag as key=value, e.g. env=prod."));
            } else {
                key = tag.substring(0, eq).trim();
                value = tag.substring(eq + 1).trim();
            }
        }
        Boolean isJudged = yesNo("judged", judged, errors);
        Boolean isLabelled = yesNo("labelled", labelled, errors);
        String name = blankToNull(labelName);
        String labelVal = blankToNull(labelValue);
        if (labelVal != null && name == null) {
            errors.add(Problem.FieldError.field("label_name", "A label value needs the label's name too."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
        return new TraceFilter(key, value, isJudged, isLabelled, name, labelVal);
    }

    /** The filter as query parameters (without cursor and limit), for links that keep it. */
    public String query() {
        var parts = new ArrayList<String>();
        if (tagKey != null) {
            parts.add("tag=" + encode(tagKey + "=" + tagValue));
        }
        if (judged != null) {
            parts.add("judged=" + (judged ? "yes" : "no"));
        }
        if (labelled != null) {
            parts.add("labelled=" + (labelled ? "yes" : "no"));
        }
        if (labelName != null) {
            parts.add("label_name=" + encode(labelName));
        }
        if (labelValue != null) {
            parts.add("label_value=" + encode(labelValue));
        }
        return String.join("&", parts);
    }

    private static Boolean yesNo(String field, String raw, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank() || raw.equalsIgnoreCase("any")) {
            return null;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> Boolean.TRUE;
            case "no", "false" -> Boolean.FALSE;
            default -> {
                errors.add(Problem.FieldError.field(field, "'" + field + "' is yes, no or any."));
                yield null;
            }
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
