package dev.jury.alignment;

/** Thrown by an optimizer when the context's cancellation check turns true (or the thread is interrupted). */
public class AlignmentCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long judgeCalls;

    public AlignmentCancelledException(String message, long judgeCalls) {
        super(message);
        this.judgeCalls = judgeCalls;
    }

    /** Judge calls made before the run stopped. */
    public long judgeCalls() {
        return judgeCalls;
    }
}
