package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.util.Locale;

/** How an upload is laid out. JSON covers one object and an array of objects. */
public enum IngestFormat {
    NDJSON, JSON, CSV;

    /** The format a Content-Type names; {@code null} when it names none of them. */
    public static IngestFormat fromContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        return switch (type) {
            case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines" -> NDJSON;
            case "application/json" -> JSON;
            case "text/csv" -> CSV;
            default -> null;
        };
    }

    /** The format a file name suggests ({@code .csv}, {@code .jsonl}/{@code .ndjson}, {@code .json}); NDJSON otherwise. */
    public static IngestFormat fromFileName(String fileName) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".json")) {
            return JSON;
        }
        return NDJSON;
    }

    public RowReader open(InputStream in, ObjectMapper mapper, long maxTraceBytes) {
        return switch (this) {
            case NDJSON -> new NdjsonRowReader(in, mapper, maxTraceBytes);
            case JSON -> new JsonRowReader(in, mapper, maxTraceBytes);
            case CSV -> new CsvRowReader(in, mapper, maxTraceBytes);
        };
    }
}
