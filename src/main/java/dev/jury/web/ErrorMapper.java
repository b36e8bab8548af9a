package dev.jury.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.UUID;

/**
 * Turns every failure into the answer its caller can read: problem+json under {@code /api}, a page in the layout
 * everywhere else. "Not found" never becomes a 500, and a 500 never shows a stack trace.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @CheckedTemplate(basePath = "errors")
    static class Templates {
        static native TemplateInstance forbidden();

        static native TemplateInstance notFound(String detail);

        static native TemplateInstance error(int status, String title, String detail, String incident);
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        if (isApi(uri)) {
            return problemResponse(e.toProblem());
        }
        return page(e.status(), e.title(), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        if (isApi(uri)) {
            return problemResponse(new Problem(ProblemException.typeFor(403), "Forbidden", 403,
                    "Your roles do not allow this operation.", List.of()));
        }
        return html(403, Templates.forbidden());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        String detail = "There is nothing at " + uri.getPath() + ".";
        if (isApi(uri)) {
            return problemResponse(new Problem(ProblemException.typeFor(404), "Not found", 404, detail, List.of()));
        }
        return html(404, Templates.notFound(detail));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        var errors = e.getConstraintViolations().stream()
                .map(v -> Problem.FieldError.field(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        var problem = new ProblemException(422, "Invalid request", "The request has invalid fields.", errors);
        return problem(problem, uri);
    }

    /** A body of the wrong shape (a string where a list belongs, …) or broken JSON: 400 naming the field. */
    @ServerExceptionMapper
    public Response unreadableJson(com.fasterxml.jackson.core.JsonProcessingException e, UriInfo uri) {
        String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null)
                : null;
        String detail = field == null
                ? "The request body is not valid JSON: " + e.getOriginalMessage()
                : "Field '" + field + "' has the wrong type or shape: " + e.getOriginalMessage();
        var errors = field == null ? List.<Problem.FieldError>of() : List.of(Problem.FieldError.field(field, detail));
        var problem = new Problem(ProblemException.typeFor(400), "Unreadable request body", 400, detail, errors);
        if (isApi(uri)) {
            return problemResponse(problem);
        }
        return page(400, problem.title(), detail, null);
    }

    /** Quarkus maps this subtype itself (plain JSON); ours must be as specific to win. */
    @ServerExceptionMapper
    public Response mismatchedJson(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, jakarta.ws.rs.core.HttpHeaders headers) {
        int status = e.getResponse().getStatus();
        if (status < 400) {
            return e.getResponse();
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        String detail = status == 415 ? unsupportedType(headers.getMediaType(), uri)
                : (e.getMessage() == null ? title : e.getMessage());
        if (status >= 500) {
            return unexpected(e, uri);
        }
        if (isApi(uri)) {
            return problemResponse(new Problem(ProblemException.typeFor(status), title, status, detail, List.of()));
        }
        return page(status, title, detail, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        String unavailable = databaseUnavailable(e);
        if (unavailable != null) {
            // PostgreSQL is down, restarting or refusing connections: the caller may retry, nothing was stored.
            LOG.warnf("Database unavailable on %s: %s", uri.getPath(), unavailable);
            String detail = "The database is not reachable right now; nothing was changed. Try again in a few seconds.";
            Response answer = isApi(uri)
                    ? problemResponse(new Problem(ProblemException.typeFor(503), "Service unavailable", 503, detail, List.of()))
                    : page(503, "Service unavailable", detail, null);
            return Response.fromResponse(answer).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        String refused = dataException(e);
        if (refused != null) {
            // A value the database cannot store (NUL, a number out of range, …) is the caller's: 400, never a 500.
            // The inputs are checked earlier (InputGuard, NulFreeStrings, the ingest); this is the safety net.
            LOG.infof("Refused a value the database cannot store on %s: %s", uri.getPath(), refused);
            var problem = new Problem(ProblemException.typeFor(400), "Value cannot be stored", 400,
                    "The request contains a value the database cannot store: " + refused, List.of());
            return isApi(uri) ? problemResponse(problem) : page(400, problem.title(), problem.detail(), null);
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "Unexpected failure on %s (incident %s)", uri.getPath(), incident);
        String detail = "Something went wrong on our side (incident " + incident + "). Nothing you entered was lost.";
        if (isApi(uri)) {
            return problemResponse(new Problem(ProblemException.typeFor(500), "Internal error", 500, detail, List.of()));
        }
        return page(500, "Something went wrong", detail, incident);
    }

    private static final String RETRY_AFTER_SECONDS = "5";

    /** SQLSTATEs of a lost or refused connection besides class 08: the server shut down, crashed or is starting. */
    private static final java.util.Set<String> CONNECTION_STATES = java.util.Set.of("57P01", "57P02", "57P03", "53300");

    /**
     * Why the database cannot be reached, when {@code e} is a lost or refused connection anywhere in its cause chain
     * (a JDBC connection exception, SQLSTATE class 08, an administrator shutdown, a database not accepting
     * connections, the pool's acquisition timeout, Hibernate's {@code JDBCConnectionException}); otherwise null.
     */
    static String databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = firstLine(t.getMessage());
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof java.net.ConnectException) {
                return t.getClass().getSimpleName() + ": " + message;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || CONNECTION_STATES.contains(state)
                        || (state.equals("55000") && message.contains("not currently accepting connections")))) {
                    return state + ": " + message;
                }
                if (state == null && message.toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout")) {
                    return message; // Agroal could not get a connection in time
                }
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * The message of a PostgreSQL "data exception" (SQLSTATE class 22: invalid byte sequence, NUL in text, numeric
     * value out of range, …) anywhere in the cause chain, or null.
     */
    static String dataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                String message = sql.getMessage() == null ? sql.getSQLState() : sql.getMessage();
                int newline = message.indexOf('\n');
                return newline < 0 ? message : message.substring(0, newline);
            }
        }
        return null;
    }

    public static Response problemResponse(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Response page(int status, String title, String detail, String incident) {
        return html(status, Templates.error(status, title, detail, incident));
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render()).build();
    }

    /** What to send instead: the API takes JSON (the upload endpoints also take NDJSON, named by their docs). */
    static String unsupportedType(jakarta.ws.rs.core.MediaType sent, UriInfo uri) {
        String got = sent == null ? "no Content-Type" : "Content-Type '" + sent + "'";
        if (!isApi(uri)) {
            return "Unsupported content type (" + got + ").";
        }
        return "Unsupported content type (" + got + "): send the body as JSON with 'Content-Type: application/json'"
                + (sent != null && sent.isCompatible(jakarta.ws.rs.core.MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                ? " — curl -d sends form encoding unless told otherwise with -H." : ".");
    }

    static boolean isApi(UriInfo uri) {
        String path = uri.getPath();
        return ApiPaths.isApi(path);
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
