package dev.jury.traces;

import java.util.List;

/** One page of a keyset-paginated list, newest first; {@code nextCursor} is the last id shown, or null at the end. */
public record TracePage(List<Trace> traces, Long nextCursor) {
}
