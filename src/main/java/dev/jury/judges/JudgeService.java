package dev.jury.judges;

import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.ScoreScale;
import dev.jury.judges.templates.TemplateJudge;
import dev.jury.judges.templates.TemplateParams;
import dev.jury.labels.LabelNames;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.llm.LlmProviders;
import dev.jury.rubrics.RubricService;
import dev.jury.rubrics.RubricValues;
import dev.jury.rubrics.RubricVersion;
import dev.jury.security.AuditLog;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Judge definitions with MLflow {@code make_judge} semantics: creating a judge whose name exists adds its next
 * version. Keeps the {@code latest} alias on the newest version and records every change in the audit trail.
 * Its save steps resemble {@link dev.jury.rubrics.RubricService}'s and are kept apart on purpose (see there).
 */
@ApplicationScoped
@Transactional
public class JudgeService {

    static final String AUDIT_TARGET = "judge";

    @Inject
    ExperimentService experiments;

    @Inject
    RubricService rubrics;

    @Inject
    LlmProviders providers;

    @Inject
    AuditLog audit;

    /**
     * Version 1 of a new judge, or the next version of an existing one. The judge answers from the current version
     * of the rubric named like it; the new version's parent is the previous latest, whose demos it keeps (an edit of
     * the instructions must not silently drop what alignment taught the judge). Tags are not carried over: they
     * describe how a version was made.
     *
     * @param params raw inference parameters (JSON numbers or form text), may be {@code null}
     * @throws ProblemException 404 for an unknown experiment; 422 listing every problem by field ({@code name},
     *                          {@code instructions}, {@code model}, {@code inference_params[.x]})
     */
    public JudgeVersion create(String experimentName, String name, String instructions, String model,
                               Map<String, ?> params, String actor) {
        return create(experimentName, name, instructions, model, params, actor, true);
    }

    /**
     * As {@link #create(String, String, String, String, Map, String)}; with {@code requireProvider} false the
     * model's provider need not be configured yet (the demo data set: its runs then fail with "configure a
     * provider", naming the key to set).
     */
    public JudgeVersion create(String experimentName, String name, String instructions, String model,
                               Map<String, ?> params, String actor, boolean requireProvider) {
        return create(experimentName, name, instructions, model, params, null, actor, requireProvider);
    }

    /**
     * As {@link #create(String, String, String, String, Map, String, boolean)}. The new version keeps the template
     * and threshold of the previous one (an edited template judge still answers as its template does);
     * {@code threshold}, when not null, changes the threshold of a 1–5 judge.
     *
     * @throws ProblemException 422 ({@code threshold}) for a threshold on a judge that is not a 1–5 judge, or out of 1–5
     */
    public JudgeVersion create(String experimentName, String name, String instructions, String model,
                               Map<String, ?> params, Integer threshold, String actor, boolean requireProvider) {
        Experiment experiment = experiments.get(experimentName);
        List<Problem.FieldError> errors = new ArrayList<>();
        Optional<RubricVersion> rubric = Optional.empty();
        Optional<String> nameProblem = LabelNames.validate(name);
        if (nameProblem.isPresent()) {
            errors.add(Problem.FieldError.field("name", nameProblem.get()));
        } else {
            rubric = rubrics.findCurrent(experiment.id, name);
            if (rubric.isEmpty()) {
                errors.add(Problem.FieldError.field("name", "Create rubric '" + name + "' first: a judge answers from "
                        + "the rubric with its name (PUT /api/v1/experiments/" + experiment.name + "/rubrics/" + name
                        + ", or the Rubrics page of the experiment)."));
            }
        }
        Checked checked = check(instructions, model, params, requireProvider, errors);
        Optional<JudgeVersion> previous = nameProblem.isPresent() ? Optional.empty()
                : Judge.findByName(experiment.id, name).flatMap(j -> JudgeVersion.findLatest(j.id));
        String template = previous.map(v -> v.template).orElse(null);
        Integer scoreThreshold = previous.map(v -> v.scoreThreshold).orElse(null);
        if (threshold != null) {
            String problem = ScoreScale.problem(threshold);
            if (scoreThreshold == null) {
                errors.add(Problem.FieldError.field("threshold", "Only a 1–5 judge (made from template "
                        + JudgeTemplates.CUSTOM_SCORE + ") has a threshold."));
            } else if (problem != null) {
                errors.add(Problem.FieldError.field("threshold", problem));
            } else {
                scoreThreshold = threshold;
            }
        }
        if (!errors.isEmpty()) {
            throw refused(errors);
        }
        return persistVersion(experiment, name, instructions, checked, rubric.get(), template, scoreThreshold, false,
                actor);
    }

