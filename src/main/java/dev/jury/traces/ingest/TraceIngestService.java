package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jury.experiments.ExperimentService;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Trace ingestion, the one code path behind the JSON API, the MLflow import and the upload page: rows are read
 * as a stream, checked one by one (a bad row is reported by its line and the good ones kept), and written in
 * chunks by {@link TraceWriter}, all inside one transaction per call. Callable from a background job: it takes
 * an {@link InputStream} and reports progress after every chunk.
 */
@ApplicationScoped
public class TraceIngestService {

    /** Stop collecting a chunk at this many characters of JSON, whatever the row count. */
    static final long CHUNK_CHARS = 8L * 1024 * 1024;
    static final Set<String> SOURCES = Set.of("api", "upload", "mlflow", "demo", "otlp");

    /** Trees only, with numbers kept exactly as sent; independent of the API's snake_case mapper. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    @Inject
    ExperimentService experiments;

    @Inject
    DataSource dataSource;

    @Inject
    IngestConfig config;

    /**
     * Reads every row from {@code body} and stores the good ones.
     *
     * @param source   the {@code trace.source} to record: api, upload, mlflow or demo
     * @param atomic   refuse the whole batch (nothing stored, 422) if any row is bad
     * @throws ProblemException 404 unknown experiment; 413 over a size limit; 422 when no row could be stored
     *                          or an atomic batch had a bad row (errors by line)
     */
    public IngestResult ingest(String experimentName, InputStream body, IngestFormat format, TraceShape shape,
                               String source, boolean atomic, IngestProgress progress) {
        // Not transactional itself: the overload is (ArC intercepts self-invocation), with the long timeout.
        return ingest(experimentName, body, format, shape, source, atomic, progress, result -> {
        });
    }

    /**
     * As above; {@code beforeCommit} runs inside the ingest's transaction once every row is stored, so a caller can
     * record the outcome atomically with the traces (a background import marks its upload done this way).
     */
    @Transactional
    @TransactionConfiguration(timeout = 900)
    public IngestResult ingest(String experimentName, InputStream body, IngestFormat format, TraceShape shape,
                               String source, boolean atomic, IngestProgress progress,
                               java.util.function.Consumer<IngestResult> beforeCommit) {
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("unknown trace source " + source);
        }
        long experimentId = experiments.get(experimentName).id;
        var run = new Run(experimentId, source, atomic, progress == null ? IngestProgress.NONE : progress);
        var limited = new LimitedInputStream(body, config.maxRequestBytes().asLongValue());
        try (Connection connection = dataSource.getConnection();
             RowReader reader = format.open(limited, MAPPER, config.maxTraceBytes().asLongValue())) {
            var mlflow = new MlflowTraceMapper(MAPPER);
            RawRow row;
            while ((row = reader.next()) != null) {
                run.read(row, shape, mlflow, connection);
            }
            run.flush(connection);
        } catch (TooLargeException e) {
            throw new ProblemException(413, "Too large", e.getMessage(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("Storing traces failed: " + e.getMessage(), e);
        }
        IngestResult result = run.result();
        beforeCommit.accept(result);
        return result;
    }

    /** What {@link #store} did with one trace: its new id, 0 when already stored, or why it was refused. */
    public record Stored(long id, String error) {

        public boolean created() {
            return id > 0;
        }

        public boolean duplicate() {
            return id == 0 && error == null;
        }
    }

    /**
     * Stores traces another ingest path has already mapped (the OTLP endpoint), on the caller's connection and so in
     * its transaction: each is checked as every ingested row is (NUL, unpaired surrogates, jury.traces.max-trace-bytes)
     * and written by the same bulk insert, idempotent by client request id. One answer per draft, in order.
     */
    public List<Stored> store(Connection connection, long experimentId, String source, List<TraceDraft> drafts)
            throws SQLException {
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("unknown trace source " + source);
        }
        var answers = new Stored[drafts.size()];
        var chunk = new ArrayList<PreparedTrace>();
        var positions = new ArrayList<Integer>();
        long limit = config.maxTraceBytes().asLongValue();
        var writer = new TraceWriter(MAPPER);
        for (int i = 0; i < drafts.size(); i++) {
            PreparedTrace prepared;
            try {
                prepared = PreparedTrace.of(i + 1, drafts.get(i), MAPPER);
            } catch (InvalidTraceException e) {
                answers[i] = new Stored(0, e.getMessage());
                continue;
            }
            if (prepared.size() > limit) {
                answers[i] = new Stored(0, Sizes.traceTooLarge(prepared.size(), limit));
                continue;
            }
            chunk.add(prepared);
            positions.add(i);
            if (chunk.size() >= config.insertChunkRows()) {
                write(connection, experimentId, source, writer, chunk, positions, answers);
            }
        }
        write(connection, experimentId, source, writer, chunk, positions, answers);
        return List.of(answers);
    }

