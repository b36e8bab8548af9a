package dev.jury.agreement.report;

import dev.jury.experiments.Experiment;
import dev.jury.review.ReviewQueue;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricVersion;
import dev.jury.web.ProblemException;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one report is about: the queue (if any), the rubric its name denotes, and the rubric version whose human
 * labels are compared — asked for, else the queue's, else the newest version with labels, else the current one.
 * Made in two steps because the last rule needs the labels: {@link #of} checks the query before anything is read,
 * {@link #select} picks the version once the labels per version are counted.
 */
final class VersionChoice {

    final Experiment experiment;
    /** The queue the report is limited to, or {@code null}. */
    final ReviewQueue queue;
    final Rubric rubric;
    /** The rubric's versions, newest (current) first. */
    final List<RubricVersion> newestFirst;
    /** The version the query asked for, or {@code null}. */
    private final RubricVersion requested;
    /**
     * For a report on the score ({@code on=score}): the threshold of the judge's newest version with a 1–5 score
     * (scores at or below it are the failing side, as the judge stores them as {@code no}); else {@code null}.
     */
    final Integer scoreThreshold;

    private VersionChoice(Experiment experiment, ReviewQueue queue, Rubric rubric, List<RubricVersion> newestFirst,
                          RubricVersion requested, Integer scoreThreshold) {
        this.experiment = experiment;
        this.queue = queue;
        this.rubric = rubric;
        this.newestFirst = newestFirst;
        this.requested = requested;
        this.scoreThreshold = scoreThreshold;
    }

    /**
     * @throws ProblemException 404 for an unknown name (no such rubric), queue or rubric version; 400 when no name
     *                          is given and no queue implies one; 422 when the queue is about another name or pinned
     *                          to another rubric version than the one asked for
     */
    static VersionChoice of(Experiment experiment, AgreementQuery query) {
        ReviewQueue queue = queue(experiment, query.queueId());
        Rubric rubric = rubric(experiment, query.name(), queue);
        List<RubricVersion> versions = RubricVersion.listVersions(rubric.id);
        Integer threshold = query.score() ? scoreThreshold(experiment, rubric) : null;
        return new VersionChoice(experiment, queue, rubric, versions,
                requestedVersion(rubric, versions, query.rubricVersion(), queue), threshold);
    }

    /**
     * The threshold of the newest version of the judge of this name that has a 1–5 score (made from the
     * custom_score template), or {@code null} when it has none. Read from {@code judge_version} directly: judges
     * import this package, not the reverse.
     */
    static Integer scoreThresholdOf(Experiment experiment, String name) {
        @SuppressWarnings("unchecked")
        List<Number> found = Rubric.getEntityManager().createNativeQuery("""
                SELECT v.score_threshold FROM judge_version v JOIN judge j ON j.id = v.judge_id
                 WHERE j.experiment_id = ?1 AND j.name = ?2 AND v.score_threshold IS NOT NULL
                 ORDER BY v.version DESC LIMIT 1""").setParameter(1, experiment.id).setParameter(2, name)
                .getResultList();
        return found.isEmpty() ? null : found.get(0).intValue();
    }

    /** @throws ProblemException 422 when no version of the judge has a score */
    private static Integer scoreThreshold(Experiment experiment, Rubric rubric) {
        Integer threshold = scoreThresholdOf(experiment, rubric.name);
        if (threshold == null) {
            throw ProblemException.invalid("on", "'" + rubric.name + "' has no 1–5 score to compare: only judges "
                    + "made from the custom_score template store one (metadata.score). Use on=value.");
        }
        return threshold;
    }

    RubricVersion current() {
        return newestFirst.get(0);
    }

    /** Asked for, else the queue's, else the newest version with labels, else the current one. */
    RubricVersion select(Map<Long, Long> labelsPerVersion) {
        if (requested != null) {
            return requested;
        }
        if (queue != null) {
            return newestFirst.stream().filter(v -> v.id.equals(queue.rubricVersionId)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("queue " + queue.id + " is pinned to a version "
                            + "of another rubric"));
        }
        return newestFirst.stream().filter(v -> labelsPerVersion.getOrDefault(v.id, 0L) > 0).findFirst()
                .orElse(current());
    }

    /** Human labels per rubric_version_id; labels without one (imported with traces) count for the current version. */
    Map<Long, Long> labelsPerVersion(CurrentLabels.Rows humans) {
        long currentId = current().id;
        Map<Long, Long> counts = new HashMap<>();
        for (int i = 0; i < humans.size; i++) {
            long version = humans.rubricVersion[i] == 0 ? currentId : humans.rubricVersion[i];
            counts.merge(version, 1L, Long::sum);
        }
        return counts;
    }

    /** Every version with its label count, for the version picker. */
    List<AgreementResult.VersionCount> versionCounts(RubricVersion selected, Map<Long, Long> labelsPerVersion) {
        return newestFirst.stream().map(v -> new AgreementResult.VersionCount(v.version,
                labelsPerVersion.getOrDefault(v.id, 0L), v.id.equals(selected.id),
                v == newestFirst.get(0))).toList();
    }

    private static ReviewQueue queue(Experiment experiment, Long queueId) {
        if (queueId == null) {
            return null;
        }
        ReviewQueue queue = ReviewQueue.findById(queueId);
        if (queue == null || !queue.experimentId.equals(experiment.id)) {
            throw ProblemException.notFound("No review queue " + queueId + " in experiment '" + experiment.name
                    + "'.");
        }
        return queue;
    }

    private static Rubric rubric(Experiment experiment, String name, ReviewQueue queue) {
        String folded = name.strip().toLowerCase(Locale.ROOT);
        if (folded.isEmpty()) {
            if (queue != null) {
                folded = queue.judgeName;
            } else {
                throw AgreementQuery.badRequest("name", "name is required: the judge (and rubric) name whose labels "
                        + "to compare" + available(experiment) + ".");
            }
        } else if (queue != null && !queue.judgeName.equals(folded)) {
            throw ProblemException.invalid("queue", "Review queue " + queue.id + " ('" + queue.name + "') labels '"
                    + queue.judgeName + "', not '" + AgreementQuery.abbreviate(name) + "'.");
        }
        String wanted = folded;
        return Rubric.findByName(experiment.id, wanted).orElseThrow(() -> ProblemException.notFound("No rubric "
                + "named '" + AgreementQuery.abbreviate(name) + "' in experiment '" + experiment.name + "'"
                + available(experiment) + "."));
    }

    private static String available(Experiment experiment) {
        List<String> names = Rubric.listForExperiment(experiment.id).stream().map(r -> r.name).toList();
        return names.isEmpty() ? "; the experiment has no rubric yet" : "; its names: " + String.join(", ", names);
    }

    private static RubricVersion requestedVersion(Rubric rubric, List<RubricVersion> versions, Integer version,
                                                  ReviewQueue queue) {
        if (version == null) {
            return null;
        }
        RubricVersion found = versions.stream().filter(v -> v.version == version).findFirst()
                .orElseThrow(() -> ProblemException.notFound("Rubric '" + rubric.name + "' has no version " + version
                        + "; its versions are 1 to " + versions.get(0).version + "."));
        if (queue != null && !found.id.equals(queue.rubricVersionId)) {
            int pinned = versions.stream().filter(v -> v.id.equals(queue.rubricVersionId)).findFirst()
                    .map(v -> v.version).orElse(0);
            throw ProblemException.invalid("rubric_version", "Review queue " + queue.id + " is pinned to rubric "
                    + "version " + pinned + ", so it has no labels under version " + version + ".");
        }
        return found;
    }
}
