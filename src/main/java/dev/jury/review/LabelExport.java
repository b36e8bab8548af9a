package dev.jury.review;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.security.Roles;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;

/**
 * A queue's labels for admins: one row per assessment given in the queue (edits and adjudications included, with
 * their supersede links), as JSON lines, CSV, or MLflow-shaped feedback ({@code Feedback.from_dictionary} reads
 * each element). Written while the rows are read, in keyset pages: memory stays flat for any queue size.
 */
@Path("/api/v1/queues/{id}/labels.{format}")
@RolesAllowed(Roles.ADMIN)
public class LabelExport {

    static final String CSV_HEADER = "assessment_id,trace_id,mlflow_trace_id,name,value,rationale,source_type,"
            + "source_id,source_username,rubric_version,time_spent_ms,created_at,supersedes,superseded_by,valid,extra,"
            + "stratum,inclusion_probability";

    @Inject
    QueueService queues;

    @Inject
    QueueStats stats;

    @Inject
    ObjectMapper json;

    /**
     * {@code labels.jsonl}, {@code labels.csv} or {@code labels.mlflow.json}. One class path per export file keeps
     * this resource from shadowing {@link ReviewApi}'s {@code /api/v1/queues/{id}/…} routes.
     */
    @GET
    @Produces({"application/x-ndjson", "text/csv", MediaType.APPLICATION_JSON})
    public Response export(@PathParam("id") long id, @PathParam("format") String format) {
        return switch (format) {
            case "jsonl" -> jsonLines(id);
            case "csv" -> csv(id);
            case "mlflow.json" -> mlflow(id);
            default -> throw ProblemException.notFound("No export 'labels." + format
                    + "'; there are labels.jsonl, labels.csv and labels.mlflow.json.");
        };
    }

