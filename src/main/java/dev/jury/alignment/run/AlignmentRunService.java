package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.dataset.DataSet;
import dev.jury.alignment.dataset.DataSetRequest;
import dev.jury.alignment.dataset.DataSetService;
import dev.jury.alignment.dataset.DataSetSummary;
import dev.jury.alignment.live.Plugins;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.jobs.Job;
import dev.jury.jobs.JobLog;
import dev.jury.jobs.JobService;
import dev.jury.jobs.JobStatus;
import dev.jury.judges.InvalidModelUriException;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.ModelUri;
import dev.jury.llm.LlmProviders;
import dev.jury.rubrics.Rubric;
import dev.jury.rubrics.RubricVersion;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starting, reading and cancelling alignment runs; the data-set preview. The work is {@link AlignmentHandler}. */
@ApplicationScoped
@Transactional
public class AlignmentRunService {

    public static final double MIN_HELDOUT_FRACTION = 0.05;
    public static final double MAX_HELDOUT_FRACTION = 0.5;
    public static final long DEFAULT_SEED = 42;

    /** A start request (API body or form). Every field is optional. */
    public record StartRequest(String baseVersion, String optimizer, Map<String, Object> params,
                               String reflectionModel, Long seed, Double heldoutFraction, Boolean rebalance,
                               Integer rubricVersion) {
        public static StartRequest empty() {
            return new StartRequest(null, null, null, null, null, null, null, null);
        }
    }

    /** A start request checked against the judge, the optimizer and the configuration. */
    public record Settings(JudgeVersion base, Optimizer optimizer, Map<String, Number> params, String reflectionModel,
                           long seed, double heldoutFraction, boolean rebalance, Integer rubricVersion) {
    }

    public record Started(long runId, long jobId) {
    }

    /** What the preview shows before a run: the base version, the data set, the call budget of the default run. */
    public record Preview(String experiment, String judge, int baseVersion, String baseModel, DataSetSummary dataSet,
                          List<Integer> rubricVersions, String defaultReflectionModel) {
    }

    /** A run with what its pages and JSON need around it. */
    public record RunDetails(AlignmentRun run, Job job, String experiment, String judge, int baseVersion,
                             Integer resultVersion) {

        /**
         * The run's own status, unless its job ended without the handler saying so (cancelled while queued, crash),
         * or the handler has finished the run but its job has not yet made its final write: the last log lines and
         * progress come with that write, so a run shown finished always shows its whole log.
         */
        public JobStatus status() {
            if (job != null && run.status.isFinished() != job.status.isFinished()) {
                return job.status;
            }
            return run.status;
        }

        public boolean active() {
            return !status().isFinished();
        }

        public String compareUrl() {
            return resultVersion == null ? null : "/experiments/" + experiment + "/judges/" + judge + "/compare?a="
                    + baseVersion + "&b=" + resultVersion;
        }
    }

    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    DataSetService dataSets;

    @Inject
    Optimizers optimizers;

    @Inject
    LlmProviders models;

    @Inject
    LlmProviders providers;

    @Inject
    JobService jobs;

    @Inject
    ObjectMapper json;

    /**
     * Checks the request, builds the data set and enqueues the run.
     *
     * @throws ProblemException 404 for an unknown experiment, judge or version; 422 naming every bad field, or the
     *                          data-set refusals (extension {@code refusals}, and {@code data_set} with the numbers)
     */
    public Started start(String experiment, String name, StartRequest request, String actor) {
        Settings s = settings(experiment, name, request == null ? StartRequest.empty() : request);
        DataSet ds = dataSets.build(s.base(), s.rubricVersion(), s.rebalance(), s.heldoutFraction(), s.seed());
        if (!ds.ready()) {
            throw refused(ds);
        }
        AlignmentRun run = new AlignmentRun();
        run.optimizer = s.optimizer().name();
        run.params = json.valueToTree(s.params());
        run.reflectionModel = s.reflectionModel();
        run.seed = s.seed();
        run.heldoutFraction = s.heldoutFraction();
        run.rebalance = s.rebalance();
        run.rubricVersion = s.rubricVersion();
        return enqueue(run, experiment, s.base(), ds, actor);
    }

