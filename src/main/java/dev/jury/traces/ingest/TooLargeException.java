package dev.jury.traces.ingest;

/** A request or a single trace is over its configured size limit; answered with 413. */
public class TooLargeException extends RuntimeException {

    public TooLargeException(String message) {
        super(message);
    }
}
