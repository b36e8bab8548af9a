package dev.jury.traces;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.experiments.Experiment;
import dev.jury.jobs.JobContext;
import dev.jury.jobs.JobHandler;
import dev.jury.traces.ingest.IngestFormat;
import dev.jury.traces.ingest.IngestResult;
import dev.jury.traces.ingest.TraceIngestService;
import dev.jury.traces.ingest.TraceShape;
import dev.jury.web.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Imports an uploaded CSV/JSONL file in the background, with progress by line. Exactly once: the upload's result
 * is written in the same transaction as its traces, and a job that finds a result already there (a worker died
 * after committing) does nothing more.
 */
@ApplicationScoped
public class TraceImportHandler implements JobHandler {

    public static final String TYPE = "trace-import";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TraceIngestService ingest;

    @Inject
    EntityManager em;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void run(JobContext ctx) {
        long uploadId = ctx.payload().path("upload_id").asLong();
        Object[] upload = QuarkusTransaction.requiringNew().call(() -> {
            TraceUpload u = TraceUpload.findById(uploadId);
            if (u == null) {
                throw new IllegalStateException("Upload " + uploadId + " no longer exists.");
            }
            Experiment e = Experiment.findById(u.experimentId);
            return new Object[]{u.result != null, e.name, u.content, u.format, u.atomic, u.fileName};
        });
        if ((Boolean) upload[0]) {
            ctx.info("Already imported before a restart; nothing to do.");
            return;
        }
        byte[] content = (byte[]) upload[2];
        long lines = countLines(content);
        ctx.progress(0, lines, 0);
        ctx.info("Importing " + upload[5] + " (" + content.length + " bytes, " + lines + " lines)");
        try {
            IngestResult result = ingest.ingest((String) upload[1], new ByteArrayInputStream(content),
                    IngestFormat.valueOf((String) upload[3]), TraceShape.API, "upload", (Boolean) upload[4],
                    (read, created, duplicates, errors) -> ctx.progress(Math.min(read, lines), lines, errors),
                    done -> store(uploadId, result(done.created(), done.duplicates(), done.errorCount(), done.errors(), null)));
            ctx.progress(lines, lines, result.errorCount());
            ctx.result(result(result.created(), result.duplicates(), result.errorCount(), result.errors(), null));
            ctx.info(result.created() + " created, " + result.duplicates() + " duplicates, " + result.errorCount()
                    + " lines with errors");
        } catch (ProblemException e) {
            // Refused as a whole (atomic, nothing valid, too large): keep the reasons by line for the page.
            var errors = e.errors().stream().filter(x -> x.line() != null)
                    .map(x -> new IngestResult.LineError(x.line(), x.message())).toList();
            QuarkusTransaction.requiringNew().run(() -> store(uploadId,
                    result(0, 0, errors.size(), errors, e.getMessage())));
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void store(long uploadId, ObjectNode result) {
        em.createNativeQuery("UPDATE trace_upload SET result = CAST(?1 AS jsonb) WHERE id = ?2")
                .setParameter(1, result.toString()).setParameter(2, uploadId).executeUpdate();
    }

    static ObjectNode result(int created, int duplicates, int errorCount, List<IngestResult.LineError> errors,
                             String error) {
        ObjectNode node = JSON.createObjectNode();
        node.put("created", created);
        node.put("duplicates", duplicates);
        node.put("error_count", errorCount);
        var list = node.putArray("errors");
        errors.stream().limit(1000).forEach(e -> list.addObject().put("line", e.line()).put("message", e.message()));
        if (error != null) {
            node.put("error", error);
        }
        return node;
    }

    static long countLines(byte[] content) {
        long lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        return content.length > 0 && content[content.length - 1] != '\n' ? lines + 1 : lines;
    }
}
