package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/** What each row looks like: the API's own trace object, or an MLflow trace ({@code Trace.to_json()}). */
public enum TraceShape {
    API("api"), MLFLOW("mlflow");

    private final String source;

    TraceShape(String source) {
        this.source = source;
    }

    /** The {@code trace.source} recorded for rows of this shape arriving through the API. */
    public String source() {
        return source;
    }

    TraceDraft map(JsonNode row, MlflowTraceMapper mlflow) throws InvalidTraceException {
        return this == MLFLOW ? mlflow.map(row) : TraceFields.parse(row);
    }
}
