package dev.jury.security;

/** Keycloak realm roles, mapped one to one onto Quarkus roles. */
public final class Roles {

    /** Labels items in the queues they are members of. */
    public static final String REVIEWER = "reviewer";
    /** Owns experiments, traces, judges, rubrics, queues, alignment and the registry. */
    public static final String ADMIN = "admin";
    /** A machine client: ingests traces, logs feedback, fetches and calls registered judges. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