    /**
     * A judge made from a template of {@code judges.templates}: the template's rubric is saved under the judge's
     * name (its next version when the rubric exists and differs; nothing when it is the same), then the judge's
     * next version is made with the template's instructions — or {@code instructions} when given (the form shows
     * the template's text for editing) — and the template's key and threshold. The result is an ordinary judge.
     *
     * @param name the judge's name; blank means the template's key
     * @throws ProblemException 404 for an unknown experiment; 422 listing every problem by field ({@code template},
     *                          {@code name}, {@code instructions}, {@code model}, {@code inference_params[.x]},
     *                          {@code guidelines}, {@code criterion}, {@code threshold})
     */
    public JudgeVersion createFromTemplate(String experimentName, String templateKey, String name,
                                           String instructions, String model, Map<String, ?> params,
                                           TemplateParams templateParams, String actor) {
        Experiment experiment = experiments.get(experimentName);
        List<Problem.FieldError> errors = new ArrayList<>();
        JudgeTemplates.Instantiated made = JudgeTemplates.instantiate(templateKey, templateParams);
        made.problems().forEach(p -> errors.add(Problem.FieldError.field(p.field(), p.message())));
        String judgeName = name == null || name.isBlank() ? (made.ok() ? made.judge().template() : "") : name.strip();
        LabelNames.validate(judgeName).ifPresent(m -> errors.add(Problem.FieldError.field("name", m)));
        String text = instructions == null || instructions.isBlank()
                ? (made.ok() ? made.judge().instructions() : "") : instructions;
        Checked checked = check(text, model, params, true, errors);
        if (!errors.isEmpty()) {
            throw refused(errors);
        }
        TemplateJudge judge = made.judge();
        RubricVersion rubric = rubrics.save(experiment.name, judgeName, judge.rubric(), actor).version();
        return persistVersion(experiment, judgeName, text, checked, rubric, judge.template(), judge.threshold(), true,
                actor);
    }

    /** A validated model and inference parameters; null members when they were refused (errors then say why). */
    private record Checked(ModelUri model, InferenceParams params) {
    }

    private Checked check(String instructions, String model, Map<String, ?> params, boolean requireProvider,
                          List<Problem.FieldError> errors) {
        InstructionsTemplate.validate(instructions)
                .ifPresent(m -> errors.add(Problem.FieldError.field("instructions", m)));
        ModelUri modelUri = null;
        try {
            modelUri = ModelUri.parse(model);
            if (requireProvider) {
                providers.missingConfiguration(modelUri.provider()).ifPresent(m -> errors.add(Problem.FieldError.field("model", m)));
            }
        } catch (InvalidModelUriException e) {
            errors.add(Problem.FieldError.field("model", e.getMessage()));
        }
        InferenceParams inference = InferenceParams.none();
        try {
            inference = InferenceParams.parse(params);
        } catch (InvalidInferenceParamsException e) {
            e.errors().forEach((field, message) -> errors.add(Problem.FieldError.field(field, message)));
        }
        return new Checked(modelUri, inference);
    }

    /**
     * @param onlyMatchingDemos keep only the previous demos whose value the rubric allows (a template may have
     *                          changed the rubric's values)
     */
    private JudgeVersion persistVersion(Experiment experiment, String name, String instructions, Checked checked,
                                        RubricVersion rubric, String template, Integer scoreThreshold,
                                        boolean onlyMatchingDemos, String actor) {
        ModelUri modelUri = checked.model();
        InferenceParams inference = checked.params();
        Judge judge = Judge.findByNameForUpdate(experiment.id, name).orElseGet(() -> insert(experiment, name, actor));
        Optional<JudgeVersion> previous = JudgeVersion.findLatest(judge.id);
        int next = previous.map(v -> v.version + 1).orElse(1);
        List<Demo> demos = previous.map(JudgeVersion::demos).orElse(List.of());
        if (onlyMatchingDemos) {
            demos = demos.stream().filter(d -> RubricValues.match(rubric.spec(), d.value()).isPresent()).toList();
        }
        // An edit keeps what the previous version learned: its demos and its labelled memory.
        JudgeMemory memory = previous.map(JudgeVersion::memory).orElse(null);
        JudgeVersion version = JudgeVersion.of(judge, next, instructions, modelUri, inference, demos, memory,
                rubric, previous.orElse(null), Map.of(), actor).withTemplate(template, scoreThreshold);
        version.persist();
        moveAliasLocked(judge, JudgeAlias.LATEST, next, actor, null);
        audit.record(actor, next == 1 ? "judge.created" : "judge.version_created", AUDIT_TARGET,
                auditId(experiment.name, name), "Version " + next + ": model " + modelUri + ", rubric version "
                        + rubric.version + (inference.asMap().isEmpty() ? "" : ", " + inference.asMap())
                        + (template == null ? "" : ", template " + template)
                        + (scoreThreshold == null ? "" : ", score 1–5, yes above " + scoreThreshold)
                        + (demos.isEmpty() ? "" : ", " + demos.size() + " demos kept from version " + (next - 1))
                        + (memory == null ? "" : ", memory kept from version " + (next - 1) + " (" + memory.describe()
                        + ")"));
        return version;
    }

