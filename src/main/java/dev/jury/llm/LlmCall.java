package dev.jury.llm;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * One recorded {@link LlmClient#chat} call, for cost accounting: provider, model, tokens, latency, attempts and
 * outcome — never prompts, answers or keys. Written in batches by {@link LlmCallRecorder}; read here.
 */
@Entity
@Immutable
@Table(name = "llm_call")
public class LlmCall extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String provider;

    public String model;

    @Column(name = "job_id")
    public Long jobId;

    @Column(name = "input_tokens")
    public int inputTokens;

    @Column(name = "output_tokens")
    public int outputTokens;

    @Column(name = "latency_ms")
    public long latencyMs;

    public int attempts;

    /** {@code ok}, or the failure kind in lower case ({@code rate_limited}, {@code timeout}, …). */
    public String outcome;

    public boolean cached;

    @Column(name = "created_at")
    public Instant createdAt;

    /**
     * What a job's LLM calls used.
     *
     * @param calls        all recorded calls
     * @param cachedCalls  calls served from the cache (no provider call)
     * @param failedCalls  calls that ended in an error
     * @param inputTokens  prompt tokens of calls actually made (cached ones cost nothing)
     * @param outputTokens answer tokens of calls actually made
     */
    public record Usage(long calls, long cachedCalls, long failedCalls, long inputTokens, long outputTokens) {
    }

    static Usage usageForJob(long jobId) {
        Object[] row = getEntityManager().createQuery("""
                        select count(c),
                               coalesce(sum(case when c.cached then 1 else 0 end), 0),
                               coalesce(sum(case when c.outcome <> 'ok' then 1 else 0 end), 0),
                               coalesce(sum(case when c.cached then 0 else c.inputTokens end), 0),
                               coalesce(sum(case when c.cached then 0 else c.outputTokens end), 0)
                        from LlmCall c where c.jobId = :job""", Object[].class)
                .setParameter("job", jobId)
                .getSingleResult();
        return new Usage(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                ((Number) row[2]).longValue(), ((Number) row[3]).longValue(), ((Number) row[4]).longValue());
    }
}
