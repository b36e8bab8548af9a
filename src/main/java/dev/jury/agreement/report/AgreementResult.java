package dev.jury.agreement.report;

import dev.jury.agreement.AgreementReport;
import dev.jury.agreement.Bootstrap;
import dev.jury.agreement.Consensus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One computed agreement report with what it was computed on: the statistics ({@link AgreementReport}) plus the
 * names, rubric, judge series and disagreement list the page and the API show next to them.
 *
 * @param reviewerNames      source id → what to show (the username for a reviewer's OIDC subject, else the id)
 * @param medianSeconds      source id → median {@code time_spent_ms} / 1000 of their labels, absent when none recorded
 * @param judges             one series per judge version that gave verdicts, oldest version first
 * @param disagreements      the first {@code jury.agreement.max-disagreements} in the requested order
 * @param disagreementsTotal all traces without a consensus or where the latest judge differs from it
 * @param on                 {@code value} (the labels) or {@code score} (their 1–5 {@code metadata.score})
 * @param scoreThreshold     on the score: the judge's threshold (scores at or below it fail); else null
 * @param judgePairs         on the score: every pair of judge versions on the traces both scored; else empty
 */
public record AgreementResult(String experiment, String name, QueueInfo queue, RubricInfo rubric,
                              List<VersionCount> rubricVersions, Instant from, Instant to, AgreementReport report,
                              Consensus.Rule consensusRule, String kappaWeighting, Bootstrap bootstrap,
                              Map<String, String> reviewerNames, Map<String, Double> medianSeconds,
                              List<JudgeSeries> judges, List<Disagreement> disagreements, long disagreementsTotal,
                              String sort, Skipped skipped, Timings timings, String on, Integer scoreThreshold,
                              List<JudgePair> judgePairs) {

    /**
     * Two judge versions compared with each other on the traces both scored (reports on the score only): quadratic
     * κ, ordinal α and the share of equal scores.
     */
    public record JudgePair(String judgeA, String judgeB, long n, dev.jury.agreement.Estimate kappa,
                            dev.jury.agreement.Estimate alphaOrdinal, dev.jury.agreement.Estimate percentAgreement) {
    }

    public record QueueInfo(long id, String name) {
    }

    /** The rubric version the labels were read under. */
    public record RubricInfo(String name, int version, String kind, boolean ordered, List<Level> levels) {
    }

    public record Level(String value, String label, boolean negative) {
    }

    /** A rubric version with how many human labels (by the report's filters) were given under it. */
    public record VersionCount(int version, long labels, boolean selected, boolean current) {
    }

    /** A judge version's verdicts: its source ({@code judge:NAME@vN}), version (null if the source is not so named). */
    public record JudgeSeries(String source, Integer version, long verdicts) {
    }

    /**
     * A trace that needs an admin's eye.
     *
     * @param labels    human labels per rubric value, in rubric order (only values given)
     * @param consensus the consensus value, null when there is none
     * @param judge     the latest judge version's verdict, null when it has none on this trace
     * @param reason    {@code no_consensus} or {@code judge_differs}
     */
    public record Disagreement(long traceId, Map<String, Long> labels, int ratings, String consensus, String judge,
                               Integer judgeVersion, String reason) {
    }

    /** Labels whose value is not a level of the reported rubric version, left out and counted. */
    public record Skipped(long human, long judge, long adjudication, List<ValueCount> values) {
        public long total() {
            return human + judge + adjudication;
        }
    }

    public record ValueCount(String value, long count) {
    }

    /**
     * Where the time went, in milliseconds: getting the labels (a full read, or refreshing the kept ones), building
     * the table, the statistics; and where the labels came from: {@code loaded} (read in full and kept),
     * {@code cached} (kept, refreshed with the rows added since) or {@code uncached} (read in full, not kept).
     */
    public record Timings(double load, double table, double report, String labelsFrom) {
    }

    /** What to show for a rater key (a source id). */
    public String displayName(Object source) {
        String key = String.valueOf(source);
        return reviewerNames.getOrDefault(key, key);
    }
}
