package dev.jury.traces;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/** An uploaded file and the outcome of its background import ({@link TraceImportHandler}). */
@Entity
@Table(name = "trace_upload")
public class TraceUpload extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id")
    public Long experimentId;

    @Column(name = "file_name")
    public String fileName;

    /** An {@link dev.jury.traces.ingest.IngestFormat} name. */
    public String format;

    public boolean atomic;

    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    public byte[] content;

    @Column(name = "size_bytes")
    public long sizeBytes;

    @Column(name = "job_id")
    public Long jobId;

    /** {@code {created, duplicates, error_count, errors:[{line, message}], error?}} once the import ended. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode result;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;
}
