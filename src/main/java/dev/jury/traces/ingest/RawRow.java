package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row as read from an upload, before it is checked: its 1-based line (NDJSON line, array element index + 1,
 * CSV line where the record starts), the parsed JSON, or why it could not be read.
 */
public record RawRow(int line, JsonNode json, String error) {

    public static RawRow ok(int line, JsonNode json) {
        return new RawRow(line, json, null);
    }

    public static RawRow failed(int line, String error) {
        return new RawRow(line, null, error);
    }

    public boolean failed() {
        return error != null;
    }
}