    Response jsonLines(long id) {
        queues.get(id); // 404 before the stream starts
        StreamingOutput body = out -> {
            try (JsonGenerator g = json.getFactory().createGenerator(unclosed(out))) {
                g.setRootValueSeparator(null);
                stats.forEachLabel(id, row -> {
                    try {
                        writeJsonLine(g, row);
                        g.writeRaw('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        };
        return download(body, "application/x-ndjson", "queue-" + id + "-labels.jsonl");
    }

    Response csv(long id) {
        queues.get(id);
        StreamingOutput body = out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(CSV_HEADER);
            w.write("\r\n");
            stats.forEachLabel(id, row -> {
                try {
                    writeCsvLine(w, row);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            w.flush();
        };
        return download(body, "text/csv; charset=UTF-8", "queue-" + id + "-labels.csv");
    }

    /**
     * MLflow 3's {@code Assessment.to_dictionary()} shape (protobuf JSON with the proto field names): assessment_id,
     * assessment_name, trace_id, source {source_type, source_id}, create_time / last_update_time (RFC 3339),
     * feedback {value}, rationale, metadata (strings), overrides (the assessment this one replaced), valid (false
     * once replaced, as MLflow marks an overridden assessment) — plus create_time_ms for readers of the entity.
     */
    Response mlflow(long id) {
        queues.get(id);
        StreamingOutput body = out -> {
            try (JsonGenerator g = json.getFactory().createGenerator(unclosed(out))) {
                g.writeStartArray();
                stats.forEachLabel(id, row -> {
                    try {
                        writeMlflow(g, row, id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                g.writeEndArray();
            }
        };
        return download(body, MediaType.APPLICATION_JSON, "queue-" + id + "-labels.mlflow.json");
    }

    private static Response download(StreamingOutput body, String type, String filename) {
        return Response.ok(body, type)
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    static void writeJsonLine(JsonGenerator g, QueueStats.LabelRow row) throws IOException {
        g.writeStartObject();
        g.writeNumberField("assessment_id", row.assessmentId());
        g.writeNumberField("trace_id", row.traceId());
        g.writeStringField("mlflow_trace_id", row.mlflowTraceId());
        g.writeStringField("name", row.name());
        g.writeStringField("value", row.value());
        g.writeStringField("rationale", row.rationale());
        g.writeObjectFieldStart("source");
        g.writeStringField("type", row.sourceType());
        g.writeStringField("id", row.sourceId());
        g.writeStringField("username", row.username());
        g.writeEndObject();
        nullableNumber(g, "rubric_version", row.rubricVersion() == null ? null : row.rubricVersion().longValue());
        nullableNumber(g, "time_spent_ms", row.timeSpentMs());
        g.writeStringField("created_at", row.createdAt().toString());
        nullableNumber(g, "supersedes", row.supersedes());
        nullableNumber(g, "superseded_by", row.supersededBy());
        g.writeBooleanField("valid", row.valid());
        g.writeBooleanField("extra", row.extra());
        if (row.metadata() != null) {
            // the label's own metadata (a 1–5 judge's score, per-chunk verdicts …) as stored
            g.writeFieldName("metadata");
            g.writeRawValue(row.metadata());
        }
        g.writeStringField("stratum", row.stratum());
        if (row.inclusionProbability() == null) {
            g.writeNullField("inclusion_probability");
        } else {
            g.writeNumberField("inclusion_probability", row.inclusionProbability());
        }
        g.writeEndObject();
    }

    static void writeCsvLine(Writer w, QueueStats.LabelRow row) throws IOException {
        Object[] cells = {row.assessmentId(), row.traceId(), row.mlflowTraceId(), row.name(), row.value(),
                row.rationale(), row.sourceType(), row.sourceId(), row.username(), row.rubricVersion(),
                row.timeSpentMs(), row.createdAt(), row.supersedes(), row.supersededBy(), row.valid(), row.extra(),
                row.stratum(), row.inclusionProbability()};
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(csvCell(cells[i]));
        }
        w.write("\r\n");
    }

    /**
     * RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. Null is an empty cell. Rationales
     * and values are reviewers' text: one starting with {@code = + - @}, a tab or a carriage return would run as a
     * formula in a spreadsheet, so it gets a leading apostrophe (OWASP "CSV injection") — unless the whole text is a
     * number such as a numeric rubric's {@code -1}, which a spreadsheet reads as that number anyway.
     */
    static String csvCell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (value instanceof CharSequence && startsLikeFormula(text) && !isNumber(text)) {
            text = "'" + text;
        }
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static boolean startsLikeFormula(String text) {
        return !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0;
    }

    private static boolean isNumber(String text) {
        try {
            new java.math.BigDecimal(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static void writeMlflow(JsonGenerator g, QueueStats.LabelRow row, long queueId) throws IOException {
        var created = row.createdAt().truncatedTo(ChronoUnit.MILLIS);
        g.writeStartObject();
        g.writeStringField("assessment_id", String.valueOf(row.assessmentId()));
        g.writeStringField("assessment_name", row.name());
        g.writeStringField("trace_id", row.mlflowTraceId() != null ? row.mlflowTraceId()
                : String.valueOf(row.traceId()));
        g.writeObjectFieldStart("source");
        g.writeStringField("source_type", "HUMAN");
        g.writeStringField("source_id", row.sourceId());
        g.writeEndObject();
        g.writeStringField("create_time", created.toString());
        g.writeStringField("last_update_time", created.toString());
        g.writeNumberField("create_time_ms", created.toEpochMilli());
        g.writeObjectFieldStart("feedback");
        g.writeFieldName("value");
        writeValue(g, row);
        g.writeEndObject();
        if (row.rationale() != null && !row.rationale().isEmpty()) {
            g.writeStringField("rationale", row.rationale());
        }
        g.writeObjectFieldStart("metadata");
        writeOwnMetadata(g, row.metadata());
        g.writeStringField("jury.trace_id", String.valueOf(row.traceId()));
        g.writeStringField("jury.queue_id", String.valueOf(queueId));
        if (row.rubricVersion() != null) {
            g.writeStringField("jury.rubric_version", String.valueOf(row.rubricVersion()));
        }
        if (row.username() != null) {
            g.writeStringField("jury.username", row.username());
        }
        if (row.timeSpentMs() != null) {
            g.writeStringField("jury.time_spent_ms", String.valueOf(row.timeSpentMs()));
        }
        if (row.extra()) {
            g.writeStringField("jury.extra", "true");
        }
        if (row.stratum() != null) {
            g.writeStringField("jury.stratum", row.stratum());
        }
        if (row.inclusionProbability() != null) {
            g.writeStringField("jury.inclusion_probability", String.valueOf(row.inclusionProbability()));
        }
        g.writeEndObject();
        if (row.supersedes() != null) {
            g.writeStringField("overrides", String.valueOf(row.supersedes()));
        }
        g.writeBooleanField("valid", row.valid() && row.supersededBy() == null);
        g.writeEndObject();
    }

    /**
     * The label's own metadata in MLflow's map of strings: each top-level entry, a text as it is, anything else
     * (the score 4, a list of chunk verdicts) as its JSON text — {@code "score": "4"}. Keys starting with
     * {@code jury.} are Jury's own and left out here (they follow).
     */
    private static void writeOwnMetadata(JsonGenerator g, String metadata) throws IOException {
        if (metadata == null) {
            return;
        }
        JsonNode own = OWN_METADATA.readTree(metadata);
        if (own == null || !own.isObject()) {
            return;
        }
        for (var entries = own.fields(); entries.hasNext(); ) {
            var entry = entries.next();
            if (entry.getKey().startsWith("jury.") || entry.getValue().isNull()) {
                continue;
            }
            g.writeStringField(entry.getKey(), entry.getValue().isTextual() ? entry.getValue().asText()
                    : entry.getValue().toString());
        }
    }

    private static final ObjectMapper OWN_METADATA = new ObjectMapper();

    /** Numeric rubrics export numbers (4, 2.5), the others their value text (MLflow feedback takes both). */
    private static void writeValue(JsonGenerator g, QueueStats.LabelRow row) throws IOException {
        if ("NUMERIC".equals(row.rubricKind()) && row.value() != null) {
            try {
                g.writeNumber(new BigDecimal(row.value().strip()).stripTrailingZeros().toPlainString());
                return;
            } catch (NumberFormatException notANumber) {
                // stored under an older, non-numeric version: keep the text
            }
        }
        g.writeString(row.value());
    }

    private static void nullableNumber(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    /** The container closes the response stream; the generator must not. */
    private static OutputStream unclosed(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
