package dev.jury.alignment.memalign;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentFixtures;
import dev.jury.alignment.AlignmentFixtures.ScriptedJudge;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.memory.Guideline;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.judges.memory.MemoryIndex;
import dev.jury.llm.embedded.TextEmbedder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.function.Function;

import static dev.jury.alignment.AlignmentFixtures.BASE_INSTRUCTIONS;
import static dev.jury.alignment.AlignmentFixtures.YES_NO;
import static dev.jury.alignment.AlignmentFixtures.examples;
import static dev.jury.alignment.AlignmentFixtures.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MemAlign with a scripted judge, distillation model and embedder: no HTTP, no model weights. */
class MemAlignOptimizerTest {

    static final String REFUND_RULE = "Refund answers must name the receipt requirement.";

    /** Bag of words hashed into 64 dimensions: the same words in another order or case are the same vector. */
    static final TextEmbedder WORDS = new TextEmbedder() {
        @Override
        public String modelName() {
            return "bag-of-words";
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> vectors = new ArrayList<>();
            for (String text : texts) {
                float[] v = new float[64];
                for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                    if (!word.isEmpty()) {
                        v[Math.floorMod(word.hashCode(), 64)] += 1;
                    }
                }
                vectors.add(TextEmbedder.normalise(v));
            }
            return vectors;
        }
    };

    /** A distillation model that records its requests and answers with a function of them. */
    static final class ScriptedDistiller implements DistillationModel {
        final List<DistillationRequest> requests = new ArrayList<>();
        private final Function<DistillationRequest, List<DistilledGuideline>> script;

        ScriptedDistiller(Function<DistillationRequest, List<DistilledGuideline>> script) {
            this.script = script;
        }

        @Override
        public synchronized List<DistilledGuideline> distill(DistillationRequest request) {
            requests.add(request);
            return script.apply(request);
        }
    }

    /** Proposes the refund rule, citing every refund record of the batch the judge got wrong. */
    static List<DistilledGuideline> refundRule(DistillationRequest request) {
        List<Integer> ids = request.records().stream()
                .filter(r -> kind(r.example()).equals("refund") && Boolean.FALSE.equals(r.judgeAgreed()))
                .map(FeedbackRecord::id).toList();
        return ids.isEmpty() ? List.of() : List.of(new DistilledGuideline(REFUND_RULE, ids));
    }

    /** Right on refund traces only with the refund rule in its memory; otherwise it says "yes". */
    static Verdict judge(JudgeProgram program, AlignmentExample example) {
        boolean knows = program.memory() != null && program.memory().guidelines().stream()
                .anyMatch(g -> g.text().equals(REFUND_RULE));
        if (kind(example).equals("refund")) {
            return knows ? AlignmentFixtures.right(example) : Verdict.of("yes", "looks fine");
        }
        return AlignmentFixtures.right(example);
    }

    static List<AlignmentExample> train(int n) {
        return examples(n, List.of("refund", "shipping", "billing"), List.of("no", "yes"));
    }

    static MemAlignParameters params(int k, int max, int batch, boolean score, boolean onlyMistakes) {
        return new MemAlignParameters(k, max, batch, score, onlyMistakes, 0.0);
    }

    static AlignmentContext ctx(long seed) {
        return AlignmentContext.builder().seed(seed).build();
    }

    @Test
    void oneDistillationCallPerBatchMistakesFirstAndTheCallBudgetHolds() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> judge(p, e));
        ScriptedDistiller distiller = new ScriptedDistiller(MemAlignOptimizerTest::refundRule);
        List<AlignmentExample> train = train(12);
        MemAlignParameters params = params(5, 20, 5, true, false);
        AlignmentResult result = new MemAlignOptimizer(params, judge, distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train, ctx(42));

        // N judge calls for the base run, ⌈12 / 5⌉ = 3 distillation calls of 5, 5 and 2 records
        assertEquals(12, judge.calls());
        assertEquals(3, distiller.requests.size());
        assertEquals(List.of(5, 5, 2), distiller.requests.stream().map(r -> r.records().size()).toList());
        assertEquals(new AlignmentResult.Calls(12, 0, 3, 12, 12, 3), result.calls());
        assertEquals(3, params.maxDistillationCalls(12));
        // refund traces labelled "no" are the judge's mistakes (t-01, t-07: kinds cycle by 3, labels by 2); they come first
        List<FeedbackRecord> first = distiller.requests.get(0).records();
        assertEquals(java.util.Set.of("t-01", "t-07"), java.util.Set.of(first.get(0).example().traceId(),
                first.get(1).example().traceId()));
        assertEquals(Boolean.FALSE, first.get(0).judgeAgreed());
        assertEquals("yes", first.get(0).judgeValue());
        assertTrue(first.subList(2, 5).stream().allMatch(r -> Boolean.TRUE.equals(r.judgeAgreed())));
        // the second call is told the guideline the first one found
        assertEquals(List.of(REFUND_RULE), distiller.requests.get(1).existingGuidelines());

        JudgeMemory memory = result.program().memory();
        assertEquals(List.of(new Guideline(REFUND_RULE, List.of(first.get(0).example().traceId(),
                first.get(1).example().traceId()))), memory.guidelines());
        assertEquals(12, memory.size(), "every train example enters episodic memory by default");
        assertEquals(5, memory.k());
        assertEquals(10.0 / 12, result.baselineTrainScore(), 1e-12);
        assertTrue(Double.isNaN(result.trainScore()), "the result is not scored on the train set it remembers");
        assertTrue(result.changed());
        assertTrue(result.log().stream().anyMatch(l -> l.message().startsWith("Guideline 1: " + REFUND_RULE)));
    }

    @Test
    void withoutTheBaseRunNoJudgeCallIsMade() {
        ScriptedJudge judge = new ScriptedJudge((p, e, t, s) -> judge(p, e));
        ScriptedDistiller distiller = new ScriptedDistiller(r -> List.of(new DistilledGuideline("Be strict.",
                List.of(1))));
        AlignmentResult result = new MemAlignOptimizer(params(5, 20, 50, false, false), judge, distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train(120), ctx(1));
        assertEquals(0, judge.calls());
        assertEquals(3, distiller.requests.size(), "⌈120 / 50⌉");
        assertTrue(distiller.requests.get(0).records().stream().allMatch(r -> r.judgeAgreed() == null));
        assertEquals(new AlignmentResult.Calls(0, 0, 3, 0, 0, 3), result.calls());
        assertTrue(Double.isNaN(result.baselineTrainScore()));
        assertEquals(1, result.program().memory().guidelines().size(), "the same text three times is one guideline");
        assertEquals(3, result.program().memory().guidelines().get(0).sourceTraceIds().size());
    }

    @Test
    void duplicatesByTextOrEmbeddingMergeTheirSources() {
        List<List<DistilledGuideline>> answers = List.of(
                List.of(new DistilledGuideline("Refunds need a receipt.", List.of(1)),
                        new DistilledGuideline("Shipping delays are not the answer's fault.", List.of(2))),
                List.of(new DistilledGuideline("  refunds NEED a   receipt. ", List.of(1)),      // same text
                        new DistilledGuideline("A receipt, refunds need!", List.of(2)),           // same words
                        new DistilledGuideline("Billing answers must quote the invoice number.", List.of(3))));
        int[] call = {0};
        ScriptedDistiller distiller = new ScriptedDistiller(r -> answers.get(call[0]++));
        List<AlignmentExample> train = train(6);
        AlignmentResult result = new MemAlignOptimizer(params(5, 20, 3, false, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)), distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train, ctx(7));

        List<Guideline> guidelines = result.program().memory().guidelines();
        assertEquals(List.of("Refunds need a receipt.", "Shipping delays are not the answer's fault.",
                "Billing answers must quote the invoice number."), guidelines.stream().map(Guideline::text).toList());
        List<String> batch1 = distiller.requests.get(0).records().stream().map(r -> r.example().traceId()).toList();
        List<String> batch2 = distiller.requests.get(1).records().stream().map(r -> r.example().traceId()).toList();
        assertEquals(List.of(batch1.get(0), batch2.get(0), batch2.get(1)), guidelines.get(0).sourceTraceIds());
        assertEquals(List.of(batch2.get(2)), guidelines.get(2).sourceTraceIds());
        assertTrue(MemAlignOptimizer.DUPLICATE_SIMILARITY > 0.5 && MemAlignOptimizer.DUPLICATE_SIMILARITY < 1.0);
    }

    @Test
    void theCapKeepsTheFirstAndStopsDistilling() {
        ScriptedDistiller distiller = new ScriptedDistiller(r -> List.of(
                new DistilledGuideline("One about refunds.", List.of(1)),
                new DistilledGuideline("Two about shipping.", List.of(1)),
                new DistilledGuideline("Three about billing.", List.of(1)),
                new DistilledGuideline("Cites nothing of the batch.", List.of(99))));
        AlignmentResult result = new MemAlignOptimizer(params(5, 2, 4, false, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)), distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train(12), ctx(3));
        assertEquals(List.of("One about refunds.", "Two about shipping."),
                result.program().memory().guidelines().stream().map(Guideline::text).toList());
        assertEquals(1, distiller.requests.size(), "a full semantic memory makes no further distillation call");
        assertTrue(result.log().stream().anyMatch(l -> l.message().contains("cites no record")));
    }

    @Test
    void maxGuidelinesZeroDistilsNothing() {
        ScriptedDistiller distiller = new ScriptedDistiller(MemAlignOptimizerTest::refundRule);
        AlignmentResult result = new MemAlignOptimizer(params(3, 0, 50, false, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)), distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train(10), ctx(3));
        assertTrue(distiller.requests.isEmpty());
        assertEquals(0, result.calls().reflectionCallBound());
        assertEquals(10, result.program().memory().size());
        assertTrue(result.program().memory().guidelines().isEmpty());
    }

    @Test
    void onlyMistakesEnterEpisodicMemoryAndTheBaseMemoryIsExtended() {
        MemoryExample old = new MemoryExample("old-1", AlignmentFixtures.JSON.createObjectNode().put("q", "old"),
                null, null, "yes", "kept");
        MemoryExample stale = new MemoryExample("t-01", null, null, null, "yes", "relabelled since");
        JudgeMemory baseMemory = new JudgeMemory(3, "uniform", List.of(old, stale),
                List.of(new Guideline("An inherited guideline.", List.of("old-1"))));
        AlignmentResult result = new MemAlignOptimizer(params(7, 20, 50, true, true),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)),
                new ScriptedDistiller(MemAlignOptimizerTest::refundRule), WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of(), baseMemory), YES_NO, train(12), ctx(5));
        JudgeMemory memory = result.program().memory();
        assertEquals(List.of("old-1", "t-01", "t-07"), memory.examples().stream().map(MemoryExample::traceId).toList(),
                "the base's examples outside the train split, then the judge's two mistakes with today's label");
        assertEquals("no", memory.examples().get(1).value());
        assertEquals(7, memory.k());
        assertEquals("uniform", memory.weighting());
        assertEquals(List.of("An inherited guideline.", REFUND_RULE),
                memory.guidelines().stream().map(Guideline::text).toList());
    }

    @Test
    void onlyMistakesNeedsTheBaseRun() {
        assertThrows(IllegalArgumentException.class, () -> params(5, 20, 50, false, true));
        assertThrows(IllegalArgumentException.class,
                () -> MemAlignParameters.from(java.util.Map.of("retrieval_k", 0)));
        MemAlignParameters defaults = MemAlignParameters.defaults();
        assertEquals(5, defaults.retrievalK());
        assertEquals(50, defaults.distillationBatchSize());
        assertTrue(defaults.scoreBase());
        assertFalse(defaults.onlyMistakes());
    }

    @Test
    void theRememberedExamplesNearestAnItemAreRecalled() {
        List<AlignmentExample> train = new ArrayList<>();
        String[] topics = {"refund receipt money back", "shipping parcel late courier", "invoice billing vat number"};
        for (int i = 0; i < 9; i++) {
            train.add(new AlignmentExample("t-" + i, AlignmentFixtures.JSON.createObjectNode()
                    .put("question", topics[i % 3] + " case " + i), null, null, i % 3 == 0 ? "no" : "yes", ""));
        }
        AlignmentResult result = new MemAlignOptimizer(params(3, 0, 50, false, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)), new ScriptedDistiller(r -> List.of()), WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train, ctx(5));
        JudgeMemory memory = result.program().memory();
        MemoryIndex index = new MemoryIndex(memory.examples(),
                WORDS.embed(memory.examples().stream().map(MemoryExample::text).toList()));
        List<MemoryIndex.Recalled> recalled = index.nearest(WORDS.embed("question: refund receipt money back please"),
                memory.k(), null);
        assertEquals(3, recalled.size());
        assertEquals(java.util.Set.of("t-0", "t-3", "t-6"),
                java.util.Set.copyOf(recalled.stream().map(r -> r.example().traceId()).toList()));
    }

    @Test
    void theSameSeedGivesTheSameResultAlsoInParallelAndAnotherSeedAnotherOrder() {
        List<AlignmentExample> train = train(30);
        Function<Long, AlignmentResult> run = seed -> new MemAlignOptimizer(params(5, 20, 7, true, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)),
                new ScriptedDistiller(r -> List.of(new DistilledGuideline("About " + r.records().get(0).example()
                        .traceId(), List.of(1)))), WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train, ctx(seed));
        AlignmentResult a = run.apply(42L);
        AlignmentResult b = run.apply(42L);
        assertEquals(a, b);
        var pool = Executors.newFixedThreadPool(4);
        try {
            AlignmentResult parallel = new MemAlignOptimizer(params(5, 20, 7, true, false),
                    new ScriptedJudge((p, e, t, s) -> judge(p, e)),
                    new ScriptedDistiller(r -> List.of(new DistilledGuideline("About " + r.records().get(0)
                            .example().traceId(), List.of(1)))), WORDS)
                    .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train,
                            AlignmentContext.builder().seed(42).executor(pool, 4).build());
            assertEquals(a.program(), parallel.program());
            assertEquals(a.log(), parallel.log());
        } finally {
            pool.shutdownNow();
        }
        AlignmentResult other = run.apply(43L);
        assertFalse(a.program().memory().guidelines().equals(other.program().memory().guidelines()));
    }

    @Test
    void aFailedDistillationCallLosesOnlyItsBatch() {
        int[] call = {0};
        ScriptedDistiller distiller = new ScriptedDistiller(r -> {
            if (call[0]++ == 0) {
                throw new IllegalArgumentException("the distillation answer holds no JSON object");
            }
            return List.of(new DistilledGuideline("Second batch rule.", List.of(1)));
        });
        AlignmentResult result = new MemAlignOptimizer(params(5, 20, 5, false, false),
                new ScriptedJudge((p, e, t, s) -> judge(p, e)), distiller, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train(10), ctx(5));
        assertEquals(2, distiller.requests.size());
        assertEquals(List.of("Second batch rule."),
                result.program().memory().guidelines().stream().map(Guideline::text).toList());
        assertTrue(result.log().stream().anyMatch(l -> l.message().contains("distillation call failed")));
    }

    @Test
    void aCancelledRunStopsBeforeTheNextDistillationCall() {
        ScriptedDistiller distiller = new ScriptedDistiller(r -> List.of());
        boolean[] cancel = {false};
        AlignmentContext ctx = AlignmentContext.builder().cancelled(() -> cancel[0]).build();
        ScriptedDistiller cancelling = new ScriptedDistiller(r -> {
            cancel[0] = true;
            return distiller.distill(r);
        });
        assertThrows(dev.jury.alignment.AlignmentCancelledException.class, () -> new MemAlignOptimizer(
                params(5, 20, 2, false, false), new ScriptedJudge((p, e, t, s) -> judge(p, e)), cancelling, WORDS)
                .align(JudgeProgram.of(BASE_INSTRUCTIONS, List.of()), YES_NO, train(10), ctx));
        assertEquals(1, cancelling.requests.size());
    }

    @Test
    void nothingNewMeansNoNewMemory() {
        JudgeProgram base = JudgeProgram.of(BASE_INSTRUCTIONS, List.of());
        AlignmentResult result = new MemAlignOptimizer(params(5, 20, 5, true, true),
                new ScriptedJudge((p, e, t, s) -> AlignmentFixtures.right(e)),
                new ScriptedDistiller(r -> List.of()), WORDS).align(base, YES_NO, train(6), ctx(5));
        assertNull(result.program().memory(), "no mistake, no guideline: nothing to remember");
        assertFalse(result.changed());
    }
}
