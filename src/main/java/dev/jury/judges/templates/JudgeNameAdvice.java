package dev.jury.judges.templates;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The "yes means good" convention: every template judge answers {@code yes} for the desirable outcome, so a share
 * of {@code yes} is a pass rate and all judges read the same way on a summary. A name that describes the problem
 * ({@code contains_pii}, {@code toxic}) reads backwards under that convention; this check says so and suggests a
 * name for the good side ({@code no_pii}). Advice only — the name rule itself is {@code labels.LabelNames}.
 */
public final class JudgeNameAdvice {

    /** Words that name a problem, and the good-side name suggested for each. */
    private static final Map<String, String> PROBLEM_WORDS = Map.ofEntries(
            Map.entry("pii", "no_pii"), Map.entry("toxic", "non_toxic"), Map.entry("toxicity", "non_toxic"),
            Map.entry("hallucination", "grounded"), Map.entry("hallucinations", "grounded"),
            Map.entry("hallucinated", "grounded"), Map.entry("harmful", "harmless"), Map.entry("unsafe", "safe"),
            Map.entry("harm", "harmless"), Map.entry("error", "error_free"), Map.entry("errors", "error_free"),
            Map.entry("bias", "unbiased"), Map.entry("biased", "unbiased"), Map.entry("leak", "no_leak"),
            Map.entry("leaks", "no_leak"), Map.entry("jailbreak", "no_jailbreak"), Map.entry("offensive", "inoffensive"),
            Map.entry("irrelevant", "relevant"), Map.entry("incorrect", "correct"), Map.entry("wrong", "correct"),
            Map.entry("profanity", "no_profanity"), Map.entry("violation", "compliant"),
            Map.entry("violations", "compliant"), Map.entry("refusal", "answered"), Map.entry("failure", "success"));

    private static final List<String> PROBLEM_PREFIXES = List.of("contains_", "has_", "is_", "includes_");

    private JudgeNameAdvice() {
    }

    /** A warning with a suggested name when {@code name} describes the bad outcome; empty when it reads right. */
    public static Optional<String> warning(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("no_") || n.startsWith("not_") || n.startsWith("non_") || n.startsWith("without_")) {
            return Optional.empty();
        }
        String rest = n;
        for (String prefix : PROBLEM_PREFIXES) {
            if (n.startsWith(prefix) && n.length() > prefix.length()) {
                rest = n.substring(prefix.length());
                break;
            }
        }
        for (String word : rest.split("_")) {
            String better = PROBLEM_WORDS.get(word);
            if (better != null) {
                String suggestion = rest.equals(word) ? better : "no_" + rest;
                return Optional.of("Judges answer yes for the good outcome, so a share of yes reads as a pass rate. '"
                        + name.strip() + "' names the problem: yes would mean bad. Consider '" + suggestion
                        + "' and a rubric where yes means the problem is absent.");
            }
        }
        return Optional.empty();
    }
}
