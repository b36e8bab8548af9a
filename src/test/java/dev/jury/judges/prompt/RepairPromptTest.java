package dev.jury.judges.prompt;

import dev.jury.judges.prompt.RepairPrompt;
import dev.jury.rubrics.RubricFixtures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepairPromptTest {

    @Test
    void showsTheInvalidAnswerAndTheReasonAndRestatesTheFormat() {
        assertEquals("Your previous answer could not be used: 'excellent!' is not one of: excellent, good, fair, poor.\n\n"
                + "Your previous answer was:\n"
                + "```\n"
                + "{\"result\": \"excellent!\"}\n"
                + "```\n\n"
                + "Reply with a single JSON object and nothing else (no Markdown, no text before or after it):\n"
                + "{\"result\": \"<one of the allowed values>\", \"rationale\": \"<why, citing the data>\"}\n"
                + "\"result\" must be exactly one of: \"excellent\", \"good\", \"fair\", \"poor\".",
                RepairPrompt.followUp("{\"result\": \"excellent!\"}",
                        "'excellent!' is not one of: excellent, good, fair, poor", RubricFixtures.quality()));
    }

    @Test
    void quotesAFencedAnswerIntact() {
        String answer = "```json\n{\"result\": \"great\"}\n```";
        String followUp = RepairPrompt.followUp(answer, "answer is not JSON", RubricFixtures.quality());
        assertTrue(followUp.contains("was:\n````\n" + answer + "\n````\n"), followUp);
        assertTrue(followUp.startsWith("Your previous answer could not be used: answer is not JSON.\n"), followUp);
    }

    @Test
    void truncatesALongAnswer() {
        String followUp = RepairPrompt.followUp("y".repeat(10_000), "answer is not JSON", RubricFixtures.yesNo());
        assertTrue(followUp.contains("y".repeat(2_000) + "\n```"));
        assertTrue(!followUp.contains("y".repeat(2_001)));
        assertTrue(followUp.endsWith("\"result\" must be exactly one of: \"yes\", \"no\"."), followUp);
    }
}
