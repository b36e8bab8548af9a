package dev.jury.jobs;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Which {@link JobHandler} bean runs which job type; two beans for one type stop the application at start. */
@ApplicationScoped
class JobHandlers {

    @Inject
    Instance<JobHandler> handlerBeans;

    private final Map<String, JobHandler> byType = new TreeMap<>();

    /** Handlers are known from construction, so other startup code may already enqueue. */
    @PostConstruct
    void discover() {
        for (JobHandler handler : handlerBeans) {
            JobHandler previous = byType.putIfAbsent(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("Two JobHandler beans handle job type '" + handler.type() + "': "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    /** The handler of {@code type}, or {@code null} when this replica has none. */
    JobHandler forType(String type) {
        return type == null ? null : byType.get(type);
    }

    boolean handles(String type) {
        return forType(type) != null;
    }

    /** The types this replica runs, sorted; a claim only takes jobs of these types. */
    Set<String> types() {
        return new TreeSet<>(byType.keySet());
    }

    boolean isEmpty() {
        return byType.isEmpty();
    }
}
