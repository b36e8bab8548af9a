package dev.jury.alignment.run;

import dev.jury.alignment.AlignmentContext;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.AlignmentResult;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.Optimizer;
import dev.jury.alignment.ParameterSpec;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;

import java.util.List;

/**
 * "Add new labels to memory" as the optimizer of an alignment run ({@code memory-add}): the base version's memory
 * with the run's train examples — the consensus labels not yet in it — appended, guidelines and k unchanged. No LLM
 * call; the run's held-out scoring before and after is its proof, as for any alignment.
 *
 * <p>Deliberately not a CDI bean: it is not offered on the alignment form (its data set is not a fresh split but the
 * new labels against the base's own held-out traces, built by {@link AlignmentRunService#addToMemory}); the handler
 * asks for it by name.
 */
public final class MemoryAddition implements Optimizer {

    public static final String NAME = "memory-add";

    private final Optimizer memalign;

    /**
     * @param memalign the {@code memalign} optimizer, used only by a run that asked for distillation (it has a
     *                 reflection model): it then distils guidelines from the new labels — no judge call, one
     *                 distillation call per batch, the batch sized to hold them all — and appends them likewise
     */
    public MemoryAddition(Optimizer memalign) {
        this.memalign = memalign;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Adds the consensus labels not yet in a version's memory to it, without any LLM call.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public AlignmentResult align(JudgeVersion base, List<AlignmentExample> train, AlignmentContext ctx) {
        boolean distil = ctx.attribute(dev.jury.alignment.live.LiveRun.class)
                .flatMap(dev.jury.alignment.live.LiveRun::reflectionModel).isPresent();
        if (distil && memalign != null) {
            ctx.log().info("Distilling guidelines from the " + train.size() + " new labels with the reflection "
                    + "model, then adding them to the memory.");
            return memalign.align(base, train, ctx);
        }
        return extend(JudgeProgram.of(base.instructions, base.demos(), base.memory()), train, ctx);
    }

    /** The pure part: {@code base}'s memory (which must exist) with the examples of {@code train} appended. */
    static AlignmentResult extend(JudgeProgram base, List<AlignmentExample> train, AlignmentContext ctx) {
        JudgeMemory memory = base.memory();
        if (memory == null) {
            throw new IllegalStateException("The base version has no memory to add labels to.");
        }
        List<MemoryExample> added = train.stream().map(e -> new MemoryExample(e.traceId(), e.inputs(), e.outputs(),
                e.expectations(), e.label(), e.humanRationale())).toList();
        JudgeMemory extended = memory.withMoreExamples(added);
        ctx.log().info("Memory: " + memory.describe() + " + " + (extended.size() - memory.size())
                + " new labelled examples = " + extended.describe() + "; no LLM call.");
        return new AlignmentResult(NAME, base, base.withMemory(extended), Double.NaN, Double.NaN, List.of(),
                List.of(), new AlignmentResult.Calls(0, 0, 0, 0, 0, 0), List.of());
    }
}
