package dev.jury.traces;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.experiments.Experiment;
import dev.jury.jobs.JobService;
import dev.jury.traces.ingest.IngestFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;

/** Keeps an uploaded file and enqueues its import, in one transaction (the job sees the file when it starts). */
@ApplicationScoped
@Transactional
public class TraceUploads {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JobService jobs;

    public long store(Experiment experiment, String fileName, IngestFormat format, boolean atomic, byte[] content,
                      String actor) {
        var upload = new TraceUpload();
        upload.experimentId = experiment.id;
        upload.fileName = fileName.length() > 255 ? fileName.substring(0, 255) : fileName;
        upload.format = format.name();
        upload.atomic = atomic;
        upload.content = content;
        upload.sizeBytes = content.length;
        upload.createdBy = actor;
        upload.createdAt = Instant.now();
        upload.persistAndFlush();
        upload.jobId = jobs.enqueue(TraceImportHandler.TYPE,
                JSON.createObjectNode().put("upload_id", upload.id).put("experiment", experiment.name)
                        .put("file_name", upload.fileName),
                TraceImportHandler.countLines(content), actor);
        return upload.id;
    }
}