    /**
     * A new version derived from {@code parentId} (alignment's result): same judge, model, inference parameters and
     * rubric version as the parent, with new instructions, demos and tags. Not registered.
     *
     * @throws ProblemException 404 when the parent does not exist; 422 when the instructions are not a valid template
     *                          or a demo's value is not allowed by the parent's rubric version
     */
    public JudgeVersion deriveVersion(long parentId, String instructions, List<Demo> demos, Map<String, ?> tags,
                                      String actor) {
        JudgeVersion parent = JudgeVersion.<JudgeVersion>findByIdOptional(parentId)
                .orElseThrow(() -> ProblemException.notFound("No judge version with id " + parentId + "."));
        return deriveVersion(parentId, instructions, demos, parent.memory(), tags, actor);
    }

    /** As {@link #deriveVersion(long, String, List, Map, String)}, with the new version's labelled memory. */
    public JudgeVersion deriveVersion(long parentId, String instructions, List<Demo> demos, JudgeMemory memory,
                                      Map<String, ?> tags, String actor) {
        JudgeVersion parent = JudgeVersion.<JudgeVersion>findByIdOptional(parentId)
                .orElseThrow(() -> ProblemException.notFound("No judge version with id " + parentId + "."));
        InstructionsTemplate.validate(instructions).ifPresent(m -> {
            throw ProblemException.invalid("instructions", m);
        });
        var spec = parent.rubricVersion.spec();
        for (int i = 0; i < demos.size(); i++) {
            String value = demos.get(i).value();
            if (RubricValues.match(spec, value).isEmpty()) {
                throw ProblemException.invalid("demos[" + i + "].value", RubricValues.notAllowedMessage(spec, value));
            }
        }
        if (memory != null) {
            for (int i = 0; i < memory.examples().size(); i++) {
                String value = memory.examples().get(i).value();
                if (RubricValues.match(spec, value).isEmpty()) {
                    throw ProblemException.invalid("memory.examples[" + i + "].value",
                            RubricValues.notAllowedMessage(spec, value));
                }
            }
        }
        Judge judge = Judge.lock(parent.judge.id);
        int next = JudgeVersion.findLatest(judge.id).map(v -> v.version + 1).orElse(1);
        JudgeVersion version = JudgeVersion.of(judge, next, instructions, parent.modelUri(), parent.params(), demos,
                memory, parent.rubricVersion, parent, tags, actor).withTemplate(parent.template, parent.scoreThreshold);
        version.persist();
        moveAliasLocked(judge, JudgeAlias.LATEST, next, actor, null);
        Experiment experiment = Experiment.findById(judge.experimentId);
        audit.record(actor, "judge.version_created", AUDIT_TARGET, auditId(experiment.name, judge.name),
                "Version " + next + " derived from version " + parent.version + ": " + demos.size() + " demos"
                        + (memory == null || memory.isEmpty() ? "" : ", memory of " + memory.describe())
                        + (tags == null || tags.isEmpty() ? "" : ", tags " + new TreeMap<>(tags)));
        return version;
    }

    /** The most expert-chosen examples (demos) a version holds. */
    public static final int MAX_EXAMPLES = 5;

    /**
     * The outcome of {@link #addExample}: the new version, and advice when its examples do not yet show both sides.
     *
     * @param warning e.g. "add at least one no example"; null when the examples hold a passing and a failing value
     */
    public record ExampleAdded(JudgeVersion version, String warning) {
    }

