package dev.jury.alignment.memalign;

import dev.jury.alignment.AlignmentFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistillationPromptTest {

    @Test
    void theUserMessageHoldsInstructionsRubricGuidelinesAndRecords() {
        var records = List.of(
                new FeedbackRecord(1, AlignmentFixtures.example("t-1", "refund", "no"), "yes", "fine", false),
                new FeedbackRecord(2, AlignmentFixtures.example("t-2", "shipping", "yes"), null, null, null));
        var messages = DistillationPrompt.build(new DistillationRequest(AlignmentFixtures.BASE_INSTRUCTIONS,
                AlignmentFixtures.YES_NO, List.of("Be strict about refunds."), records));
        assertEquals(DistillationPrompt.SYSTEM, messages.system());
        String user = messages.user();
        assertTrue(user.startsWith("Judge instructions:\n" + AlignmentFixtures.BASE_INSTRUCTIONS));
        assertTrue(user.contains("Allowed values: yes, no"));
        assertTrue(user.contains("Guidelines already learned:\n- Be strict about refunds.\n"));
        assertTrue(user.contains("\"experts_value\" : \"no\""));
        assertTrue(user.contains("\"judge_agreed\" : false"));
        assertEquals(1, user.split("judge_agreed", -1).length - 1, "unknown agreement is left out");
        assertTrue(!messages.system().contains("t-1"), "trace content only in the user message");
    }

    @Test
    void parsesJuryAndMlflowShapesFencesAndBadIds() {
        String reply = """
                ```json
                {"guidelines": [
                  {"text": " Refunds need a receipt. ", "source_ids": [1, "2", "x", 2.5]},
                  {"guideline_text": "MLflow's field names work too.", "source_trace_ids": [3]},
                  {"text": "   "},
                  "A bare string has no sources."
                ]}
                ```""";
        assertEquals(List.of(new DistilledGuideline("Refunds need a receipt.", List.of(1, 2)),
                new DistilledGuideline("MLflow's field names work too.", List.of(3)),
                new DistilledGuideline("A bare string has no sources.", List.of())), DistillationPrompt.parse(reply));
        assertEquals(List.of(), DistillationPrompt.parse("{\"guidelines\": []}"));
        assertThrows(IllegalArgumentException.class, () -> DistillationPrompt.parse("no idea"));
        assertThrows(IllegalArgumentException.class, () -> DistillationPrompt.parse("{\"advice\": \"x\"}"));
    }
}