    /** Stores {@code run} (its optimizer settings filled in) as queued on {@code base} and enqueues its job. */
    private Started enqueue(AlignmentRun run, String experiment, JudgeVersion base, DataSet ds, String actor) {
        run.experimentId = base.judge.experimentId;
        run.judgeId = base.judge.id;
        run.baseVersionId = base.id;
        run.status = JobStatus.QUEUED;
        run.dataSet = json.valueToTree(ds);
        run.createdBy = actor;
        run.createdAt = Instant.now();
        run.persist();
        ObjectNode payload = json.createObjectNode();
        payload.put("alignment_run_id", run.id);
        payload.put("experiment", experiment);
        payload.put("judge", base.judge.name);
        payload.put("base_version", base.version);
        payload.put("optimizer", run.optimizer);
        run.jobId = jobs.enqueue(AlignmentHandler.TYPE, payload, 0, actor);
        return new Started(run.id, run.jobId);
    }

    /**
     * "Add new labels to memory": enqueues a {@code memory-add} run that makes the next version from {@code version}
     * with the consensus labels (the alignment data set's rules: current, valid, strict majority or adjudication) of
     * the traces not yet in its memory, and scores both on the held-out traces. The held-out traces are those of the
     * alignment run that made {@code version} (tag {@code alignment_run_id}), so before/after stay comparable and they
     * never enter the memory; a version made otherwise holds out a fresh seeded split of the traces not in its memory.
     *
     * @throws ProblemException 404 for an unknown experiment, judge or version; 422 when the version has no memory,
     *                          there is no new consensus label, no held-out trace, or the judge's model cannot be called
     */
    public Started addToMemory(String experiment, String name, String version, String actor) {
        return addToMemory(experiment, name, version, false, null, actor);
    }

