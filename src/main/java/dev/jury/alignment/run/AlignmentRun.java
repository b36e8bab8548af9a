package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.jobs.JobStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One alignment run (V012). Created with its data set by {@link AlignmentRunService#start}; status, progress and
 * outcome are written by {@link AlignmentHandler} while the job runs, and by a cancel of a queued run.
 */
@Entity
@Table(name = "alignment_run")
public class AlignmentRun extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id")
    public Long experimentId;

    @Column(name = "judge_id")
    public Long judgeId;

    @Column(name = "base_version_id")
    public Long baseVersionId;

    public String optimizer;

    /** The optimizer's resolved parameters (defaults filled in), seed and concurrency included. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode params;

    @Column(name = "reflection_model")
    public String reflectionModel;

    public long seed;

    @Column(name = "heldout_fraction")
    public double heldoutFraction;

    public boolean rebalance;

    @Column(name = "rubric_version")
    public Integer rubricVersion;

    @Enumerated(EnumType.STRING)
    public JobStatus status;

    /** The data-set summary and the split: {@code train} and {@code heldout} items with their labels. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "data_set")
    public JsonNode dataSet;

    /** The latest optimizer progress: phase, step, steps, batch score, best score. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode progress;

    @Column(name = "result_version_id")
    public Long resultVersionId;

    /** Held-out metrics before and after, train scores, calls. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode metrics;

    /** What the run concluded, in words (e.g. the baseline won: no new version). */
    public String outcome;

    public String error;

    @Column(name = "llm_calls")
    public long llmCalls;

    @Column(name = "input_tokens")
    public long inputTokens;

    @Column(name = "output_tokens")
    public long outputTokens;

    @Column(name = "job_id")
    public Long jobId;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public static List<AlignmentRun> listForJudge(long judgeId, int limit) {
        return find("judgeId = ?1 order by id desc", judgeId).page(0, limit).list();
    }

    public static Optional<AlignmentRun> findByJob(long jobId) {
        return find("jobId", jobId).firstResultOptional();
    }
}