    /**
     * "Use as example for judge X": the judge's next version, derived from the latest, with {@code example} added to
     * its demos (an expert's label on a trace, shown to the judge under "Examples of correct assessments").
     * Everything else is kept, so alignment and the registry treat it like any version. Audited as
     * {@code judge.example_added}.
     *
     * @param traceId where the example comes from, recorded in the version's tags
     * @throws ProblemException 404 for an unknown experiment or judge; 422 when the value is not allowed by the
     *                          judge's rubric version ({@code value}) or the latest version already holds
     *                          {@value #MAX_EXAMPLES} examples ({@code demos})
     */
    public ExampleAdded addExample(String experimentName, String name, Demo example, long traceId, String actor) {
        JudgeVersion latest = resolve(experimentName, name, JudgeAlias.LATEST);
        var spec = latest.rubricVersion.spec();
        Optional<String> value = RubricValues.canonical(spec, example.value());
        if (value.isEmpty()) {
            throw ProblemException.invalid("value", RubricValues.notAllowedMessage(spec, example.value()));
        }
        List<Demo> demos = new ArrayList<>(latest.demos());
        if (demos.size() >= MAX_EXAMPLES) {
            throw ProblemException.invalid("demos", "Version " + latest.version + " of judge '" + name + "' already "
                    + "has " + demos.size() + " examples, the most a version holds; the judge page's versions show "
                    + "them.");
        }
        demos.add(new Demo(example.inputs(), example.outputs(), example.expectations(), value.get(),
                example.rationale() == null ? "" : example.rationale().strip()));
        Map<String, Object> tags = new java.util.LinkedHashMap<>();
        tags.put("example_added_from_trace", traceId);
        tags.put("base_version", latest.version);
        JudgeVersion created = deriveVersion(latest.id, latest.instructions, demos, latest.memory(), tags, actor);
        audit.record(actor, "judge.example_added", AUDIT_TARGET, auditId(experimentName, name), "Version "
                + created.version + " adds the example of trace " + traceId + " (" + value.get() + ") to the "
                + (demos.size() - 1) + " of version " + latest.version);
        boolean passing = demos.stream().anyMatch(d -> RubricValues.match(spec, d.value()).map(l -> !l.negative())
                .orElse(false));
        boolean failing = demos.stream().anyMatch(d -> RubricValues.match(spec, d.value()).map(l -> l.negative())
                .orElse(false));
        String warning = passing && failing ? null : "Version " + created.version + " has " + demos.size()
                + (demos.size() == 1 ? " example" : " examples") + ", none " + (passing ? "failing (e.g. no)"
                : "passing (e.g. yes)") + ": add at least one yes and one no example so the judge sees both sides.";
        return new ExampleAdded(created, warning);
    }

