package dev.jury.traces.ingest;

/** One row that cannot become a trace; its message is shown next to the row's line number. */
public class InvalidTraceException extends Exception {

    public InvalidTraceException(String message) {
        super(message, null, false, false);
    }
}
