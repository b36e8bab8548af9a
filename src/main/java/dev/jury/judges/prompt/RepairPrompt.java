package dev.jury.judges.prompt;

import dev.jury.rubrics.RubricSpec;

/**
 * The user message of the single repair retry after an unusable answer. It is sent after the original system and
 * user messages and the model's own answer, and quotes that answer again so the retry works even where the provider
 * layer does not replay the assistant turn.
 */
public final class RepairPrompt {

    private RepairPrompt() {
    }

    /**
     * @param invalidAnswer the model's answer, truncated to {@value VerdictParser#RAW_LIMIT} characters here
     * @param reason        the parser's reason, e.g. {@code 'excellent!' is not one of: excellent, good, fair, poor}
     */
    public static String followUp(String invalidAnswer, String reason, RubricSpec rubric) {
        String answer = VerdictParser.truncate(invalidAnswer == null ? "" : invalidAnswer);
        String fence = fenceFor(answer);
        return "Your previous answer could not be used: " + sentence(reason) + "\n\n"
                + "Your previous answer was:\n" + fence + "\n" + answer + "\n" + fence + "\n\n"
                + AnswerFormat.instructions(rubric);
    }

    /** A fence longer than any run of backticks in the answer, so a fenced answer is quoted intact (CommonMark). */
    private static String fenceFor(String answer) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < answer.length(); i++) {
            run = answer.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(3, longest + 1));
    }

    private static String sentence(String reason) {
        String r = reason == null || reason.isBlank() ? "the answer was not in the required format" : reason.strip();
        return r.endsWith(".") ? r : r + ".";
    }
}
