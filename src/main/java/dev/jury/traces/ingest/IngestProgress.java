package dev.jury.traces.ingest;

/** Called after every stored chunk, so a background job can report how far an import got. */
@FunctionalInterface
public interface IngestProgress {

    IngestProgress NONE = (rowsRead, created, duplicates, errors) -> {
    };

    void update(int rowsRead, int created, int duplicates, int errors);
}