    /**
     * "Forget": the next version of the judge, made from {@code version} without the memory examples of
     * {@code traceIds} and without the guidelines whose text is in {@code guidelines}; instructions, demos, k and
     * everything else are kept. No LLM call; the source version is not touched. Audited as {@code judge.memory_forgotten}.
     *
     * @throws ProblemException 404 for an unknown experiment, judge or version; 422 when the version has no memory,
     *                          nothing is chosen, or a chosen trace id or guideline is not in the memory
     */
    public JudgeVersion forget(String experimentName, String name, String version, List<String> traceIds,
                               List<String> guidelines, String actor) {
        JudgeVersion source = resolve(experimentName, name, version);
        JudgeMemory memory = source.memory();
        if (memory == null || memory.isEmpty()) {
            throw ProblemException.invalid("version", "Version " + source.version + " of judge '" + name
                    + "' has no memory to forget from.");
        }
        List<String> traces = traceIds == null ? List.of() : traceIds.stream().filter(java.util.Objects::nonNull)
                .map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
        List<String> texts = guidelines == null ? List.of() : guidelines.stream().filter(java.util.Objects::nonNull)
                .map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
        if (traces.isEmpty() && texts.isEmpty()) {
            throw ProblemException.invalid("trace_ids", "Choose the memory examples (trace_ids) or guidelines to "
                    + "forget.");
        }
        List<dev.jury.web.Problem.FieldError> errors = new java.util.ArrayList<>();
        java.util.Set<String> held = new java.util.HashSet<>();
        memory.examples().forEach(e -> held.add(e.traceId()));
        List<String> unknownTraces = traces.stream().filter(t -> !held.contains(t)).toList();
        if (!unknownTraces.isEmpty()) {
            errors.add(dev.jury.web.Problem.FieldError.field("trace_ids", "Not in the memory of version "
                    + source.version + ": trace " + String.join(", ", unknownTraces.stream().limit(20)
                    .map(JudgeService::abbreviate).toList()) + (unknownTraces.size() > 20 ? ", …" : "") + "."));
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        memory.guidelines().forEach(g -> known.add(g.text()));
        List<String> unknownTexts = texts.stream().filter(t -> !known.contains(t)).toList();
        if (!unknownTexts.isEmpty()) {
            errors.add(dev.jury.web.Problem.FieldError.field("guidelines", "Not a guideline of version "
                    + source.version + ": '" + abbreviate(unknownTexts.get(0)) + "'"
                    + (unknownTexts.size() > 1 ? " and " + (unknownTexts.size() - 1) + " more" : "") + "."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.get(0).message(), errors);
        }
        JudgeMemory kept = memory.forget(traces, texts);
        Map<String, Object> tags = new java.util.LinkedHashMap<>();
        tags.put("memory_change", "forget");
        tags.put("base_version", source.version);
        tags.put("forgotten_examples", traces.size());
        tags.put("forgotten_guidelines", texts.size());
        tags.put("memory_examples", kept.size());
        JudgeVersion created = deriveVersion(source.id, source.instructions, source.demos(),
                kept.isEmpty() ? null : kept, tags, actor);
        audit.record(actor, "judge.memory_forgotten", AUDIT_TARGET, auditId(experimentName, source.judge.name),
                "Version " + created.version + " forgets, from version " + source.version + ", the examples of "
                        + (traces.isEmpty() ? "no trace" : "traces " + String.join(", ", traces)) + " and "
                        + texts.size() + (texts.size() == 1 ? " guideline" : " guidelines")
                        + (texts.isEmpty() ? "" : ": " + String.join(" | ", texts)));
        return created;
    }

    /**
     * Points {@code alias} of the judge at {@code version}, recording the move in the alias history and the audit
     * trail (the registry uses this for {@code registered}; creating versions moves {@code latest}).
     *
     * @throws ProblemException 404 for an unknown judge or version; 422 for an unknown alias
     */
    public JudgeAlias moveAlias(String experimentName, String name, String alias, int version, String actor) {
        return moveAlias(experimentName, name, alias, version, actor, null);
    }

    /**
     * As {@link #moveAlias(String, String, String, int, String)}; {@code rollbackOf} names the earlier move (a
     * {@link JudgeAliasHistory} id) that this move undoes, so the registry can walk back through registrations.
     */
    public JudgeAlias moveAlias(String experimentName, String name, String alias, int version, String actor,
                                Long rollbackOf) {
        if (!JudgeAlias.ALL.contains(alias)) {
            throw ProblemException.invalid("alias", "'" + alias + "' is not an alias; aliases are "
                    + String.join(", ", JudgeAlias.ALL) + ".");
        }
        Experiment experiment = experiments.get(experimentName);
        Judge judge = Judge.findByNameForUpdate(experiment.id, name)
                .orElseThrow(() -> notFound(experimentName, name));
        JudgeVersion.findVersion(judge.id, version).orElseThrow(() -> ProblemException.notFound(
                "Judge '" + name + "' in experiment '" + experimentName + "' has no version " + version + "."));
        Integer from = JudgeAlias.findFor(judge.id, alias).map(a -> a.version).orElse(null);
        JudgeAlias moved = moveAliasLocked(judge, alias, version, actor, rollbackOf);
        audit.record(actor, rollbackOf == null ? "judge.alias_moved" : "judge.alias_rolled_back", AUDIT_TARGET,
                auditId(experimentName, name), "Alias '" + alias + "' "
                        + (rollbackOf == null ? "moved " : "rolled back ")
                        + (from == null ? "to" : "from version " + from + " to") + " version " + version);
        return moved;
    }

    /**
     * The version {@code selector} names: {@code registered}, {@code latest}, a number, or — when blank — the
     * registered version if there is one, else the latest.
     *
     * @throws ProblemException 404 naming the judge or version that does not exist
     */
    @Transactional(TxType.SUPPORTS)
    public JudgeVersion resolve(String experimentName, String name, String selector) {
        Judge judge = judge(experimentName, name);
        String s = selector == null ? "" : selector.strip();
        if (s.isEmpty()) {
            return aliased(judge, JudgeAlias.REGISTERED).or(() -> aliased(judge, JudgeAlias.LATEST))
                    .orElseThrow(() -> new IllegalStateException("judge " + judge.id + " has no versions"));
        }
        if (s.equals(JudgeAlias.REGISTERED)) {
            return aliased(judge, JudgeAlias.REGISTERED).orElseThrow(() -> ProblemException.notFound(
                    "judge '" + name + "' has no registered version (in experiment '" + experimentName
                            + "'); register one, or ask for ?version=latest."));
        }
        if (s.equals(JudgeAlias.LATEST)) {
            return aliased(judge, JudgeAlias.LATEST)
                    .orElseThrow(() -> new IllegalStateException("judge " + judge.id + " has no latest alias"));
        }
        Optional<JudgeVersion> numbered = Optional.empty();
        if (s.matches("[0-9]{1,9}")) {
            numbered = JudgeVersion.findVersion(judge.id, Integer.parseInt(s));
        }
        return numbered.orElseThrow(() -> ProblemException.notFound("Judge '" + name + "' in experiment '"
                + experimentName + "' has no version '" + abbreviate(s) + "'; use registered, latest or a version "
                + "number."));
    }

    /** All versions of a judge, newest first. */
    @Transactional(TxType.SUPPORTS)
    public List<JudgeVersion> versions(String experimentName, String name) {
        return JudgeVersion.listVersions(judge(experimentName, name).id);
    }

    /** The latest version of every judge of the experiment, by name. */
    @Transactional(TxType.SUPPORTS)
    public List<JudgeVersion> listLatest(String experimentName) {
        Experiment experiment = experiments.get(experimentName);
        return JudgeVersion.list("from JudgeVersion v join fetch v.judge j join fetch v.rubricVersion"
                + " where j.experimentId = ?1 and v.version = (select a.version from JudgeAlias a"
                + " where a.judgeId = j.id and a.alias = ?2) order by j.name", experiment.id, JudgeAlias.LATEST);
    }

    /** The aliases pointing at each version of a judge: version → aliases (sorted). */
    @Transactional(TxType.SUPPORTS)
    public Map<Integer, List<String>> aliases(long judgeId) {
        Map<Integer, List<String>> byVersion = new TreeMap<>();
        for (JudgeAlias a : JudgeAlias.listFor(judgeId)) {
            byVersion.computeIfAbsent(a.version, v -> new ArrayList<>()).add(a.alias);
        }
        return byVersion;
    }

    /** The judge, or a 404 problem naming it. */
    @Transactional(TxType.SUPPORTS)
    public Judge judge(String experimentName, String name) {
        Experiment experiment = experiments.get(experimentName);
        return Judge.findByName(experiment.id, name).orElseThrow(() -> notFound(experimentName, name));
    }

    /** The key of a judge's events in the audit trail. */
    public static String auditId(String experimentName, String name) {
        return experimentName + "/" + name;
    }

    static ProblemException notFound(String experimentName, String name) {
        return ProblemException.notFound("No judge named '" + abbreviate(name) + "' in experiment '" + experimentName
                + "'.");
    }

    private static Optional<JudgeVersion> aliased(Judge judge, String alias) {
        return JudgeAlias.findFor(judge.id, alias).flatMap(a -> JudgeVersion.findVersion(judge.id, a.version));
    }

    /** Moves an alias of a judge whose row this transaction has locked. */
    private static JudgeAlias moveAliasLocked(Judge judge, String alias, int version, String actor,
                                              Long rollbackOf) {
        Instant now = Instant.now();
        Optional<JudgeAlias> existing = JudgeAlias.findFor(judge.id, alias);
        JudgeAlias row = existing.orElseGet(() -> {
            var a = new JudgeAlias();
            a.judgeId = judge.id;
            a.alias = alias;
            return a;
        });
        Integer from = existing.map(a -> a.version).orElse(null);
        if (from != null && from == version) {
            return row; // already there: not a move, nothing to record
        }
        row.version = version;
        row.setBy = actor;
        row.setAt = now;
        row.persist();
        JudgeAliasHistory.of(judge.id, alias, from, version, actor, now, rollbackOf).persist();
        return row;
    }

    private static Judge insert(Experiment experiment, String name, String actor) {
        Judge judge = Judge.create(experiment.id, name, actor);
        try {
            judge.persistAndFlush();
        } catch (ConstraintViolationException e) {
            // another request created the same judge between our lookup and insert
            throw ProblemException.conflict("Judge '" + name + "' was created by someone else at the same moment; "
                    + "send the request again to add your definition as its next version.");
        }
        return judge;
    }

    private static ProblemException refused(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).message()
                : "The judge was not saved: " + errors.size() + " problems, first: " + errors.get(0).message();
        return ProblemException.invalid(detail, errors);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
