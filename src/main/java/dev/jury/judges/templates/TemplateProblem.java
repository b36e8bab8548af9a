package dev.jury.judges.templates;

/** Why a template could not be instantiated: the field in the API's spelling and a message for the admin. */
public record TemplateProblem(String field, String message) {
}
