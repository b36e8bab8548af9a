package dev.jury.judges.run;

import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.Verdict;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * How a judge's answer on a stored trace becomes an {@code LLM_JUDGE} assessment, for judge runs and for the
 * registry's {@code assess} alike: one outcome through {@link VerdictBatchWriter}, which judge runs use for many at
 * once. Each store is its own transaction. A trace holds at most one valid verdict per
 * judge version (the unique index {@code assessment_one_judge_verdict_idx}); a failed call is an invalid row that a
 * later verdict or error of the same version supersedes, so the newest outcome is the current one.
 */
@ApplicationScoped
public class VerdictStore {

    /** Where a stored verdict belongs: the trace and the judge version that gave it. */
    public record Target(long traceId, String name, String sourceId, long versionId, long rubricVersionId) {

        public static Target of(long traceId, JudgeVersion version) {
            return new Target(traceId, version.judge.name, version.sourceId(), version.id, version.rubricVersion.id);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * Stores a valid verdict.
     *
     * @param metadata stored with the row, e.g. {@code {"via": "assess"}}
     * @return the new assessment's id; empty when the trace already had a valid verdict of this version (nothing
     * is stored then)
     */
    public Optional<Long> storeVerdict(Target target, Verdict verdict, ObjectNode metadata) {
        return Optional.ofNullable(writer(target, metadata).write(List.of(
                VerdictBatchWriter.Outcome.verdict(target.traceId(), verdict.value(), verdict.rationale(),
                        verdict.details())))
                .get(target.traceId()));
    }

    /**
     * Records a failed call as an invalid assessment with the reason (truncated to 2,000 characters); a
     * {@code raw} field of {@code metadata} is stored as the model's raw answer.
     *
     * @return the new assessment's id
     */
    public long storeError(Target target, String error, ObjectNode metadata) {
        ObjectNode rest = metadata.deepCopy();
        var raw = rest.remove("raw");
        return writer(target, rest).write(List.of(VerdictBatchWriter.Outcome.error(target.traceId(), error,
                raw == null || raw.isNull() ? null : raw.asText()))).get(target.traceId());
    }

    private VerdictBatchWriter writer(Target target, ObjectNode metadata) {
        return new VerdictBatchWriter(dataSource, metadata, target.name(), target.sourceId(), target.versionId(),
                target.rubricVersionId());
    }
}
