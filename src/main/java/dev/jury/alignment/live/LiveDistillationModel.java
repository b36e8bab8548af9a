package dev.jury.alignment.live;

import dev.jury.alignment.memalign.DistillationModel;
import dev.jury.alignment.memalign.DistillationPrompt;
import dev.jury.alignment.memalign.DistillationRequest;
import dev.jury.alignment.memalign.DistilledGuideline;
import dev.jury.llm.LlmClient;

import java.util.List;
import java.util.Objects;

/**
 * MemAlign's distillation call over {@link LlmClient}: {@link DistillationPrompt#build} as system and user message,
 * the answer read with {@link DistillationPrompt#parse}. Like {@link LiveReflectionModel}: the provider's default
 * temperature, recorded under the run's job, provider faults reported to the run's fault watch.
 */
public final class LiveDistillationModel implements DistillationModel {

    private final LlmClient llm;
    private final String model;
    private final LiveRun run;

    public LiveDistillationModel(LlmClient llm, String model, LiveRun run) {
        this.llm = Objects.requireNonNull(llm, "llm");
        this.model = Objects.requireNonNull(model, "model");
        this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public List<DistilledGuideline> distill(DistillationRequest request) {
        DistillationPrompt.Messages messages = DistillationPrompt.build(request);
        String reply = run.ask(llm, model, messages.system(), messages.user(), "distillation");
        return DistillationPrompt.parse(reply);
    }
}
