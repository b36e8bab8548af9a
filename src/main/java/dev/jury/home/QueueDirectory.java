package dev.jury.home;

import java.util.List;

/**
 * What the home page shows a reviewer: their queues with progress. Implemented by the review feature; the home
 * page depends only on this interface so {@code web} stays a leaf.
 */
public interface QueueDirectory {

    /** Queues {@code username} is a member of; {@code subject} identifies their labels for the progress count. */
    List<QueueSummary> queuesFor(String subject, String username);

    /**
     * One queue on the home page: {@code done} items labelled by this reviewer, {@code complete} items of
     * {@code total} that have all their labels.
     */
    record QueueSummary(long id, String name, String experiment, String judge, long done, long total, boolean open,
                        long complete) {
        /** How far the whole queue is: complete items of all. */
        public int percent() {
            return total == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * complete / total));
        }
    }
}
