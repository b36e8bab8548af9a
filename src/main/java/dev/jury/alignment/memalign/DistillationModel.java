package dev.jury.alignment.memalign;

import java.util.List;

/**
 * The reflection model in its MemAlign role: turns one batch of expert feedback into guidelines. A live
 * implementation sends {@link DistillationPrompt#build} and returns {@link DistillationPrompt#parse} of the reply.
 * Called on the optimizer's coordinating thread, one call at a time.
 */
@FunctionalInterface
public interface DistillationModel {

    /**
     * @return the proposed guidelines, possibly none. An exception loses this batch's guidelines only; it is logged.
     */
    List<DistilledGuideline> distill(DistillationRequest request);
}
