package dev.jury.web;

import java.util.List;

/**
 * One page of a long list on an HTML page (docs/performance.md "Page weight"): which rows it holds of how many, and
 * whether a "Load more" row follows. The link names the next page in the query string — a page number
 * ({@code ?page=2}) for lists computed in memory, a keyset cursor ({@code ?before=<id>}) for tables read newest first —
 * so that it works without JavaScript; htmx fetches the same address and appends the rows in place.
 *
 * @param offset rows before this page in the list's order
 * @param size   rows per page
 * @param total  rows in the whole list
 */
public record ListPage(long offset, int size, long total) {

    /** Rows per page of every paginated list: light at any size, long enough to scan. */
    public static final int SIZE = 50;

    /** The most pages anyone pages through (50 × 100,000 rows); guards the offset against overflow. */
    static final int MAX_NUMBER = 100_000;

    /** The page number from the query string: blank is the first; anything but 1 to 100,000 is a 400. */
    public static int number(String raw) {
        if (raw == null || raw.isBlank()) {
            return 1;
        }
        String text = raw.strip();
        if (text.matches("[0-9]{1,6}")) {
            int number = Integer.parseInt(text);
            if (number >= 1 && number <= MAX_NUMBER) {
                return number;
            }
        }
        String message = "'page' must be a page number from 1 to " + MAX_NUMBER + "; got '"
                + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'.";
        throw new ProblemException(400, "Bad request", message, List.of(Problem.FieldError.field("page", message)));
    }

    /** Page {@code number} (from 1) of a list paged by number. */
    public static ListPage numbered(int number, int size, long total) {
        return new ListPage((long) (number - 1) * size, size, total);
    }

    /** This page's number, from 1 (for a list paged by number). */
    public long number() {
        return offset / size + 1;
    }

    /** The 1-based position of this page's first row (0 for an empty list). */
    public long from() {
        return Math.min(offset + 1, total);
    }

    /** The 1-based position of this page's last row: also how many rows "Load more" has shown so far. */
    public long through() {
        return Math.min(offset + size, total);
    }

    public boolean hasMore() {
        return through() < total;
    }

    /** The number of the page after this one (for a list paged by number). */
    public long next() {
        return number() + 1;
    }

    /** How many rows the next page holds. */
    public long nextCount() {
        return Math.min(size, total - through());
    }

    public boolean first() {
        return offset == 0;
    }
}
