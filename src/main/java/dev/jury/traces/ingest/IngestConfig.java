package dev.jury.traces.ingest;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of trace ingestion (docs/configuration.md, docs/ingestion.md). */
@ConfigMapping(prefix = "jury.traces")
public interface IngestConfig {

    /** Largest single trace (one NDJSON line, array element, CSV record or JSON object). */
    @WithDefault("1M")
    MemorySize maxTraceBytes();

    /** Largest request body or uploaded file. {@code quarkus.http.limits.max-body-size} must be larger. */
    @WithDefault("64M")
    MemorySize maxRequestBytes();

    /** Traces per INSERT statement: bigger chunks mean fewer round trips, smaller ones less memory. */
    @WithDefault("2000")
    int insertChunkRows();

    /** How many per-line errors an answer lists; the total is always given as {@code error_count}. */
    @WithDefault("1000")
    int maxReportedErrors();
}