    private static void write(Connection connection, long experimentId, String source, TraceWriter writer,
                              List<PreparedTrace> chunk, List<Integer> positions, Stored[] answers) throws SQLException {
        if (chunk.isEmpty()) {
            return;
        }
        long[] ids = writer.insert(connection, experimentId, source, chunk);
        for (int k = 0; k < ids.length; k++) {
            answers[positions.get(k)] = new Stored(ids[k], null);
        }
        chunk.clear();
        positions.clear();
    }

    /** The state of one ingest call. */
    private final class Run {
        final long experimentId;
        final String source;
        final boolean atomic;
        final IngestProgress progress;
        final TraceWriter writer = new TraceWriter(MAPPER);
        final Set<String> requestIds = new HashSet<>();
        final List<PreparedTrace> chunk = new ArrayList<>();
        final List<IngestResult.LineError> errors = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        long chunkChars;
        int rows;
        int created;
        int duplicates;
        int errorCount;

        Run(long experimentId, String source, boolean atomic, IngestProgress progress) {
            this.experimentId = experimentId;
            this.source = source;
            this.atomic = atomic;
            this.progress = progress;
        }

        void read(RawRow row, TraceShape shape, MlflowTraceMapper mlflow, Connection connection) throws SQLException {
            rows++;
            if (row.failed()) {
                error(row.line(), row.error());
                return;
            }
            PreparedTrace prepared;
            try {
                prepared = PreparedTrace.of(row.line(), shape.map(row.json(), mlflow), MAPPER);
            } catch (InvalidTraceException e) {
                error(row.line(), e.getMessage());
                return;
            }
            String requestId = prepared.draft().clientRequestId();
            if (requestId != null && !requestIds.add(requestId)) {
                duplicates++; // repeated within this upload: stored once
                return;
            }
            if (atomic && errorCount > 0) {
                return; // the batch is refused anyway; keep reading only to report every bad line
            }
            chunk.add(prepared);
            chunkChars += prepared.size();
            if (chunk.size() >= config.insertChunkRows() || chunkChars >= CHUNK_CHARS) {
                flush(connection);
            }
        }

        void flush(Connection connection) throws SQLException {
            if (chunk.isEmpty() || (atomic && errorCount > 0)) {
                chunk.clear();
                return;
            }
            long[] newIds = writer.insert(connection, experimentId, source, chunk);
            for (long id : newIds) {
                if (id == 0) {
                    duplicates++;
                } else {
                    created++;
                    ids.add(id);
                }
            }
            chunk.clear();
            chunkChars = 0;
            progress.update(rows, created, duplicates, errorCount);
        }

        void error(int line, String message) {
            errorCount++;
            if (errors.size() < config.maxReportedErrors()) {
                errors.add(new IngestResult.LineError(line, message));
            }
        }

        IngestResult result() {
            var lineErrors = errors.stream().map(e -> Problem.FieldError.line(e.line(), e.message())).toList();
            String more = errorCount > errors.size() ? " The first " + errors.size() + " are listed." : "";
            if (atomic && errorCount > 0) {
                throw ProblemException.invalid("The batch was refused (atomic=true): " + errorCount + " of " + rows
                        + " rows are invalid, so nothing was stored." + more, lineErrors);
            }
            if (rows == 0) {
                throw ProblemException.invalid("The request contains no traces.", List.of());
            }
            if (created + duplicates == 0) {
                throw ProblemException.invalid("None of the " + rows + " rows could be stored; see the errors by line."
                        + more, lineErrors);
            }
            progress.update(rows, created, duplicates, errorCount);
            return new IngestResult(created, duplicates, List.copyOf(errors), errorCount, List.copyOf(ids));
        }
    }
}
