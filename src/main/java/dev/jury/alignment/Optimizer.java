package dev.jury.alignment;

import dev.jury.judges.JudgeVersion;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An alignment optimizer, discovered as a CDI bean (judges-and-alignment.md, "Optimizers are plug-ins"). Jury ships
 * {@code simba} (the default) and {@code few-shot}; a custom optimizer is one more bean with its own {@link #name()}.
 * The run page, the held-out metrics and the registry treat every optimizer the same.
 *
 * <p>{@link #align} runs on a job's worker thread with no transaction; {@code base} is detached with its judge and
 * rubric version loaded. Judge calls must go through the live run's LLM settings, which the job hands over as the
 * context attribute {@code dev.jury.alignment.live.LiveRun} (job id for accounting, reflection model, whole traces).
 */
public interface Optimizer {

    /** The name the API and the form use, e.g. {@code simba}; unique among the beans. */
    String name();

    /** One sentence for the form's optimizer select. */
    String description();

    /** The parameters the admin form shows, with defaults and ranges; {@code seed} and {@code concurrency} included. */
    List<ParameterSpec> parameters();

    /** Whether runs of this optimizer call a reflection model (the form then asks which one). */
    default boolean usesReflectionModel() {
        return false;
    }

    /**
     * Whether a run with these (resolved) parameters calls the reflection model; by default whenever the optimizer
     * can ({@link #usesReflectionModel()}). MemAlign with no guidelines to distil does not, so it can align the
     * offline judge, which has no LLM to reflect with.
     */
    default boolean usesReflectionModel(Map<String, Number> params) {
        return usesReflectionModel();
    }

    /**
     * The raw values checked against {@link #parameters()}: defaults filled in, unknown names and out-of-range values
     * refused.
     *
     * @throws IllegalArgumentException naming the parameter
     */
    default Map<String, Number> resolve(Map<String, ?> raw) {
        return ParameterSpec.resolve(parameters(), raw);
    }

    /**
     * The most LLM calls a run with these (resolved) parameters makes on {@code trainSize} train examples, in words
     * for the form ("at most 3,608 judge calls and 56 reflection calls"); empty when the optimizer cannot say.
     */
    default Optional<String> budget(Map<String, Number> params, int trainSize) {
        return Optional.empty();
    }

    /**
     * Aligns {@code base} on the labelled train examples.
     *
     * @throws AlignmentCancelledException when the context is cancelled
     */
    AlignmentResult align(JudgeVersion base, List<AlignmentExample> train, AlignmentContext ctx);
}
