package dev.jury.alignment.simba;

import java.util.Optional;

/**
 * The LLM that turns a better/worse pair into one rule (DSPy's {@code append_a_rule} with {@code OfferFeedback}).
 * A live implementation sends {@link ReflectionPrompt#build} and returns {@link ReflectionPrompt#parse} of the reply.
 * Called on the optimizer's coordinating thread, one call at a time.
 */
@FunctionalInterface
public interface ReflectionModel {

    /**
     * @return the advice, or empty when the model declines (no candidate is built). An exception also builds no
     *         candidate; it is logged.
     */
    Optional<Advice> reflect(ReflectionRequest request);
}