    /**
     * As {@link #addToMemory(String, String, String, String)}; with {@code distil}, the run also distils guidelines
     * from the new labels through the reflection model ({@code reflectionModel}, else
     * {@code jury.alignment.reflection-model}, else the judge's model): MemAlign with no judge call and one batch
     * holding every new label (at most 500 a call), guidelines capped at the larger of 20 and the version's count.
     */
    public Started addToMemory(String experiment, String name, String version, boolean distil, String reflectionModel,
                               String actor) {
        if (version == null || !version.strip().matches("[0-9]{1,9}")) {
            throw ProblemException.notFound("Judge '" + name + "' in experiment '" + experiment + "' has no version '"
                    + (version == null ? "" : version.length() > 20 ? version.substring(0, 20) + "…" : version)
                    + "'.");
        }
        JudgeVersion base = judges.resolve(experiment, name, version.strip());
        var memory = base.memory();
        if (memory == null || memory.isEmpty() || memory.examples().isEmpty()) {
            throw ProblemException.invalid("version", "Version " + base.version + " of judge '" + base.judge.name
                    + "' has no labelled memory to add to; align it with memalign or few-shot first.");
        }
        models.missingConfiguration(base.modelUri().provider()).ifPresent(m -> {
            throw ProblemException.invalid("model", "The judge's model cannot be called: " + m);
        });
        AlignmentRun origin = base.tags == null || !(base.tags.get("alignment_run_id") instanceof Number id) ? null
                : AlignmentRun.findById(id.longValue());
        long seed = origin == null ? DEFAULT_SEED : origin.seed;
        double fraction = origin == null ? DataSetRequest.DEFAULT_HELDOUT_FRACTION : origin.heldoutFraction;
        DataSet now = dataSets.build(base, origin == null ? null : origin.rubricVersion, false, fraction, seed);
        java.util.Set<Long> heldoutIds = new java.util.HashSet<>();
        if (origin != null) {
            try {
                json.treeToValue(origin.dataSet, DataSet.class).heldout().forEach(i -> heldoutIds.add(i.traceId()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("alignment run " + origin.id + " has an unreadable data set", e);
            }
        } else {
            now.heldout().forEach(i -> heldoutIds.add(i.traceId()));
        }
        java.util.Set<String> inMemory = new java.util.HashSet<>();
        memory.examples().forEach(e -> inMemory.add(e.traceId()));
        List<DataSet.Item> heldout = now.items().stream().filter(i -> heldoutIds.contains(i.traceId())
                && !inMemory.contains(String.valueOf(i.traceId()))).toList();
        List<DataSet.Item> additions = now.items().stream().filter(i -> !heldoutIds.contains(i.traceId())
                && !inMemory.contains(String.valueOf(i.traceId()))).toList();
        if (additions.isEmpty()) {
            throw ProblemException.invalid("version", "No new consensus label to add: the " + now.items().size()
                    + " traces with a consensus label named '" + base.judge.name + "' are in the memory of version "
                    + base.version + " or held out" + (now.disagreements() == 0 ? "" : " (" + now.disagreements()
                    + " traces in disagreement were left out)") + ".");
        }
        if (heldout.isEmpty()) {
            throw ProblemException.invalid("version", "No held-out trace with a consensus label is left to score "
                    + "version " + base.version + " and its successor on; nothing was added.");
        }
        List<String> warnings = new ArrayList<>();
        if (heldout.size() < DataSetRequest.MIN_HELDOUT) {
            warnings.add("Only " + heldout.size() + " held-out traces: the before/after numbers are noisy.");
        }
        List<DataSet.Item> items = new ArrayList<>(additions);
        items.addAll(heldout);
        items.sort(java.util.Comparator.comparingLong(DataSet.Item::traceId));
        DataSet ds = new DataSet(now.name(), now.candidates(), items, now.excluded(), now.ignoredLabels(),
                now.supersededLabels(), now.classes(), now.negatives(), now.positives(), now.labelsPerRubricVersion(),
                now.rubricVersion(), null, additions, heldout, now.alpha(), now.alphaLevel(), now.alphaNote(),
                List.of(), warnings);

        double temperature = origin != null && origin.params != null
                && origin.params.has(Plugins.EVALUATION_TEMPERATURE)
                ? origin.params.get(Plugins.EVALUATION_TEMPERATURE).asDouble() : Plugins.evaluationTemperature(base);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(Plugins.EVALUATION_TEMPERATURE, temperature);
        String reflection = null;
        if (distil) {
            reflection = blank(reflectionModel) ? providers.defaultReflectionModel().orElse(base.model)
                    : reflectionModel.strip();
            try {
                ModelUri uri = ModelUri.parse(reflection);
                reflection = uri.toString();
                if (LlmProviders.isEmbedded(reflection)) {
                    throw ProblemException.invalid("reflection_model", "Distilling needs an LLM as the reflection "
                            + "model; " + reflection + " is the small offline judge.");
                }
                String named = reflection;
                models.missingConfiguration(uri.provider()).ifPresent(m -> {
                    throw ProblemException.invalid("reflection_model", "The reflection model " + named
                            + " cannot be called: " + m);
                });
            } catch (InvalidModelUriException e) {
                throw ProblemException.invalid("reflection_model", e.getMessage());
            }
            params.put("retrieval_k", memory.k());
            params.put("max_guidelines", Math.min(200, Math.max(20, memory.guidelines().size())));
            params.put("distillation_batch_size", Math.max(1, Math.min(500, additions.size())));
            params.put("score_base", 0);
            params.put("only_mistakes", 0);
            params.put("seed", seed);
        }
        AlignmentRun run = new AlignmentRun();
        run.optimizer = MemoryAddition.NAME;
        run.params = json.valueToTree(params);
        run.reflectionModel = reflection;
        run.seed = seed;
        run.heldoutFraction = fraction;
        run.rebalance = false;
        run.rubricVersion = origin == null ? null : origin.rubricVersion;
        return enqueue(run, experiment, base, ds, actor);
    }

    /** The data set a run with these settings would use; never refuses (the refusals are in the preview). */
    @Transactional(TxType.SUPPORTS)
    public Preview preview(String experiment, String name, String baseVersion, Long seed, Double heldoutFraction,
                           Boolean rebalance, Integer rubricVersion) {
        JudgeVersion base = base(experiment, name, baseVersion);
        List<Problem.FieldError> errors = new ArrayList<>();
        double fraction = heldoutFraction(heldoutFraction, errors);
        Integer version = rubricVersion(base, rubricVersion, errors);
        if (seed != null && seed < 0) {
            errors.add(Problem.FieldError.field("seed", "seed must be 0 or more, got " + seed));
        }
        if (!errors.isEmpty()) {
            throw refusedFields(errors);
        }
        DataSet ds = dataSets.build(base, version, rebalance != null && rebalance, fraction,
                seed == null ? DEFAULT_SEED : seed);
        return new Preview(experiment, base.judge.name, base.version, base.model, DataSetSummary.of(ds),
                rubricVersions(base), providers.defaultReflectionModel().orElse(base.model));
    }

    /**
     * The request checked: base version (default latest), optimizer (default simba), its parameters (defaults filled
     * in; {@code evaluation_temperature} defaults to the base version's temperature), reflection model (request, else
     * {@code jury.alignment.reflection-model}, else the judge's model), seed, held-out fraction, rubric version.
     */
    @Transactional(TxType.SUPPORTS)
    public Settings settings(String experiment, String name, StartRequest request) {
        JudgeVersion base = base(experiment, name, request.baseVersion());
        Optimizer optimizer = optimizers.get(request.optimizer(), base);
        List<Problem.FieldError> errors = new ArrayList<>();

        Map<String, Object> raw = new LinkedHashMap<>(request.params() == null ? Map.of() : request.params());
        boolean hasSeed = optimizer.parameters().stream().anyMatch(p -> p.name().equals("seed"));
        if (request.seed() != null) {
            if (hasSeed) {
                raw.put("seed", request.seed());
            }
            if (request.seed() < 0) {
                errors.add(Problem.FieldError.field("seed", "seed must be 0 or more, got " + request.seed()));
            }
        }
        if (optimizer.parameters().stream().anyMatch(p -> p.name().equals(Plugins.EVALUATION_TEMPERATURE))
                && blank(raw.get(Plugins.EVALUATION_TEMPERATURE))) {
            raw.put(Plugins.EVALUATION_TEMPERATURE, Plugins.evaluationTemperature(base));
        }
        Map<String, Number> params = Map.of();
        try {
            params = optimizer.resolve(raw);
        } catch (IllegalArgumentException e) {
            String field = raw.keySet().stream().filter(k -> e.getMessage() != null && e.getMessage().startsWith(k))
                    .findFirst().map(k -> "params." + k).orElse("params");
            errors.add(Problem.FieldError.field(field, e.getMessage()));
        }
        long seed = request.seed() != null ? request.seed()
                : params.get("seed") != null ? params.get("seed").longValue() : DEFAULT_SEED;

        String reflection = null;
        if (optimizer.usesReflectionModel(params)) {
            reflection = blank(request.reflectionModel())
                    ? providers.defaultReflectionModel().orElse(base.model) : request.reflectionModel().strip();
            try {
                ModelUri uri = ModelUri.parse(reflection);
                reflection = uri.toString();
                if (LlmProviders.isEmbedded(reflection)) {
                    errors.add(Problem.FieldError.field("reflection_model", optimizer.name() + " needs an LLM as its "
                            + "reflection model, and " + reflection + " is the small offline judge, not an LLM. "
                            + "Choose few-shot (it learns into the offline judge's memory)"
                            + (optimizer.name().equals("memalign") ? ", or memalign with max_guidelines 0 (a memory "
                            + "of examples only)" : "") + ", or configure an LLM provider and name a reflection model "
                            + "(docs/llm.md)."));
                }
                models.missingConfiguration(uri.provider()).ifPresent(m -> errors.add(Problem.FieldError.field("reflection_model", m)));
            } catch (InvalidModelUriException e) {
                errors.add(Problem.FieldError.field("reflection_model", e.getMessage()));
            }
        }
        models.missingConfiguration(base.modelUri().provider()).ifPresent(m -> errors.add(Problem.FieldError.field("model",
                "The judge's model cannot be called: " + m)));
        double fraction = heldoutFraction(request.heldoutFraction(), errors);
        Integer version = rubricVersion(base, request.rubricVersion(), errors);
        if (!errors.isEmpty()) {
            throw refusedFields(errors);
        }
        return new Settings(base, optimizer, params, reflection, seed, fraction,
                request.rebalance() != null && request.rebalance(), version);
    }

    @Transactional(TxType.SUPPORTS)
    public RunDetails get(long runId) {
        List<Object[]> rows = runsWithJobs("r.id = ?1", runId, 1);
        if (rows.isEmpty()) {
            throw ProblemException.notFound("No alignment run with id " + runId + ".");
        }
        return details((AlignmentRun) rows.get(0)[0], (Job) rows.get(0)[1]);
    }

    /** The runs of a judge, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<RunDetails> list(String experiment, String name, int limit) {
        Judge judge = judges.judge(experiment, name);
        return runsWithJobs("r.judgeId = ?1", judge.id, Math.max(1, Math.min(limit, 200))).stream()
                .map(row -> details((AlignmentRun) row[0], (Job) row[1])).toList();
    }

    /**
     * Runs and their jobs in one statement, newest first. One statement reads one snapshot: the handler finishes the
     * run before its job, so a job read as finished comes with its finished run. Read one after the other, a run read
     * just before its last write and its job just after showed "Succeeded" without the new version or the held-out
     * table — and the page stops polling once the run is finished (seen in OfflineDemoBrowserTest).
     */
    private static List<Object[]> runsWithJobs(String where, long id, int limit) {
        return AlignmentRun.getEntityManager().createQuery("SELECT r, j FROM AlignmentRun r LEFT JOIN Job j"
                        + " ON j.id = r.jobId WHERE " + where + " ORDER BY r.id DESC", Object[].class)
                .setParameter(1, id).setMaxResults(limit).getResultList();
    }

    /**
     * The last {@code limit} lines of the run's log, oldest first; DEBUG lines (every trajectory and advice) only
     * when asked for.
     */
    @Transactional(TxType.SUPPORTS)
    public List<JobLog> log(RunDetails run, boolean debug, int limit) {
        if (run.run().jobId == null) {
            return List.of();
        }
        List<JobLog> newestFirst = debug
                ? JobLog.<JobLog>find("jobId = ?1 order by id desc", run.run().jobId).page(0, limit).list()
                : JobLog.<JobLog>find("jobId = ?1 and level <> ?2 order by id desc", run.run().jobId,
                JobLog.Level.DEBUG).page(0, limit).list();
        List<JobLog> lines = new ArrayList<>(newestFirst);
        Collections.reverse(lines);
        return lines;
    }

    /**
     * Cancels the run's job: a queued run is cancelled at once, a running one stops at its next LLM call and keeps its
     * log; no version is created.
     *
     * @throws ProblemException 404 for an unknown run, 409 for a finished one
     */
    public RunDetails cancel(long runId, String actor) {
        AlignmentRun run = AlignmentRun.findById(runId);
        if (run == null) {
            throw ProblemException.notFound("No alignment run with id " + runId + ".");
        }
        if (run.status.isFinished()) {
            throw ProblemException.conflict("Alignment run " + runId + " has already finished (" + run.status + ").");
        }
        Job job = jobs.cancel(run.jobId, actor);
        if (job.status == JobStatus.CANCELLED) {
            run.status = JobStatus.CANCELLED;
            run.outcome = "Cancelled by " + actor + " before it started.";
            run.finishedAt = Instant.now();
        }
        return details(run, job);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private RunDetails details(AlignmentRun run, Job job) {
        Judge judge = Judge.findById(run.judgeId);
        Experiment experiment = Experiment.findById(run.experimentId);
        JudgeVersion base = JudgeVersion.findById(run.baseVersionId);
        Integer result = run.resultVersionId == null ? null
                : JudgeVersion.<JudgeVersion>findByIdOptional(run.resultVersionId).map(v -> v.version).orElse(null);
        return new RunDetails(run, job, experiment.name, judge.name, base.version, result);
    }

    private JudgeVersion base(String experiment, String name, String selector) {
        return judges.resolve(experiment, name, blank(selector) ? "latest" : selector);
    }

    private static double heldoutFraction(Double given, List<Problem.FieldError> errors) {
        if (given == null) {
            return DataSetRequest.DEFAULT_HELDOUT_FRACTION;
        }
        if (!(given >= MIN_HELDOUT_FRACTION && given <= MAX_HELDOUT_FRACTION)) {
            errors.add(Problem.FieldError.field("heldout_fraction", "heldout_fraction must be between "
                    + MIN_HELDOUT_FRACTION + " and " + MAX_HELDOUT_FRACTION + ", got " + given));
            return DataSetRequest.DEFAULT_HELDOUT_FRACTION;
        }
        return given;
    }

    private static Integer rubricVersion(JudgeVersion base, Integer given, List<Problem.FieldError> errors) {
        if (given == null) {
            return null;
        }
        List<Integer> versions = rubricVersions(base);
        if (!versions.contains(given)) {
            errors.add(Problem.FieldError.field("rubric_version", "Rubric '" + base.judge.name + "' has no version "
                    + given + "; its versions are " + versions + "."));
            return null;
        }
        return given;
    }

    private static List<Integer> rubricVersions(JudgeVersion base) {
        Optional<Rubric> rubric = Rubric.findByName(base.judge.experimentId, base.judge.name);
        return rubric.map(r -> RubricVersion.listVersions(r.id).stream().map(v -> v.version).sorted().toList())
                .orElse(List.of(base.rubricVersion.version));
    }

    private ProblemException refused(DataSet ds) {
        List<Problem.FieldError> errors = ds.refusals().stream()
                .map(r -> Problem.FieldError.field(r.field(), r.message())).toList();
        String detail = String.join(" ", ds.refusals().stream().map(DataSet.Refusal::message).toList());
        JsonNode summary = json.valueToTree(DataSetSummary.of(ds));
        return new ProblemException(422, "Alignment data set refused", detail, errors,
                Map.of("refusals", json.valueToTree(ds.refusals()), "data_set", summary));
    }

    private static ProblemException refusedFields(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).message()
                : "The alignment was not started: " + errors.size() + " problems, first: " + errors.get(0).message();
        return ProblemException.invalid(detail, errors);
    }

    private static boolean blank(Object value) {
        return value == null || value instanceof String s && s.isBlank();
    }
}
