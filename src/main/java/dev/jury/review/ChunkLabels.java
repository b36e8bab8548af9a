package dev.jury.review;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.judges.templates.ChunkVerdicts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A reviewer's per-chunk label in the shape a per-chunk judge stores (docs/judges.md, "chunk_relevance"): one answer
 * per retrieved chunk, the precision, and the trace's yes/no derived from them by {@link ChunkVerdicts}.
 */
final class ChunkLabels {

    /** More chunks than this on one trace are not offered for per-chunk review. */
    static final int MAX_CHUNKS = 50;

    /** @param metadata {@code {"chunks": [{"index", "value"}], "precision": p}} as JSON text */
    record Label(String value, double precision, String metadata) {
    }

    private ChunkLabels() {
    }

    /** The label of {@code chunkCount} chunks of which the 1-based {@code relevant} ones are relevant. */
    static Label of(int chunkCount, Collection<Integer> relevant) {
        List<ChunkVerdicts.ChunkVerdict> chunks = new ArrayList<>();
        for (int i = 1; i <= chunkCount; i++) {
            chunks.add(new ChunkVerdicts.ChunkVerdict(i, relevant.contains(i) ? "yes" : "no", null));
        }
        double precision = ChunkVerdicts.precision(chunks);
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        ArrayNode list = metadata.putArray("chunks");
        chunks.forEach(c -> list.addObject().put("index", c.index()).put("value", c.value()));
        metadata.put("precision", precision);
        return new Label(ChunkVerdicts.value(chunks), precision, metadata.toString());
    }
}
