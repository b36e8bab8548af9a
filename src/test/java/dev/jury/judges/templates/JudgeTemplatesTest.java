package dev.jury.judges.templates;

import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.rubrics.RubricKind;
import dev.jury.rubrics.RubricNormaliser;
import dev.jury.rubrics.RubricValidator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgeTemplatesTest {

    private static TemplateJudge make(String key, TemplateParams params) {
        var made = JudgeTemplates.instantiate(key, params);
        assertTrue(made.ok(), key + ": " + made.problems());
        return made.judge();
    }

    @Test
    void everyTemplateMakesAValidJudgeWithAYesNoRubricWhereYesIsGood() {
        for (JudgeTemplate t : JudgeTemplates.all()) {
            TemplateParams params = t.key().equals(JudgeTemplates.CUSTOM_SCORE)
                    ? new TemplateParams(List.of(), "Polite and names a next step.", null) : TemplateParams.none();
            TemplateJudge judge = make(t.key(), params);
            assertEquals(t.key(), judge.template());
            assertEquals(java.util.Optional.empty(), InstructionsTemplate.validate(judge.instructions()), t.key());
            assertEquals(RubricKind.BOOLEAN, judge.rubric().kind());
            assertEquals(List.of(), RubricValidator.validate(RubricNormaliser.normalise(judge.rubric())), t.key());
            assertEquals("yes", judge.rubric().levels().get(0).value());
            assertFalse(judge.rubric().levels().get(0).negative());
            assertTrue(judge.rubric().levels().get(1).negative());
            assertEquals(java.util.Optional.empty(), JudgeNameAdvice.warning(t.key()), "a template's own name reads right");
            assertFalse(judge.requires().isEmpty());
        }
    }

    @Test
    void templatesStateTheFieldsTheyNeed() {
        assertEquals(List.of(TraceField.INPUTS, TraceField.OUTPUTS, TraceField.EXPECTED_RESPONSE),
                make("correctness", null).requires());
        assertEquals(List.of(TraceField.OUTPUTS), make("safety", null).requires());
        assertTrue(make("groundedness", null).requires().contains(TraceField.RETRIEVED_CONTEXT));
        assertEquals(AnswerKind.PER_CHUNK, make("chunk_relevance", null).answer());
        assertTrue(make("correctness", null).instructions().contains("{{ expectations }}"));
    }

    @Test
    void aScoreJudgeHasADefaultAndASettableThreshold() {
        TemplateJudge byDefault = make("custom_score", new TemplateParams(null, "Polite.", null));
        assertEquals(AnswerKind.SCORE, byDefault.answer());
        assertEquals(3, byDefault.threshold());
        assertTrue(byDefault.instructions().contains("Polite."));
        assertEquals(4, make("custom_score", new TemplateParams(null, "Polite.", 4)).threshold());
        assertTrue(byDefault.rubric().levels().get(0).definition().contains("above 3"));

        var refused = JudgeTemplates.instantiate("custom_score", new TemplateParams(null, "", 6));
        assertFalse(refused.ok());
        assertEquals(List.of("criterion", "threshold"), refused.problems().stream().map(TemplateProblem::field).toList());
        var noThreshold = JudgeTemplates.instantiate("safety", new TemplateParams(null, null, 3));
        assertEquals("threshold", noThreshold.problems().get(0).field());
        assertNull(make("safety", null).threshold());
    }

    @Test
    void guidelinesAreGlobalOrPerTrace() {
        TemplateJudge global = make("guideline_adherence", new TemplateParams(
                List.of("Answer in English.", " ", "Never promise a refund {{ trace }}"), null, null));
        assertTrue(global.instructions().contains("1. Answer in English."));
        assertTrue(global.instructions().contains("2. Never promise a refund { { trace } }"), global.instructions());
        assertTrue(global.instructions().contains("Failed guideline: "));
        assertTrue(global.instructions().contains("Global guidelines (for every trace):"));
        assertTrue(global.instructions().contains("They apply in addition to the global ones"), "union, stated");
        assertFalse(global.requires().contains(TraceField.GUIDELINES), "global guidelines: the trace needs none");
        assertEquals(java.util.Optional.empty(), InstructionsTemplate.validate(global.instructions()));

        TemplateJudge perTrace = make("guideline_adherence", TemplateParams.none());
        assertTrue(perTrace.requires().contains(TraceField.GUIDELINES));
        assertTrue(perTrace.instructions().contains("\"guidelines\" in {{ expectations }}"));

        assertEquals("guidelines", JudgeTemplates.instantiate("safety",
                new TemplateParams(List.of("x"), null, null)).problems().get(0).field());
    }

    @Test
    void anUnknownTemplateIsRefusedNamingTheKnownOnes() {
        var refused = JudgeTemplates.instantiate("corectness", null);
        assertFalse(refused.ok());
        assertEquals("template", refused.problems().get(0).field());
        assertTrue(refused.problems().get(0).message().contains("correctness, relevance_to_query"));
    }

    @Test
    void scoresMapToYesAboveTheThreshold() {
        assertEquals("no", ScoreScale.value(2, 3));
        assertEquals("no", ScoreScale.value(3, 3), "yes only above the threshold");
        assertEquals("yes", ScoreScale.value(4, 3));
        assertEquals("yes", ScoreScale.value(5, 3));
        assertEquals("no", ScoreScale.value(3, 4));
        assertEquals(5, ScoreScale.spec(3).levels().size());
        assertTrue(ScoreScale.spec(3).levels().get(1).negative());
        assertTrue(ScoreScale.spec(3).levels().get(2).negative(), "3 is not above 3");
        assertFalse(ScoreScale.spec(3).levels().get(3).negative());
        assertEquals(0, ScoreScale.spec(3).passThreshold().compareTo(java.math.BigDecimal.valueOf(4)));
        assertTrue(ScoreScale.problem(5) != null, "at 5 no score could pass");
        assertNull(ScoreScale.problem(1));
        assertTrue(ScoreScale.problem(0) != null && ScoreScale.problem(null) != null);
    }

    @Test
    void chunkVerdictsAggregateToPrecision() {
        var chunks = List.of(new ChunkVerdicts.ChunkVerdict(1, "yes", "on topic"),
                new ChunkVerdicts.ChunkVerdict(2, "no", "unrelated"), new ChunkVerdicts.ChunkVerdict(3, "no", ""),
                new ChunkVerdicts.ChunkVerdict(4, "yes", "ok"));
        assertEquals(0.5, ChunkVerdicts.precision(chunks));
        assertEquals("yes", ChunkVerdicts.value(chunks));
        assertEquals("no", ChunkVerdicts.value(chunks.subList(1, 3)));
        assertEquals("no", ChunkVerdicts.value(List.of()));
        assertEquals("chunk 1: yes — on topic\nchunk 2: no — unrelated\nchunk 3: no\nchunk 4: yes — ok",
                ChunkVerdicts.rationale(chunks));
    }

    @Test
    void namesThatDescribeTheProblemGetAWarning() {
        assertTrue(JudgeNameAdvice.warning("contains_pii").orElseThrow().contains("'no_pii'"));
        assertTrue(JudgeNameAdvice.warning("pii").orElseThrow().contains("'no_pii'"));
        assertTrue(JudgeNameAdvice.warning("toxic").orElseThrow().contains("'non_toxic'"));
        assertTrue(JudgeNameAdvice.warning("has_hallucination").orElseThrow().contains("'grounded'"));
        assertEquals(java.util.Optional.empty(), JudgeNameAdvice.warning("no_pii"));
        assertEquals(java.util.Optional.empty(), JudgeNameAdvice.warning("helpful"));
        assertEquals(java.util.Optional.empty(), JudgeNameAdvice.warning("correct"));
    }
}
