package dev.jury.judges.prompt;

/** Judge instructions that cannot be used as a template; the message says why and is shown to the user as is. */
public class InvalidTemplateException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidTemplateException(String message) {
        super(message);
    }
}
