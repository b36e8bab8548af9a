package dev.jury.web;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document, the body of every API error ({@code application/problem+json}).
 *
 * @param type   a URI naming the kind of problem (relative, documented in docs/api-errors.md)
 * @param title  a short summary that does not change between occurrences
 * @param status the HTTP status
 * @param detail what went wrong this time, specific enough to act on
 * @param errors per-field or per-line problems, when there are several
 * @param extensions further members specific to the problem (RFC 9457 §3.2), e.g. a queue's shortfall numbers
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
                      @JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String detail, List<FieldError> errors) {
        this(type, title, status, detail, errors, Map.of());
    }

    @JsonAnyGetter
    public Map<String, Object> extensionMembers() {
        return extensions == null ? Map.of() : extensions;
    }

    /** One problem with one field of the request, or one line of a bulk upload. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String field, Integer line, String message) {

        public static FieldError field(String field, String message) {
            return new FieldError(field, null, message);
        }

        public static FieldError line(int line, String message) {
            return new FieldError(null, line, message);
        }
    }
}
