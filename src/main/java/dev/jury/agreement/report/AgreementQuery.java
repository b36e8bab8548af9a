package dev.jury.agreement.report;

import dev.jury.web.Problem;
import dev.jury.web.ProblemException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * What one agreement report is about, as typed in the query string: the label name, optionally one queue, one rubric
 * version and a time window on when the human labels were given, and how many bootstrap resamples to draw.
 *
 * @param name          the assessment (judge, rubric) name; blank = the queue's name, if a queue is given
 * @param queueId       only labels given in this review queue (adjudications always count)
 * @param rubricVersion only labels given under this rubric version; default: the queue's, else the newest labelled
 * @param from          human labels given at or after this instant
 * @param to            human labels given before this instant
 * @param bootstrap     resamples for the intervals; {@code null} = the configured default, 0 = point estimates only
 * @param sort          order of the disagreement list: {@code trace} (oldest first), {@code newest}, {@code labels}
 * @param score         compare the labels' 1–5 {@code metadata.score} (ordinal) instead of their value
 *                      ({@code on=score}; only for names whose judge has a score, docs/agreement.md "On the score")
 */
public record AgreementQuery(String name, Long queueId, Integer rubricVersion, Instant from, Instant to,
                             Integer bootstrap, String sort, boolean score) {

    /** What {@code on} may say: the labels' value (the default) or their 1–5 score. */
    public static final List<String> ON = List.of("value", "score");

    /** More resamples than this would only burn CPU: the percentiles stop moving long before. */
    public static final int MAX_BOOTSTRAP = 10_000;
    public static final List<String> SORTS = List.of("trace", "newest", "labels");

    public AgreementQuery {
        name = name == null ? "" : name.strip();
        sort = sort == null || sort.isBlank() ? "trace" : sort;
    }

    /** A report on the labels' values. */
    public AgreementQuery(String name, Long queueId, Integer rubricVersion, Instant from, Instant to,
                          Integer bootstrap, String sort) {
        this(name, queueId, rubricVersion, from, to, bootstrap, sort, false);
    }

    /** {@code value} or {@code score}, as the query string spells it. */
    public String on() {
        return score ? "score" : "value";
    }

    /** The query string without {@code on}: a report on the labels' values. */
    public static AgreementQuery parse(String name, String queue, String rubricVersion, String from, String to,
                                       String bootstrap, String sort) {
        return parse(name, queue, rubricVersion, from, to, bootstrap, sort, null);
    }

    /**
     * Reads the query string. Malformed values are a 400 naming the parameter; values that are well-formed but
     * name nothing (an unknown queue) are the service's 404.
     */
    public static AgreementQuery parse(String name, String queue, String rubricVersion, String from, String to,
                                       String bootstrap, String sort, String on) {
        Long queueId = blank(queue) ? null : positiveLong("queue", queue, "a review queue's id, e.g. 12");
        Integer version = blank(rubricVersion) ? null
                : (int) positiveLong("rubric_version", rubricVersion, "a rubric version number, e.g. 2");
        Instant start = blank(from) ? null : instant("from", from, false);
        Instant end = blank(to) ? null : instant("to", to, true);
        if (start != null && end != null && !start.isBefore(end)) {
            throw ProblemException.invalid("to", "The time window is empty: 'to' (" + to.strip()
                    + ") must be after 'from' (" + from.strip() + ").");
        }
        Integer resamples = null;
        if (!blank(bootstrap)) {
            String text = bootstrap.strip();
            if (!text.matches("[0-9]{1,6}") || Integer.parseInt(text) > MAX_BOOTSTRAP) {
                throw badRequest("bootstrap", "bootstrap is the number of resamples for the confidence intervals, "
                        + "0 to " + MAX_BOOTSTRAP + " (0 = no intervals); got '" + abbreviate(text) + "'.");
            }
            resamples = Integer.parseInt(text);
        }
        String order = blank(sort) ? null : sort.strip().toLowerCase(Locale.ROOT);
        if (order != null && !SORTS.contains(order)) {
            throw badRequest("sort", "sort orders the disagreement list: one of " + String.join(", ", SORTS)
                    + "; got '" + abbreviate(sort.strip()) + "'.");
        }
        String basis = blank(on) ? "value" : on.strip().toLowerCase(Locale.ROOT);
        if (!ON.contains(basis)) {
            throw badRequest("on", "on says what is compared: value (the label, the default) or score (the 1–5 "
                    + "score a custom_score judge stores beside it); got '" + abbreviate(on.strip()) + "'.");
        }
        return new AgreementQuery(name, queueId, version, start, end, resamples, order, basis.equals("score"));
    }

    private static long positiveLong(String field, String raw, String what) {
        String text = raw.strip();
        if (!text.matches("[0-9]{1,9}") || Long.parseLong(text) == 0) {
            throw badRequest(field, field + " must be " + what + "; got '" + abbreviate(text) + "'.");
        }
        return Long.parseLong(text);
    }

    /** An instant ({@code 2026-11-01T08:00:00Z}) or a UTC date; a date in {@code to} includes that whole day. */
    private static Instant instant(String field, String raw, boolean endOfWindow) {
        String text = raw.strip();
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (endOfWindow ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw badRequest(field, field + " must be a date (2026-11-01) or an instant (2026-11-01T08:00:00Z); got '"
                    + abbreviate(text) + "'.");
        }
    }

    static ProblemException badRequest(String field, String message) {
        return new ProblemException(400, "Bad request", message, List.of(Problem.FieldError.field(field, message)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
