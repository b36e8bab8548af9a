package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Jackson's parse errors without the source dump, which would echo the (possibly huge, hostile) input. */
final class JsonErrors {

    private JsonErrors() {
    }

    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            message = "malformed JSON";
        }
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        var location = e.getLocation();
        String column = location != null && location.getColumnNr() > 0 ? " (column " + location.getColumnNr() + ")" : "";
        return "Invalid JSON" + column + ": " + message;
    }
}
