package dev.jury.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A balanced sample of traces labelled under one pinned rubric version by k reviewers per item. The counters
 * (consensus balance, complete items) are maintained by {@link Dispenser} in SQL; this entity only reads them.
 */
@Entity
@Table(name = "review_queue")
public class ReviewQueue extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id")
    public Long experimentId;

    public String name;

    @Column(name = "judge_name")
    public String judgeName;

    @Column(name = "rubric_version_id")
    public Long rubricVersionId;

    public int size;

    @Column(name = "reviewers_per_item")
    public int reviewersPerItem;

    @Column(name = "balance_target")
    public BigDecimal balanceTarget;

    public boolean blind;

    /** BALANCED, UNBALANCED or UNBALANCED_UNKNOWN (see {@link BalancedSampler.Balance}). */
    public String balance;

    @Column(name = "consensus_rule")
    public String consensusRule;

    @Column(name = "lease_seconds")
    public int leaseSeconds;

    public long seed;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "pool_filter")
    public Map<String, String> poolFilter;

    public String status;

    /** Where the items came from: a {@link QueueSource} name (BALANCED, UNCERTAIN, …). */
    public String source;

    /** The share of a purposive queue drawn as a simple random sample of the pool (0 for the others). */
    @Column(name = "random_share")
    public BigDecimal randomShare;

    @Column(name = "consensus_negative", insertable = false, updatable = false)
    public int consensusNegative;

    @Column(name = "consensus_positive", insertable = false, updatable = false)
    public int consensusPositive;

    @Column(name = "items_complete", insertable = false, updatable = false)
    public int itemsComplete;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Version
    public long version;

    /** The source's API key ({@code balanced}, {@code uncertain}, …). */
    public String sourceKey() {
        return QueueSource.valueOf(source == null ? "BALANCED" : source).key();
    }

    public boolean isOpen() {
        return "OPEN".equals(status);
    }

    public static List<ReviewQueue> listForExperiment(long experimentId) {
        return list("experimentId = ?1 order by createdAt desc", experimentId);
    }
}
