package dev.jury.web;

import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import java.util.List;

/**
 * Refuses a NUL character in any path segment, query parameter or form field with a 400 naming it, before any
 * resource sees it: PostgreSQL cannot store NUL in text, and a probe with {@code ?name=%00} used to end in a 500
 * (issue 12). JSON bodies are checked where they are read ({@link NulFreeStrings}, the trace ingest).
 */
@Singleton
public class InputGuard {

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 5)
    @WithFormRead
    public void refuseNul(ResteasyReactiveContainerRequestContext request) {
        var uri = request.getUriInfo();
        check("path parameter", uri.getPathParameters(true));
        check("query parameter", uri.getQueryParameters(true));
        if (uri.getPath(true).indexOf('\0') >= 0) {
            throw refused("path", "The path contains a NUL character.");
        }
        MediaType type = request.getMediaType();
        if (type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE))) {
            var form = ((ResteasyReactiveRequestContext) request.getServerRequestContext()).getFormData();
            if (form != null) {
                for (String name : form) {
                    for (FormValue value : form.get(name)) {
                        if (name.indexOf('\0') >= 0 || (!value.isFileItem() && hasNul(value.getValue()))) {
                            throw refused(clean(name), "Form field '" + clean(name) + "' contains a NUL character.");
                        }
                    }
                }
            }
        }
    }

    private static void check(String kind, MultivaluedMap<String, String> values) {
        values.forEach((name, list) -> {
            if (name.indexOf('\0') >= 0 || list.stream().anyMatch(InputGuard::hasNul)) {
                throw refused(clean(name), "The " + kind + " '" + clean(name) + "' contains a NUL character.");
            }
            if (list.stream().anyMatch(v -> v != null && v.length() > MAX_PARAMETER_LENGTH)) {
                String field = clean(name.length() > 100 ? name.substring(0, 100) : name);
                throw new ProblemException(400, "Value too long", "The " + kind + " '" + field + "' is longer than "
                        + MAX_PARAMETER_LENGTH + " characters.",
                        List.of(Problem.FieldError.field(field, "longer than " + MAX_PARAMETER_LENGTH + " characters")));
            }
        });
    }

    /**
     * No parameter of Jury's needs more (names, ids, cursors are short). URLs up to
     * {@code quarkus.http.limits.max-initial-line-length} (16 KB) reach this check and get a problem naming the
     * parameter; a longer request line is refused by the HTTP server itself with a bare 414.
     */
    static final int MAX_PARAMETER_LENGTH = 4096;

    static boolean hasNul(String value) {
        return value != null && value.indexOf('\0') >= 0;
    }

    private static String clean(String name) {
        return name.replace("\0", "\\u0000");
    }

    private static ProblemException refused(String field, String detail) {
        return new ProblemException(400, "Invalid character", detail + " NUL (\\u0000) is never accepted.",
                List.of(Problem.FieldError.field(field, "contains a NUL character")));
    }
}
