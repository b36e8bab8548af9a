package dev.jury.traces.ingest;

import java.util.List;

/**
 * What an ingest did: traces created, rows skipped because their client request id was already stored (or
 * repeated in the same upload), rows refused with their line numbers, and the new trace ids in input order.
 */
public record IngestResult(int created, int duplicates, List<LineError> errors, int errorCount, List<Long> ids) {

    public record LineError(int line, String message) {
    }

    public int processed() {
        return created + duplicates;
    }
}
