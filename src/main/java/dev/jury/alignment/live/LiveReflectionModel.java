package dev.jury.alignment.live;

import dev.jury.alignment.simba.Advice;
import dev.jury.alignment.simba.ReflectionModel;
import dev.jury.alignment.simba.ReflectionPrompt;
import dev.jury.alignment.simba.ReflectionRequest;
import dev.jury.llm.LlmClient;

import java.util.Objects;
import java.util.Optional;

/**
 * The reflection model over {@link LlmClient}: {@link ReflectionPrompt#build} as system and user message, the answer
 * read with {@link ReflectionPrompt#parse}. Called at the provider's default temperature (DSPy's reflection LM is the
 * program's own, unchanged), recorded under the run's job.
 */
public final class LiveReflectionModel implements ReflectionModel {

    private final LlmClient llm;
    private final String model;
    private final LiveRun run;

    public LiveReflectionModel(LlmClient llm, String model, LiveRun run) {
        this.llm = Objects.requireNonNull(llm, "llm");
        this.model = Objects.requireNonNull(model, "model");
        this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public Optional<Advice> reflect(ReflectionRequest request) {
        ReflectionPrompt.Messages messages = ReflectionPrompt.build(request);
        String reply = run.ask(llm, model, messages.system(), messages.user(), "reflection");
        return ReflectionPrompt.parse(reply);
    }
}
