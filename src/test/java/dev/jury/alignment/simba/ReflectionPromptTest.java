package dev.jury.alignment.simba;

import dev.jury.alignment.AlignmentExample;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.jury.alignment.AlignmentFixtures.BASE_INSTRUCTIONS;
import static dev.jury.alignment.AlignmentFixtures.YES_NO;
import static dev.jury.alignment.AlignmentFixtures.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReflectionPromptTest {

    private final AlignmentExample trace = example("t-07", "tricky", "no");

    private ReflectionRequest request() {
        return new ReflectionRequest(BASE_INSTRUCTIONS, YES_NO, trace,
                new ReflectionRequest.Run("no", "the answer skips step 2", null, 1.0),
                ReflectionRequest.Run.of(dev.jury.judges.prompt.Verdict.failed("not an allowed value", "maybe"), 0.0));
    }

    @Test
    void userMessageCarriesTheJudgeTheTraceTheHumansAndBothRuns() {
        ReflectionPrompt.Messages m = ReflectionPrompt.build(request());
        String user = m.user();
        assertTrue(user.startsWith("Judge instructions:\n" + BASE_INSTRUCTIONS));
        assertTrue(user.contains("- no (No): The answer is wrong or incomplete. [failing]"));
        assertTrue(user.contains("Allowed values: yes, no"));
        assertTrue(user.contains("\"question\": \"question of t-07\""));
        assertTrue(user.contains("Human experts' value (hidden from the judge): no"));
        assertTrue(user.contains("Human experts' rationale (hidden from the judge): humans say no for t-07"));
        assertTrue(user.contains("Worse run value: (no valid value: not an allowed value)"));
        assertTrue(user.contains("Better run rationale: the answer skips step 2"));
        assertTrue(user.indexOf("Worse run") < user.indexOf("Better run"));
        assertFalse(user.contains("Trace expectations"));
        // trace content is only ever in the user message
        assertFalse(m.system().contains("question of t-07"));
        assertTrue(m.system().contains("\"advice\": \"If the judge sees ..., it should ...\""));
    }

    @Test
    void parsesFencedJson() {
        Optional<Advice> advice = ReflectionPrompt.parse("""
                ```json
                {"discussion": "It ignored the missing step.",
                 "advice": "  If the judge sees an answer that skips a step, it should answer no.  "}
                ```""");
        assertEquals(new Advice("It ignored the missing step.",
                "If the judge sees an answer that skips a step, it should answer no."), advice.orElseThrow());
    }

    @Test
    void toleratesTextAroundTheObject() {
        assertTrue(ReflectionPrompt.parse("Sure! {\"advice\": \"If the judge sees x, it should y.\"} Hope it helps.")
                .isPresent());
    }

    @Test
    void blankAdviceMeansTheModelDeclines() {
        assertTrue(ReflectionPrompt.parse("{\"discussion\": \"nothing to learn\", \"advice\": \"  \"}").isEmpty());
    }

    @Test
    void malformedAnswersAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> ReflectionPrompt.parse("no JSON here"));
        assertThrows(IllegalArgumentException.class, () -> ReflectionPrompt.parse("{\"discussion\": \"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> ReflectionPrompt.parse("{\"advice\": {\"self\": \"x\"}}"));
        assertThrows(IllegalArgumentException.class, () -> ReflectionPrompt.parse("{\"advice\": \"x\""));
        assertThrows(IllegalArgumentException.class, () -> ReflectionPrompt.parse(null));
    }
}
