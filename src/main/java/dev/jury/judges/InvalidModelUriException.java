package dev.jury.judges;

/** A judge model URI that is malformed or names an unsupported provider; the message is shown to the user as is. */
public class InvalidModelUriException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidModelUriException(String message) {
        super(message);
    }
}
