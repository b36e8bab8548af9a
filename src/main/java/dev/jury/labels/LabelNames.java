package dev.jury.labels;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule for label names, which judges and rubrics share: a judge's name is the name of its rubric and of every
 * assessment given for it, by the judge or by a human (MLflow pairs them by name), so it must be stable and
 * unambiguous: lower-case ASCII, digits, underscores. It lives with the labels so that neither judges nor rubrics
 * has to import the other for it.
 */
public final class LabelNames {

    public static final int MAX_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1," + MAX_LENGTH + "}");

    private LabelNames() {
    }

    /** Why {@code name} is refused, or empty when it is a valid judge name. It is checked as given, not trimmed. */
    public static Optional<String> validate(String name) {
        if (name == null || name.isEmpty()) {
            // MLflow make_judge: "name must be a non-empty string"
            return Optional.of("The judge name must be a non-empty string, e.g. product_quality.");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("The judge name is " + name.length() + " characters long; at most " + MAX_LENGTH
                    + " are allowed.");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("'" + name + "' is not a valid judge name: use only lower-case letters a-z, digits "
                    + "0-9 and underscores, e.g. product_quality.");
        }
        return Optional.empty();
    }
}
