package dev.jury.judges;

import dev.jury.judges.prompt.Demo;
import dev.jury.judges.templates.AnswerKind;
import dev.jury.judges.templates.JudgeTemplate;
import dev.jury.judges.templates.JudgeTemplates;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.judges.memory.JudgeMemory;
import dev.jury.llm.LlmProviders;
import dev.jury.rubrics.RubricVersion;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable version of a judge: everything needed to run it elsewhere. Made only by {@link #of}; a change is a
 * new version. The judge answers from the value set of {@link #rubricVersion}, the rubric version current when this
 * version was made.
 *
 * <p>Shaped like {@link RubricVersion} (parent, number, author, time) but not derived from a common base: the
 * immutable content differs entirely, and only a judge version has a lineage ({@link #parent}, {@link #tags}) and a
 * pinned rubric version; what they share is the "immutable, made by a static factory" rule, which a base class
 * would not enforce.
 */
@Entity
@Table(name = "judge_version")
@Immutable
public class JudgeVersion extends PanacheEntityBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "judge_id")
    public Judge judge;

    public int version;

    /** The MLflow instructions template, exactly as saved. */
    public String instructions;

    /** {@code provider:/model}, as {@link ModelUri#toString()} writes it. */
    public String model;

    /** {@code temperature}, {@code max_tokens}, {@code top_p}: only those set (see {@link InferenceParams}). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "inference_params")
    public Map<String, Object> inferenceParams;

    /** The demos as data (a list of {@link Demo}), never pasted into the instructions. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode demos;

    /** The labelled memory (a {@link JudgeMemory}); {@code null} when the version has none. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode memory;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "rubric_version_id")
    public RubricVersion rubricVersion;

    /** The version this one was made from: the previous latest for an edit, the base version for an alignment. */
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "parent_version_id")
    public JudgeVersion parent;

    /** How the version was made, e.g. {@code alignment_date}, {@code num_traces}, {@code optimizer}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> tags;

    /** The judge template the version was made from ({@code judges.templates}), carried to later versions; null for none. */
    public String template;

    /** For a 1–5 judge: a score above it is stored as {@code yes}; null for a judge that answers yes/no. */
    @Column(name = "score_threshold")
    public Integer scoreThreshold;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    /**
     * A new version. The instructions and model must have been validated ({@link InstructionsTemplate#parse},
     * {@link ModelUri#parse}); demos must answer from {@code rubric}'s values.
     */
    public static JudgeVersion of(Judge judge, int version, String instructions, ModelUri model,
                                  InferenceParams params, List<Demo> demos, RubricVersion rubric, JudgeVersion parent,
                                  Map<String, ?> tags, String actor) {
        return of(judge, version, instructions, model, params, demos, null, rubric, parent, tags, actor);
    }

    /** A new version with a labelled memory ({@code null} or empty for none). */
    public static JudgeVersion of(Judge judge, int version, String instructions, ModelUri model,
                                  InferenceParams params, List<Demo> demos, JudgeMemory memory, RubricVersion rubric,
                                  JudgeVersion parent, Map<String, ?> tags, String actor) {
        var v = new JudgeVersion();
        v.memory = memory == null || memory.isEmpty() ? null : JSON.valueToTree(memory);
        v.judge = judge;
        v.version = version;
        v.instructions = instructions;
        v.model = model.toString();
        v.inferenceParams = params.asMap();
        v.demos = JSON.valueToTree(demos == null ? List.of() : demos);
        v.rubricVersion = rubric;
        v.parent = parent;
        v.tags = tags == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tags);
        v.createdBy = actor;
        v.createdAt = Instant.now();
        return v;
    }

    /** Sets the template and threshold of a version not yet persisted (a version is immutable once stored). */
    JudgeVersion withTemplate(String templateKey, Integer threshold) {
        this.template = templateKey;
        this.scoreThreshold = threshold;
        return this;
    }

    /** How the version answers: per chunk for a chunk template, a 1–5 score with a threshold, else yes/no. */
    public AnswerKind answerKind() {
        if (scoreThreshold != null) {
            return AnswerKind.SCORE;
        }
        return JudgeTemplates.find(template).map(JudgeTemplate::answer).orElse(AnswerKind.YES_NO);
    }

    /** The demos as the prompt builder takes them. */
    public List<Demo> demos() {
        List<Demo> list = new ArrayList<>();
        if (demos == null) {
            return list;
        }
        for (JsonNode demo : demos) {
            try {
                list.add(JSON.treeToValue(demo, Demo.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("judge_version " + id + " has an unreadable demo", e);
            }
        }
        return list;
    }

    /** The labelled memory, or {@code null} when the version has none. */
    public JudgeMemory memory() {
        if (memory == null || memory.isNull()) {
            return null;
        }
        try {
            return JSON.treeToValue(memory, JudgeMemory.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("judge_version " + id + " has an unreadable memory", e);
        }
    }

    /** How many labelled examples the memory holds (0 without one). */
    public int memorySize() {
        return memory == null || memory.isNull() ? 0 : memory.path("examples").size();
    }

    /** Whether this version runs on Jury's in-process offline judge ({@code embedded:/…}). */
    public boolean isEmbedded() {
        return LlmProviders.isEmbedded(model);
    }

    /** The assessment source of this version's verdicts: {@code judge:NAME@vN}. */
    public String sourceId() {
        return sourceId(judge.name, version);
    }

    public static String sourceId(String judgeName, int version) {
        return "judge:" + judgeName + "@v" + version;
    }

    public ModelUri modelUri() {
        return ModelUri.parse(model);
    }

    public InferenceParams params() {
        return InferenceParams.parse(inferenceParams == null ? Map.of() : inferenceParams);
    }

    public Integer parentVersion() {
        return parent == null ? null : parent.version;
    }

    public static Optional<JudgeVersion> findVersion(long judgeId, int version) {
        return find("judge.id = ?1 and version = ?2", judgeId, version).firstResultOptional();
    }

    public static Optional<JudgeVersion> findLatest(long judgeId) {
        return find("judge.id = ?1 order by version desc", judgeId).firstResultOptional();
    }

    /** All versions of a judge, newest first. */
    public static List<JudgeVersion> listVersions(long judgeId) {
        return list("from JudgeVersion v join fetch v.rubricVersion where v.judge.id = ?1 order by v.version desc",
                judgeId);
    }
}
