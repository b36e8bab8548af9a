package dev.jury.llm.embedded;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedJudgeTest {

    private static final String INSTRUCTIONS = "Is the answer hallucinated? {{ inputs }} {{ outputs }}";
    private static final EmbeddedTask.Option NO = new EmbeddedTask.Option("no", "Faithful", "Every claim is true.");
    private static final EmbeddedTask.Option YES = new EmbeddedTask.Option("yes", "Hallucinated", "It invents facts.");

    private static String option(EmbeddedTask.Option o) {
        return EmbeddedJudge.optionText(INSTRUCTIONS, o);
    }

    @Test
    void optionTextIsInstructionsWithoutPlaceholdersThenLabelAndDefinition() {
        assertEquals("Is the answer hallucinated?\nHallucinated: It invents facts.", option(YES));
    }

    @Test
    void withNoMemoryTheClosestDefinitionWinsAndTheRationaleNamesIt() {
        var embedder = new ScriptedEmbedder()
                .put("query: capital of France\nresponse: Lyon", 0.2f, 1.0f)
                .put(option(NO), 1.0f, 0.0f)
                .put(option(YES), 0.0f, 1.0f);
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "query: capital of France\nresponse: Lyon",
                List.of(), EmbeddedTask.Weighting.SIMILARITY);

        EmbeddedJudge.Answer answer = new EmbeddedJudge(embedder).answer(task);

        assertEquals("yes", answer.value());
        assertTrue(answer.rationale().contains("No labelled examples in this judge version's memory"),
                answer.rationale());
        assertTrue(answer.rationale().contains("closest is \"yes\" (Hallucinated) with similarity 0.981"),
                answer.rationale());
        assertTrue(answer.rationale().contains("(\"no\" 0.196)"), answer.rationale());
        assertEquals(0.981 - 0.196, answer.margin(), 1e-3);
    }

    @Test
    void aDefinitionTieGoesToTheFirstLevelInRubricOrder() {
        var embedder = new ScriptedEmbedder().put("item", 1.0f, 1.0f).put(option(NO), 1.0f, 0.0f)
                .put(option(YES), 0.0f, 1.0f);
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "item", List.of(), null);
        assertEquals("no", new EmbeddedJudge(embedder).answer(task).value());
    }

    @Test
    void withMemoryTheSimilarityWeightedVoteOfTheNeighboursDecides() {
        // One close "yes" outweighs two barely similar "no"s, but loses to them by count.
        var near = List.of(new EmbeddedTask.Neighbour("41", "yes", 0.90),
                new EmbeddedTask.Neighbour("7", "no", 0.30), new EmbeddedTask.Neighbour("12", "No ", 0.20));
        var weighted = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "item", near,
                EmbeddedTask.Weighting.SIMILARITY);
        var uniform = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "item", near, EmbeddedTask.Weighting.UNIFORM);
        var judge = new EmbeddedJudge(new ScriptedEmbedder());

        EmbeddedJudge.Answer byWeight = judge.answer(weighted);
        assertEquals("yes", byWeight.value());
        assertEquals("The 3 most similar labelled examples in memory: trace 41 \"yes\" (0.900), trace 7 \"no\" "
                + "(0.300), trace 12 \"no\" (0.200). Similarity-weighted vote: \"no\" 0.500, \"yes\" 0.900, so "
                + "\"yes\". (Offline model scripted.)", byWeight.rationale());
        assertEquals(0.4 / 1.4, byWeight.margin(), 1e-9);

        EmbeddedJudge.Answer byCount = judge.answer(uniform);
        assertEquals("no", byCount.value());
        assertTrue(byCount.rationale().contains("Unweighted vote: \"no\" 2.000, \"yes\" 1.000"), byCount.rationale());
    }

    @Test
    void aVoteTieGoesToTheNearestNeighboursValue() {
        var near = List.of(new EmbeddedTask.Neighbour("3", "no", 0.8), new EmbeddedTask.Neighbour("4", "yes", 0.8));
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(YES, NO), "item", near, EmbeddedTask.Weighting.UNIFORM);
        EmbeddedJudge.Answer answer = new EmbeddedJudge(new ScriptedEmbedder()).answer(task);
        assertEquals("no", answer.value());
        assertEquals(0.0, answer.margin());
    }

    @Test
    void aNeighbourLabelledOutsideTheRubricHasNoVote() {
        var near = List.of(new EmbeddedTask.Neighbour("3", "maybe", 0.99), new EmbeddedTask.Neighbour("4", "yes", 0.1));
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "item", near, EmbeddedTask.Weighting.SIMILARITY);
        assertEquals("yes", new EmbeddedJudge(new ScriptedEmbedder()).answer(task).value());
    }

    @Test
    void theSameTaskAlwaysGivesTheSameAnswer() {
        var embedder = new ScriptedEmbedder().put("item", 0.3f, 0.7f, 0.1f).put(option(NO), 0.5f, 0.5f, 0.0f)
                .put(option(YES), 0.1f, 0.9f, 0.3f);
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(NO, YES), "item", List.of(), null);
        var judge = new EmbeddedJudge(embedder);
        EmbeddedJudge.Answer first = judge.answer(task);
        for (int i = 0; i < 20; i++) {
            assertEquals(first, judge.answer(task));
        }
    }

    @Test
    void aRubricWithoutLevelsIsRefused() {
        var task = new EmbeddedTask(INSTRUCTIONS, List.of(), "item", List.of(), null);
        var e = assertThrows(IllegalArgumentException.class, () -> new EmbeddedJudge(new ScriptedEmbedder()).answer(task));
        assertTrue(e.getMessage().contains("no levels"));
    }
}
