package dev.jury.judges.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import dev.jury.security.AuditLog;
import dev.jury.labels.Assessment;
import dev.jury.labels.SourceType;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Programmatic feedback (MLflow {@code log_feedback}): labels logged through the API, such as ground truth from a
 * data set or checks run by code. Each is an append-only assessment under the rubric's current version; a new label
 * from the same source for the same trace and name supersedes the previous one, which stays in the history.
 *
 * <p>Unlike a reviewer's label, programmatic feedback may omit the rationale even when the rubric requires one:
 * imported ground truth rarely has one, and refusing it would lose the labels alignment needs most.
 */
@ApplicationScoped
@Transactional
public class FeedbackService {

    @Inject
    ExperimentService experiments;

    @Inject
    AuditLog audit;

    /**
     * One label as sent. {@code value} stays JSON so a boolean rubric can accept {@code true}/{@code false}.
     *
     * @param index position in a bulk request (0 for a single label)
     */
    public record Label(int index, Long traceId, String name, JsonNode value, String rationale, SourceType sourceType,
                        String sourceId, JsonNode metadata) {
    }

    /** A stored label: its id and the id of the label it superseded, if any. */
    public record Stored(int index, long assessmentId, Long supersedes, String name, String value, int rubricVersion) {
    }

    /** Why one item of a bulk request was not stored. */
    public record ItemError(int index, String field, String message) {
    }

    /** The outcome of a bulk request: what was stored, and each refused item with its reason. */
    public record BulkResult(List<Stored> stored, List<ItemError> errors) {
        public long superseded() {
            return stored.stream().filter(s -> s.supersedes() != null).count();
        }
    }

    /**
     * Stores one label.
     *
     * @throws ProblemException 404 for an unknown experiment or a trace not in it; 422 for a name that is no
     *                          rubric of the experiment (naming the available ones) or a value outside the rubric
     */
    public Stored log(String experimentName, Label label, String actor) {
        Experiment experiment = experiments.get(experimentName);
        Context context = context(experiment, List.of(label));
        Stored stored = store(context, label);
        audit.record(actor, "feedback.imported", "experiment", experiment.name, summary(List.of(stored), 0));
        return stored;
    }

    /**
     * Stores every valid label and reports each invalid one by index; {@code refused} are items the caller could not
     * even read (wrong JSON shape), reported with the rest. Labels are checked and stored in request order, so a later
     * label of the same source, trace and name supersedes an earlier one of the same request.
     */
    public BulkResult logAll(String experimentName, List<Label> labels, List<ItemError> refused, String actor) {
        Experiment experiment = experiments.get(experimentName);
        Context context = context(experiment, labels);
        List<Stored> stored = new ArrayList<>();
        List<ItemError> errors = new ArrayList<>(refused);
        for (Label label : labels) {
            try {
                stored.add(store(context, label));
            } catch (ProblemException e) {
                String field = e.errors().isEmpty() ? "trace_id" : e.errors().get(0).field();
                errors.add(new ItemError(label.index(), field, e.getMessage()));
            }
        }
        errors.sort((a, b) -> Integer.compare(a.index(), b.index()));
        if (!stored.isEmpty()) {
            audit.record(actor, "feedback.imported", "experiment", experiment.name, summary(stored, errors.size()));
        }
        return new BulkResult(stored, errors);
    }

    /** What every label of a request is checked against, loaded once. */
    private record Context(Experiment experiment, Set<Long> traces, Map<String, RubricVersion> rubrics) {
    }

    private Context context(Experiment experiment, List<Label> labels) {
        List<Long> ids = labels.stream().map(Label::traceId).filter(Objects::nonNull).distinct().sorted().toList();
        Set<Long> traces = new HashSet<>();
        if (!ids.isEmpty()) {
            // Locked in id order: two requests labelling the same traces supersede one after the other, never
            // both the same old label, and cannot deadlock. Only the ids: managed Trace entities would be
            // dirty-checked — their JSON compared — at every flush of every label (3,000 labels took 20 s).
            @SuppressWarnings("unchecked")
            List<Number> found = Panache.getEntityManager().createNativeQuery(
                            "SELECT id FROM trace WHERE experiment_id = ?1 AND id = ANY (CAST(?2 AS bigint[]))"
                                    + " ORDER BY id FOR UPDATE")
                    .setParameter(1, experiment.id)
                    .setParameter(2, ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")))
                    .getResultList();
            found.forEach(id -> traces.add(id.longValue()));
        }
        Map<String, RubricVersion> rubrics = new HashMap<>();
        for (Rubric rubric : Rubric.listForExperiment(experiment.id)) {
            rubrics.put(rubric.name, rubric.current());
        }
        return new Context(experiment, traces, rubrics);
    }

    private Stored store(Context context, Label label) {
        String experimentName = context.experiment().name;
        if (!context.traces().contains(label.traceId())) {
            throw ProblemException.notFound("No trace " + label.traceId() + " in experiment '" + experimentName + "'.");
        }
        RubricVersion rubric = rubricFor(context, label.name());
        RubricSpec spec = rubric.spec();
        String raw = text(spec, label.value());
        String value = RubricValues.canonical(spec, raw).orElseThrow(
                () -> ProblemException.invalid("value", RubricValues.notAllowedMessage(spec, raw)));
        Assessment assessment = Assessment.create(label.traceId(), rubric.rubric.name, value,
                blankToNull(label.rationale()), label.sourceType(), label.sourceId());
        assessment.rubricVersionId = rubric.id;
        assessment.metadata = label.metadata();
        Assessment.supersede(assessment);
        return new Stored(label.index(), assessment.id, assessment.supersedes, assessment.name, value, rubric.version);
    }

    /** The rubric the label's name designates; names are compared after trim and case-fold, as alignment does. */
    private static RubricVersion rubricFor(Context context, String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        RubricVersion rubric = context.rubrics().get(wanted);
        if (rubric != null) {
            return rubric;
        }
        String experimentName = context.experiment().name;
        if (context.rubrics().isEmpty()) {
            throw ProblemException.invalid("name", "Experiment '" + experimentName + "' has no judge or rubric yet, "
                    + "so no feedback name is known; create the rubric first (PUT /api/v1/experiments/"
                    + experimentName + "/rubrics/{name}).");
        }
        throw ProblemException.invalid("name", "'" + (name == null ? "" : name) + "' is not a judge or rubric of "
                + "experiment '" + experimentName + "'; available names: "
                + String.join(", ", new TreeSet<>(context.rubrics().keySet())) + ".");
    }

    /** JSON {@code true}/{@code false} mean yes/no under a boolean rubric; numbers are compared as numbers. */
    private static String text(RubricSpec spec, JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isBoolean() && spec.kind() == RubricKind.BOOLEAN) {
            return value.booleanValue() ? "yes" : "no";
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    private static String summary(List<Stored> stored, int refused) {
        long superseding = stored.stream().filter(s -> s.supersedes() != null).count();
        String names = stored.stream().collect(Collectors.groupingBy(Stored::name, TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
        return stored.size() + " label" + (stored.size() == 1 ? "" : "s") + " stored (" + superseding
                + " superseding an earlier label), " + refused + " refused; " + names;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
