package dev.jury.web;

import java.util.List;

/**
 * A failure the user can act on. Services throw it; API resources answer it as problem+json, page resources show
 * its message inline next to what the user typed.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final java.util.Map<String, Object> extensions;

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
        this(status, title, detail, errors, java.util.Map.of());
    }

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors,
                            java.util.Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.extensions = java.util.Map.copyOf(extensions);
    }

    public java.util.Map<String, Object> extensions() {
        return extensions;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, List.of());
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail, List.of());
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(422, "Invalid request", message, List.of(Problem.FieldError.field(field, message)));
    }

    public static ProblemException invalid(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(422, "Invalid request", detail, errors);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** The message for one field, for inline display in a form; {@code null} if that field is fine. */
    public String messageFor(String field) {
        return errors.stream().filter(e -> field.equals(e.field())).map(Problem.FieldError::message)
                .findFirst().orElse(null);
    }

    public Problem toProblem() {
        return new Problem(typeFor(status), title, status, getMessage(), errors, extensions);
    }

    static String typeFor(int status) {
        return switch (status) {
            case 400 -> "/problems/bad-request";
            case 401 -> "/problems/unauthenticated";
            case 403 -> "/problems/forbidden";
            case 404 -> "/problems/not-found";
            case 409 -> "/problems/conflict";
            case 413 -> "/problems/too-large";
            case 422 -> "/problems/invalid";
            case 429 -> "/problems/rate-limited";
            default -> status >= 500 ? "/problems/server-error" : "about:blank";
        };
    }
}
