package dev.jury.traces;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;

/** One input/output pair of the application being judged. Bulk ingest writes rows with JDBC batches, not this. */
@Entity
@Table(name = "trace")
public class Trace extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id")
    public Long experimentId;

    @Column(name = "client_request_id")
    public String clientRequestId;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode inputs;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode outputs;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode expectations;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode spans;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> tags;

    public String source;

    @Column(name = "mlflow_trace_id")
    public String mlflowTraceId;

    @Column(name = "created_at")
    public Instant createdAt;
}
