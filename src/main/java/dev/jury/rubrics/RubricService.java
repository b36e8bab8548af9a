package dev.jury.rubrics;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.labels.LabelNames;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.hibernate.exception.ConstraintViolationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Saves rubrics as immutable versions and answers which version is current. The "create the parent on first save,
 * lock it, number the next version" steps mirror {@code judges.JudgeService} but are not shared: a rubric save is a
 * no-op on unchanged content (fingerprint) and validates a spec, a judge save always versions and moves aliases —
 * the common part is three lines (docs/architecture.md, "Look-alikes").
 */
@ApplicationScoped
@Transactional
public class RubricService {

    static final String AUDIT_TARGET = "rubric";

    private static final Pattern CAMEL = Pattern.compile("([a-z])([A-Z])");

    @Inject
    ExperimentService experiments;

    @Inject
    AuditLog audit;

    /**
     * The outcome of a save.
     *
     * @param version the current version after the save
     * @param created whether the save made it (false: the content equals the current version, which is returned)
     */
    public record Saved(RubricVersion version, boolean created) {
    }

    /**
     * Normalises and validates {@code submitted}, then stores it as the rubric's next version — or, when it has the
     * fingerprint of the current version, returns the current version unchanged. The first save creates the rubric.
     *
     * @throws ProblemException 404 for an unknown experiment; 422 with one error per offending field (snake_case
     *                          paths such as {@code levels[2].definition}, {@code pass_threshold}, {@code name})
     */
    public Saved save(String experimentName, String name, RubricSpec submitted, String actor) {
        Experiment experiment = experiments.get(experimentName);
        List<Problem.FieldError> errors = new ArrayList<>();
        LabelNames.validate(name).ifPresent(message -> errors.add(Problem.FieldError.field("name", message)));
        RubricSpec spec = RubricNormaliser.normalise(submitted);
        for (RubricError error : RubricValidator.validate(spec)) {
            errors.add(Problem.FieldError.field(apiField(error.field()), error.message()));
        }
        if (!errors.isEmpty()) {
            throw refused("rubric", errors);
        }
        Rubric rubric = Rubric.findByNameForUpdate(experiment.id, name).orElseGet(() -> create(experiment, name, actor));
        Optional<RubricVersion> current = RubricVersion.findCurrent(rubric.id);
        String fingerprint = RubricFingerprint.of(spec);
        if (current.isPresent() && current.get().fingerprint.equals(fingerprint)) {
            return new Saved(current.get(), false);
        }
        int next = current.map(v -> v.version + 1).orElse(1);
        RubricVersion version = RubricVersion.of(rubric, next, spec, actor);
        version.persist();
        audit.record(actor, "rubric.version_created", AUDIT_TARGET, auditId(experiment.name, name),
                "Version " + next + (next == 1 ? " (new rubric)" : "") + ": " + describe(spec));
        return new Saved(version, true);
    }

    /** The current version, or a 404 problem naming the rubric. */
    @Transactional(TxType.SUPPORTS)
    public RubricVersion current(String experimentName, String name) {
        return rubric(experimentName, name).current();
    }

    /** Version {@code version} of the rubric, or a 404 problem naming what was not found. */
    @Transactional(TxType.SUPPORTS)
    public RubricVersion version(String experimentName, String name, int version) {
        Rubric rubric = rubric(experimentName, name);
        return RubricVersion.findVersion(rubric.id, version).orElseThrow(() -> ProblemException.notFound(
                "Rubric '" + name + "' in experiment '" + experimentName + "' has no version " + version + "."));
    }

    /** All versions, newest first, or a 404 problem naming the rubric. */
    @Transactional(TxType.SUPPORTS)
    public List<RubricVersion> versions(String experimentName, String name) {
        return RubricVersion.listVersions(rubric(experimentName, name).id);
    }

    /** The current version of every rubric of the experiment, by name. */
    @Transactional(TxType.SUPPORTS)
    public List<RubricVersion> listCurrent(String experimentName) {
        Experiment experiment = experiments.get(experimentName);
        return RubricVersion.list("from RubricVersion rv join fetch rv.rubric r where r.experimentId = ?1"
                + " and rv.version = (select max(v.version) from RubricVersion v where v.rubric = r) order by r.name",
                experiment.id);
    }

    /** The rubric, or a 404 problem naming it. */
    @Transactional(TxType.SUPPORTS)
    public Rubric rubric(String experimentName, String name) {
        Experiment experiment = experiments.get(experimentName);
        return Rubric.findByName(experiment.id, name).orElseThrow(() -> notFound(experimentName, name));
    }

    /** The current version of the rubric named {@code name} in the experiment, if there is one (for judges, feedback). */
    @Transactional(TxType.SUPPORTS)
    public Optional<RubricVersion> findCurrent(long experimentId, String name) {
        return Rubric.findByName(experimentId, name).map(Rubric::current);
    }

    /** The names of the experiment's rubrics, sorted. */
    @Transactional(TxType.SUPPORTS)
    public List<String> names(long experimentId) {
        return Rubric.listForExperiment(experimentId).stream().map(r -> r.name).toList();
    }

    /** The key of a rubric's events in the audit trail. */
    public static String auditId(String experimentName, String name) {
        return experimentName + "/" + name;
    }

    public static ProblemException notFound(String experimentName, String name) {
        return ProblemException.notFound("No rubric named '" + abbreviate(name) + "' in experiment '"
                + experimentName + "'.");
    }

    /** A 422 listing every error; the detail repeats the first so a client that shows only the detail can act on it. */
    static ProblemException refused(String what, List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).message()
                : "The " + what + " was not saved: " + errors.size() + " problems, first: " + errors.get(0).message();
        return ProblemException.invalid(detail, errors);
    }

    private Rubric create(Experiment experiment, String name, String actor) {
        Rubric rubric = Rubric.create(experiment.id, name, actor);
        try {
            rubric.persistAndFlush();
        } catch (ConstraintViolationException e) {
            // another request created the same rubric between our lookup and insert
            throw ProblemException.conflict("Rubric '" + name + "' was created by someone else at the same moment; "
                    + "save again to add your content as its next version.");
        }
        return rubric;
    }

    /** {@code passThreshold} → {@code pass_threshold}: the API speaks snake_case; level paths are unchanged. */
    static String apiField(String field) {
        Matcher m = CAMEL.matcher(field);
        return m.replaceAll(r -> r.group(1) + "_" + r.group(2).toLowerCase(Locale.ROOT));
    }

    private static String describe(RubricSpec spec) {
        return spec.kind().name().toLowerCase(Locale.ROOT) + ", " + spec.levels().size() + " levels ("
                + spec.levels().stream().map(RubricLevel::value).collect(Collectors.joining(", ")) + ")"
                + (spec.passThreshold() == null ? "" : ", pass threshold " + spec.passThreshold().toPlainString())
                + (spec.rationaleRequired() ? ", rationale required" : ", rationale optional")
                + ", fingerprint " + RubricFingerprint.of(spec).substring(0, 12);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
