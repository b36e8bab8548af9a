package dev.jury.review;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a queue's items come from (docs/production.md, "Review queues fed by the judge's uncertainty"). Every
 * source keeps the pinned rubric version and the ≥ b predicted-negative and -positive rule of {@link BalancedSampler}.
 */
public enum QueueSource {
    /** A balanced random sample: ⌈b·N⌉ predicted negatives, ⌈b·N⌉ positives, the rest uniform (the default). */
    BALANCED("balanced", "Balanced sample (default)"),
    /** The traces the judge is least sure of, plus a random stratum of the whole pool. */
    UNCERTAIN("uncertain", "Where the judge is least sure"),
    /** Traces whose current judge verdict differs from their current human label, plus a random stratum. */
    JUDGE_HUMAN_DISAGREE("judge_human_disagree", "Judge and humans disagree"),
    /** A random sample stratified by the judge's verdict value, each stratum's inclusion probability recorded. */
    STRATIFIED_RANDOM("stratified_random", "Random, stratified by verdict");

    private final String key;
    private final String label;

    QueueSource(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name in the API and the form: {@code balanced}, {@code uncertain}, … */
    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    /** Whether the source picks items on purpose and so mixes in a random stratum. */
    public boolean purposive() {
        return this == UNCERTAIN || this == JUDGE_HUMAN_DISAGREE;
    }

    /** The source named {@code text} (API key or enum name, any case); empty for anything else. */
    public static Optional<QueueSource> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String clean = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.key.equals(clean)).findFirst();
    }

    /** "balanced, uncertain, judge_human_disagree, stratified_random" for messages. */
    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(QueueSource::key).toList());
    }
}
