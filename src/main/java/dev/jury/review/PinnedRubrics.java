package dev.jury.review;

import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rubric versions queues are pinned to, read once and kept. A rubric version is immutable (a change is a new
 * version, {@link RubricVersion} is {@code @Immutable}), so a kept copy can never be stale; keeping it spares every
 * next and submit an entity load and the JSON mapping of the levels (docs/performance.md, "Reviewer loop").
 */
@ApplicationScoped
public class PinnedRubrics {

    /** What the loop needs of a rubric version. */
    public record Pinned(long versionId, int version, String kind, RubricSpec spec, List<String> allowedValues) {
    }

    /** Far more versions than queues in use; past it the map is simply emptied and refilled on demand. */
    static final int MAX_KEPT = 1024;

    private final ConcurrentHashMap<Long, Pinned> byVersion = new ConcurrentHashMap<>();

    @Transactional(TxType.SUPPORTS)
    public Pinned get(long rubricVersionId) {
        Pinned kept = byVersion.get(rubricVersionId);
        if (kept != null) {
            return kept;
        }
        RubricVersion version = RubricVersion.findById(rubricVersionId);
        if (version == null) {
            throw new IllegalStateException("a queue points at a missing rubric version " + rubricVersionId);
        }
        RubricSpec spec = version.spec();
        Pinned pinned = new Pinned(version.id, version.version, version.kindName(), spec,
                List.copyOf(dev.jury.rubrics.RubricValues.allowedValues(spec)));
        if (byVersion.size() >= MAX_KEPT) {
            byVersion.clear();
        }
        byVersion.put(rubricVersionId, pinned);
        return pinned;
    }
}
