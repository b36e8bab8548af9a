package dev.jury.experiments;

import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

@ApplicationScoped
@Transactional
public class ExperimentService {

    static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
    static final String NAME_RULE = "Experiment names must match [a-z0-9-]{1,64}: 1 to 64 lowercase letters, digits or hyphens.";

    public Experiment create(String name, String description, String actor) {
        String trimmed = name == null ? "" : name.trim();
        if (!NAME.matcher(trimmed).matches()) {
            throw ProblemException.invalid("name", NAME_RULE + " Got '" + abbreviate(trimmed) + "'.");
        }
        if (Experiment.findByName(trimmed).isPresent()) {
            throw duplicate(trimmed);
        }
        var experiment = new Experiment();
        experiment.name = trimmed;
        experiment.description = description == null ? "" : description.trim();
        experiment.createdBy = actor;
        experiment.createdAt = Instant.now();
        try {
            experiment.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw duplicate(trimmed); // lost a race with a concurrent create of the same name
        }
        return experiment;
    }

    @Transactional(TxType.SUPPORTS)
    public List<Experiment> list() {
        return Experiment.listByName();
    }

    /** The experiment, or a 404 problem naming what was not found. */
    @Transactional(TxType.SUPPORTS)
    public Experiment get(String name) {
        return Experiment.findByName(name)
                .orElseThrow(() -> ProblemException.notFound("No experiment named '" + abbreviate(name) + "'."));
    }

    private static ProblemException duplicate(String name) {
        return ProblemException.conflict("An experiment named '" + name + "' already exists.");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
