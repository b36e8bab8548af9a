package dev.jury.review;

import dev.jury.security.Reviewer;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.List;

/**
 * What the two queue forms share — creating a queue ({@link QueueListResource}) and adding members to one
 * ({@link QueueResource}): reading a field, the reviewers offered as tick boxes, and the usernames typed beside them.
 */
final class QueueForms {

    private QueueForms() {
    }

    /** A field as posted, or "" when absent. */
    static String first(MultivaluedMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value;
    }

    /** People seen through SSO, by username (several subjects may share one after an IdP change). */
    static List<String> knownReviewers() {
        return Reviewer.listByUsername().stream().map(r -> r.username).distinct().toList();
    }

    /** Usernames typed as text, separated by commas, semicolons or white space. */
    static List<String> splitUsernames(String typed) {
        if (typed == null || typed.isBlank()) {
            return List.of();
        }
        return List.of(typed.strip().split("[,;\\s]+"));
    }
}
