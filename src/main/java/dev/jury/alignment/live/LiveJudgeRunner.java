package dev.jury.alignment.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.alignment.AlignmentExample;
import dev.jury.alignment.JudgeProgram;
import dev.jury.alignment.JudgeRunner;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.prompt.Verdict;

import java.util.Objects;

/**
 * A {@link JudgeRunner} that makes real judge calls: the base version's model, inference parameters and rubric with
 * the candidate's instructions and demos, through {@link JudgeCaller} (prompt, structured output, verdict parsing,
 * one repair), the LLM calls recorded under the run's job. Thread-safe: it holds no mutable state of its own.
 */
public final class LiveJudgeRunner implements JudgeRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JudgeCaller caller;
    private final JudgeCaller.Setup base;
    private final LiveRun run;

    public LiveJudgeRunner(JudgeCaller caller, JudgeCaller.Setup base, LiveRun run) {
        this.caller = Objects.requireNonNull(caller, "caller");
        this.base = Objects.requireNonNull(base, "base");
        this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public Verdict assess(JudgeProgram program, AlignmentExample example, double temperature) {
        JudgeCaller.Setup setup = base.withProgram(program.instructions(), program.demos(), program.memory());
        JsonNode whole = run.wholeTrace(example.traceId()).orElseGet(() -> whole(example));
        var values = JudgeCaller.values(example.inputs(), example.outputs(), example.expectations(), whole);
        return run.call("judge", setup.model(),
                () -> caller.assess(setup, values, temperature, run.jobId(), example.traceId()).verdict());
    }

    private static JsonNode whole(AlignmentExample example) {
        ObjectNode node = JSON.createObjectNode();
        node.set("inputs", example.inputs());
        node.set("outputs", example.outputs());
        if (example.expectations() != null) {
            node.set("expectations", example.expectations());
        }
        return node;
    }
}
