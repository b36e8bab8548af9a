package dev.jury.alignment.memalign;

import dev.jury.alignment.AlignmentCancelledException;
import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentLog;
import dev.jury.alignment.AlignmentProgress;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeCalls;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.JudgeRunner;
import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.memory.Guideline;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.llm.embedded.TextEmbedder;
import dev.jury.rubrics.RubricSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * MemAlign (MLflow's {@code MemAlignOptimizer}): aligns a judge by giving it memory instead of searching for a
 * better prompt, so its cost grows with the labels, not with a search.
 *
 * <ol>
 *   <li><b>Base run</b> (with {@code score_base}): the base judge on every train example at the evaluation
 *   temperature — N judge calls — to learn where it disagrees with the experts.</li>
 *   <li><b>Semantic memory</b>: the feedback records (trace, consensus value, human rationale, the judge's value)
 *   in a seeded order, the judge's mistakes first, cut into batches of {@code distillation_batch_size}; one call of
 *   the reflection model per batch distils guidelines, each citing the records it came from. A guideline equal to
 *   one already held (after trimming, case-folding and collapsing spaces) or whose embedding has cosine similarity
 *   of at least {@link #DUPLICATE_SIMILARITY} with one is a duplicate: its sources are added to that one. At most
 *   {@code max_guidelines} are kept (the base version's count); once full, no further batch is distilled.</li>
 *   <li><b>Episodic memory</b>: the base memory's examples of traces outside the train split, then the train examples
 *   (all, or only the base judge's mistakes), recalled {@code retrieval_k} at a time at every judge call.</li>
 * </ol>
 *
 * <p>LLM calls: judge calls = N with {@code score_base}, else 0; distillation calls ≤ ⌈N / batch⌉. The result is not
 * scored on the train set (its memory holds the train set): the held-out "after" numbers are its proof. Deterministic
 * for one seed with a deterministic judge, reflection model and embedder: the only random draw is the order of the
 * feedback records, and distillation calls are made one at a time on the calling thread.
 */
public final class MemAlignOptimizer {

    public static final String NAME = "memalign";

    /**
     * Cosine similarity from which two guidelines count as the same (all-MiniLM-L6-v2 gives paraphrases of one rule
     * about 0.9 and different rules on one topic 0.5–0.8).
     */
    public static final double DUPLICATE_SIMILARITY = 0.90;

    private final MemAlignParameters parameters;
    private final JudgeRunner judge;
    private final DistillationModel model;
    private final TextEmbedder embedder;

    public MemAlignOptimizer(MemAlignParameters parameters, JudgeRunner judge, DistillationModel model,
                             TextEmbedder embedder) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.judge = Objects.requireNonNull(judge, "judge");
        this.model = Objects.requireNonNull(model, "model");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    /**
     * @param base   the judge version's instructions, demos and memory (kept; the new memory extends the base's)
     * @param rubric shown to the distillation model
     * @param train  the labelled train examples (at least one)
     */
    public AlignmentResult align(JudgeProgram base, RubricSpec rubric, List<AlignmentExample> train,
                                 AlignmentContext ctx) {
        Objects.requireNonNull(base, "base");
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("MemAlign needs at least one train example");
        }
        AlignmentLog log = ctx.log();
        long callsBefore = ctx.counters().judgeCalls();
        long cachedBefore = ctx.counters().cachedEvaluations();
        long reflectionBefore = ctx.counters().reflectionCalls();
        int n = train.size();
        long batchesMax = parameters.maxDistillationCalls(n);
        log.info(String.format(Locale.ROOT, "MemAlign: %d train examples; %s; up to %d guidelines distilled in "
                        + "batches of %d (at most %d distillation calls); episodic memory: %s, k = %d.", n,
                parameters.scoreBase() ? "the base judge is run on them first (" + n + " judge calls)"
                        : "the base judge is not run (no judge call)",
                parameters.maxGuidelines(), parameters.distillationBatchSize(), batchesMax,
                parameters.onlyMistakes() ? "the base judge's mistakes" : "every train example",
                parameters.retrievalK()));

        // 1. Where does the base judge disagree with the experts?
        Verdict[] verdicts = new Verdict[n];
        boolean[] wrong = new boolean[n];
        double baselineScore = Double.NaN;
        List<AlignmentResult.Finalist> finalists = new ArrayList<>();
        if (parameters.scoreBase()) {
            JudgeCalls calls = new JudgeCalls(judge, ctx, true);
            List<JudgeCalls.Call> batch = new ArrayList<>(n);
            for (AlignmentExample example : train) {
                batch.add(new JudgeCalls.Call(base, example, parameters.evaluationTemperature(), 0));
            }
            List<JudgeCalls.Run> runs = calls.run(batch);
            double sum = 0;
            int mistakes = 0;
            int errors = 0;
            for (int i = 0; i < n; i++) {
                JudgeCalls.Run run = runs.get(i);
                verdicts[i] = run.verdict();
                sum += run.score();
                wrong[i] = run.score() < 1.0 && !run.verdict().isError();
                mistakes += wrong[i] ? 1 : 0;
                errors += run.verdict().isError() ? 1 : 0;
                log.debug("Base judge on trace " + train.get(i).traceId() + ": " + (run.verdict().isError()
                        ? "error=" + run.verdict().error() : "value=" + run.verdict().value()) + " label="
                        + train.get(i).label() + " score=" + (run.score() >= 1.0 ? "1" : "0"));
            }
            baselineScore = sum / n;
            finalists.add(new AlignmentResult.Finalist(0, 0, baselineScore));
            log.info(String.format(Locale.ROOT, "Base judge agrees with the experts on %d of %d train traces (%s); "
                    + "%d mistakes%s.", Math.round(sum), n, fmt(baselineScore), mistakes,
                    errors > 0 ? ", " + errors + " failed calls (told to the distillation as unknown)" : ""));
        }

        // 2. Semantic memory: one distillation call per batch, mistakes first.
        List<Integer> order = order(n, wrong, new SplittableRandom(ctx.seed()));
        List<Guideline> guidelines = new ArrayList<>(base.memory() == null ? List.of() : base.memory().guidelines());
        int inherited = guidelines.size();
        List<float[]> vectors = new ArrayList<>();
        if (!guidelines.isEmpty() && parameters.maxGuidelines() > guidelines.size()) {
            vectors.addAll(embedder.embed(guidelines.stream().map(Guideline::text).toList()));
        }
        int batchSize = parameters.distillationBatchSize();
        int batches = parameters.maxGuidelines() == 0 ? 0 : (n + batchSize - 1) / batchSize;
        for (int b = 0; b < batches; b++) {
            if (guidelines.size() >= parameters.maxGuidelines()) {
                log.info(String.format(Locale.ROOT, "Semantic memory is full (%d guidelines); the %d remaining "
                        + "batches are not distilled.", guidelines.size(), batches - b));
                break;
            }
            ctx.checkCancelled();
            List<Integer> slice = order.subList(b * batchSize, Math.min(n, (b + 1) * batchSize));
            List<FeedbackRecord> records = new ArrayList<>(slice.size());
            for (int i : slice) {
                Verdict v = verdicts[i];
                boolean known = v != null && !v.isError();
                records.add(new FeedbackRecord(records.size() + 1, train.get(i), known ? v.value() : null,
                        known ? v.rationale() : null, known ? !wrong[i] : null));
            }
            long mistakes = records.stream().filter(r -> Boolean.FALSE.equals(r.judgeAgreed())).count();
            ctx.counters().countReflectionCall();
            List<DistilledGuideline> proposed;
            try {
                proposed = model.distill(new DistillationRequest(base.instructions(), rubric,
                        guidelines.stream().map(Guideline::text).toList(), records));
            } catch (AlignmentCancelledException e) {
                throw e;
            } catch (RuntimeException e) {
                log.info(String.format(Locale.ROOT, "Batch %d of %d (%d records, %d judge mistakes): the "
                                + "distillation call failed (%s); its guidelines are lost.", b + 1, batches,
                        records.size(), mistakes, e.getMessage() == null ? e.getClass().getSimpleName()
                                : e.getMessage()));
                ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.STEP, b + 1, batches, 0, 0));
                continue;
            }
            int added = merge(proposed == null ? List.of() : proposed, records, guidelines, vectors, log);
            log.info(String.format(Locale.ROOT, "Batch %d of %d (%d records, %d judge mistakes): %d guidelines "
                            + "proposed, %d new; semantic memory holds %d.", b + 1, batches, records.size(), mistakes,
                    proposed == null ? 0 : proposed.size(), added, guidelines.size()));
            ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.STEP, b + 1, batches, added,
                    guidelines.size()));
        }

        // 3. Episodic memory.
        Set<String> trainIds = new HashSet<>();
        train.forEach(e -> trainIds.add(e.traceId()));
        List<MemoryExample> examples = new ArrayList<>();
        if (base.memory() != null) {
            base.memory().examples().stream().filter(e -> !trainIds.contains(e.traceId())).forEach(examples::add);
        }
        int kept = examples.size();
        for (int i = 0; i < n; i++) {
            if (parameters.onlyMistakes() && !wrong[i]) {
                continue;
            }
            AlignmentExample e = train.get(i);
            examples.add(new MemoryExample(e.traceId(), e.inputs(), e.outputs(), e.expectations(), e.label(),
                    e.humanRationale()));
        }
        String weighting = base.memory() == null ? "similarity" : base.memory().weighting();
        JudgeMemory memory = new JudgeMemory(parameters.retrievalK(), weighting, examples, guidelines);
        JudgeProgram program = base.withMemory(memory);
        log.info(String.format(Locale.ROOT, "Memory: %s (%d examples kept from the base, %d guidelines inherited).",
                memory.describe(), kept, inherited));
        for (int g = 0; g < guidelines.size(); g++) {
            log.info("Guideline " + (g + 1) + ": " + guidelines.get(g).text() + " (from traces "
                    + String.join(", ", guidelines.get(g).sourceTraceIds()) + ")");
        }

        long judgeCalls = ctx.counters().judgeCalls() - callsBefore;
        long cached = ctx.counters().cachedEvaluations() - cachedBefore;
        long reflectionCalls = ctx.counters().reflectionCalls() - reflectionBefore;
        log.info(String.format(Locale.ROOT, "Calls: %d judge calls, %d distillation calls.", judgeCalls + cached,
                reflectionCalls));
        ctx.progress(new AlignmentProgress(AlignmentProgress.Phase.FINAL, Math.max(1, batches), Math.max(1, batches),
                guidelines.size(), guidelines.size()));
        long formula = parameters.judgeCalls(n);
        return new AlignmentResult(NAME, base, program, Double.NaN, baselineScore, List.of(), finalists,
                new AlignmentResult.Calls(judgeCalls, cached, reflectionCalls, formula, formula, batchesMax),
                ctx.logLines());
    }

    /** The record order: the judge's mistakes first, then the rest, each group shuffled with the seed. */
    static List<Integer> order(int n, boolean[] wrong, SplittableRandom random) {
        List<Integer> mistakes = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (wrong[i] ? mistakes : rest).add(i);
        }
        shuffle(mistakes, random);
        shuffle(rest, random);
        mistakes.addAll(rest);
        return mistakes;
    }

    /** Fisher–Yates from the end, as Python's {@code random.shuffle}. */
    private static void shuffle(List<Integer> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /**
     * Adds the proposed guidelines that are new, merges duplicates' sources into the one held, drops those citing no
     * record of the batch (MLflow drops them too) and those over the cap.
     *
     * @return how many were added
     */
    private int merge(List<DistilledGuideline> proposed, List<FeedbackRecord> records, List<Guideline> guidelines,
                      List<float[]> vectors, AlignmentLog log) {
        List<DistilledGuideline> usable = new ArrayList<>();
        Map<DistilledGuideline, List<String>> sources = new LinkedHashMap<>();
        for (DistilledGuideline p : proposed) {
            if (p.text().isBlank()) {
                continue;
            }
            List<String> ids = p.sourceIds().stream().filter(id -> id >= 1 && id <= records.size()).distinct()
                    .map(id -> records.get(id - 1).example().traceId()).toList();
            if (ids.isEmpty()) {
                log.info("Dropped a guideline that cites no record of its batch: " + p.text());
                continue;
            }
            usable.add(p);
            sources.put(p, ids);
        }
        if (usable.isEmpty()) {
            return 0;
        }
        List<float[]> proposedVectors = embedder.embed(usable.stream().map(DistilledGuideline::text).toList());
        int added = 0;
        for (int u = 0; u < usable.size(); u++) {
            DistilledGuideline p = usable.get(u);
            float[] vector = proposedVectors.get(u);
            int same = -1;
            String why = "";
            for (int g = 0; g < guidelines.size() && same < 0; g++) {
                if (normalise(guidelines.get(g).text()).equals(normalise(p.text()))) {
                    same = g;
                    why = "the same text as";
                }
            }
            for (int g = 0; g < guidelines.size() && same < 0; g++) {
                double similarity = g < vectors.size() ? TextEmbedder.similarity(vector, vectors.get(g)) : 0.0;
                if (similarity >= DUPLICATE_SIMILARITY) {
                    same = g;
                    why = String.format(Locale.ROOT, "similar (%.3f) to", similarity);
                }
            }
            if (same >= 0) {
                guidelines.set(same, guidelines.get(same).withSources(sources.get(p)));
                log.debug("Duplicate guideline, " + why + " guideline " + (same + 1) + ": " + p.text());
            } else if (guidelines.size() >= parameters.maxGuidelines()) {
                log.info("Dropped (semantic memory full, max_guidelines = " + parameters.maxGuidelines() + "): "
                        + p.text());
            } else {
                guidelines.add(new Guideline(p.text(), sources.get(p)));
                vectors.add(vector);
                added++;
            }
        }
        return added;
    }

    /** Trimmed, case-folded, runs of white space as one space: the exact-duplicate key. */
    static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
