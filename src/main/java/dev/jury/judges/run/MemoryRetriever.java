package dev.jury.judges.run;

import dev.jury.judges.memory.JudgeMemory;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.judges.memory.MemoryIndex;
import dev.jury.llm.embedded.EmbeddingService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recalls the examples of a judge's memory nearest to a trace, with the in-process embedding model. The index of a
 * memory (its examples' vectors) is built once and kept for the memories in use — versions are immutable, so a
 * memory never changes under its index.
 */
@ApplicationScoped
public class MemoryRetriever {

    /** Memories whose index is kept: a few judge versions run at once (a run, an alignment's candidates, assess). */
    private static final int INDEXES = 32;

    @Inject
    EmbeddingService embeddings;

    private final Map<List<MemoryExample>, MemoryIndex> indexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<MemoryExample>, MemoryIndex> eldest) {
            return size() > INDEXES;
        }
    };

    /**
     * The {@code memory.k()} examples nearest to {@code itemText}, nearest first; never the example of trace
     * {@code excludeTraceId} (may be null).
     */
    public List<MemoryIndex.Recalled> recall(JudgeMemory memory, String itemText, String excludeTraceId) {
        if (memory == null || memory.examples().isEmpty()) {
            return List.of(); // no example (a memory of guidelines only): nothing to embed or recall
        }
        return index(memory).nearest(embeddings.embed(itemText), memory.k(), excludeTraceId);
    }

    /**
     * The same list object as the last calls (a run holds one version's memory for all its calls): found without
     * hashing every example, which an equality lookup would do on each call.
     */
    private final Map<List<MemoryExample>, MemoryIndex> byIdentity = new java.util.IdentityHashMap<>();

    /** The index of the memory's examples (whatever its k), built on first use (its examples' vectors mostly come from the embedding cache). */
    public MemoryIndex index(JudgeMemory memory) {
        synchronized (indexes) {
            MemoryIndex same = byIdentity.get(memory.examples());
            if (same != null) {
                return same;
            }
            MemoryIndex known = indexes.get(memory.examples());
            if (known != null) {
                remember(memory.examples(), known);
                return known;
            }
        }
        List<String> texts = memory.examples().stream().map(MemoryExample::text).toList();
        MemoryIndex built = new MemoryIndex(memory.examples(), embeddings.embed(texts));
        synchronized (indexes) {
            indexes.putIfAbsent(memory.examples(), built);
            MemoryIndex index = indexes.get(memory.examples());
            remember(memory.examples(), index);
            return index;
        }
    }

    /** Called holding the lock; the identity map is a small shortcut, emptied rather than aged. */
    private void remember(List<MemoryExample> examples, MemoryIndex index) {
        if (byIdentity.size() >= INDEXES) {
            byIdentity.clear();
        }
        byIdentity.put(examples, index);
    }
}
