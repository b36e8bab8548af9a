package dev.jury.judges.prompt;

import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.prompt.VerdictParser;
import dev.jury.rubrics.RubricFixtures;
import dev.jury.rubrics.RubricSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jury.rubrics.RubricFixtures.level;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VerdictParserTest {

    private static final RubricSpec QUALITY = RubricFixtures.quality();
    private static final RubricSpec ONE_TO_FIVE = RubricFixtures.oneToFive();

    @Test
    void plainJson() {
        assertEquals(Verdict.of("good", "Minor omissions."),
                VerdictParser.parse("{\"result\": \"good\", \"rationale\": \"Minor omissions.\"}", QUALITY));
    }

    @Test
    void jsonFence() {
        assertEquals(Verdict.of("fair", "Misleading."),
                VerdictParser.parse("```json\n{\"result\": \"fair\", \"rationale\": \"Misleading.\"}\n```", QUALITY));
    }

    @Test
    void plainFenceWithProseAround() {
        String raw = "Here is my assessment:\n```\n{\"result\": \"poor\", \"rationale\": \"Off topic.\"}\n```\nHope this helps!";
        assertEquals(Verdict.of("poor", "Off topic."), VerdictParser.parse(raw, QUALITY));
    }

    @Test
    void proseWrappedWithoutFence() {
        String raw = "After weighing it {carefully}, my verdict is {\"result\": \"excellent\", \"rationale\": "
                + "\"Complete {and} clear.\"} — final.";
        assertEquals(Verdict.of("excellent", "Complete {and} clear."), VerdictParser.parse(raw, QUALITY));
    }

    @Test
    void caseAndSpaceAreFolded() {
        assertEquals(Verdict.of("good", "ok"), VerdictParser.parse("{\"result\": \" GOOD \", \"rationale\": \"ok\"}",
                QUALITY));
    }

    @Test
    void numericIsComparedAsNumberAndReturnedInTheRubricsSpelling() {
        assertEquals(Verdict.of("4", "x"), VerdictParser.parse("{\"result\": \"4.0\", \"rationale\": \"x\"}", ONE_TO_FIVE));
        assertEquals(Verdict.of("4", "x"), VerdictParser.parse("{\"result\": 4, \"rationale\": \"x\"}", ONE_TO_FIVE));
        assertEquals(Verdict.of("4", "x"), VerdictParser.parse("{\"result\": 4.0, \"rationale\": \"x\"}", ONE_TO_FIVE));
        assertEquals(Verdict.failed("'4.5' is not one of: 1, 2, 3, 4, 5", "{\"result\": 4.5}"),
                VerdictParser.parse("{\"result\": 4.5}", ONE_TO_FIVE));
    }

    @Test
    void booleanJsonValuesMeanYesAndNo() {
        assertEquals(Verdict.of("no", ""), VerdictParser.parse("{\"result\": false}", RubricFixtures.yesNo()));
        assertEquals(Verdict.of("yes", ""), VerdictParser.parse("{\"result\": \"Yes\"}", RubricFixtures.yesNo()));
    }

    @Test
    void missingRationaleIsEmpty() {
        assertEquals(Verdict.of("good", ""), VerdictParser.parse("{\"result\": \"good\"}", QUALITY));
        assertEquals(Verdict.of("good", ""), VerdictParser.parse("{\"result\": \"good\", \"rationale\": null}", QUALITY));
    }

    @Test
    void toleratesWhatModelsCommonlyGetWrong() {
        // a raw line break inside the string, a trailing comma, single quotes
        assertEquals(Verdict.of("good", "Line one\nline two"),
                VerdictParser.parse("{\"result\": \"good\", \"rationale\": \"Line one\nline two\",}", QUALITY));
        assertEquals(Verdict.of("poor", "Wrong."), VerdictParser.parse("{'result': 'poor', 'rationale': 'Wrong.'}",
                QUALITY));
    }

    @Test
    void outOfRubric() {
        String raw = "{\"result\": \"excellent!\", \"rationale\": \"Great.\"}";
        Verdict verdict = VerdictParser.parse(raw, QUALITY);
        assertEquals(Verdict.failed("'excellent!' is not one of: excellent, good, fair, poor", raw), verdict);
        assertNull(verdict.value());
    }

    @Test
    void notJson() {
        assertEquals(Verdict.failed("answer is not JSON", "The answer is good."),
                VerdictParser.parse("The answer is good.", QUALITY));
        assertEquals(Verdict.failed("answer is not JSON", "{\"result\": \"good\""),
                VerdictParser.parse("{\"result\": \"good\"", QUALITY));
        assertEquals(Verdict.failed("answer is not JSON", "[\"good\"]"), VerdictParser.parse("[\"good\"]", QUALITY));
    }

    @Test
    void emptyAnswer() {
        assertEquals(Verdict.failed("answer is empty", null), VerdictParser.parse(null, QUALITY));
        assertEquals(Verdict.failed("answer is empty", " \n"), VerdictParser.parse(" \n", QUALITY));
    }

    @Test
    void noResultField() {
        assertEquals(Verdict.failed("no 'result' field", "{\"verdict\": \"good\"}"),
                VerdictParser.parse("{\"verdict\": \"good\"}", QUALITY));
    }

    @Test
    void resultMustBeASingleValue() {
        assertEquals("'result' is null", VerdictParser.parse("{\"result\": null}", QUALITY).error());
        assertEquals("'result' must be a single value, not an array",
                VerdictParser.parse("{\"result\": [\"good\"]}", QUALITY).error());
        assertEquals("'result' must be a single value, not an object",
                VerdictParser.parse("{\"result\": {\"value\": \"good\"}}", QUALITY).error());
    }

    @Test
    void twoVerdictsAreAmbiguous() {
        assertEquals("answer contains 2 JSON objects with a 'result'; expected exactly one",
                VerdictParser.parse("{\"result\": \"good\"} or maybe {\"result\": \"poor\"}", QUALITY).error());
    }

    @Test
    void anExampleObjectBesideTheVerdictIsIgnored() {
        assertEquals(Verdict.of("good", "ok"), VerdictParser.parse(
                "The output was {\"answer\": 4}. {\"result\": \"good\", \"rationale\": \"ok\"}", QUALITY));
    }

    @Test
    void aFenceHoldingSomethingElseFallsBackToTheWholeAnswer() {
        assertEquals(Verdict.of("good", "ok"), VerdictParser.parse(
                "It printed:\n```\nhello\n```\n{\"result\": \"good\", \"rationale\": \"ok\"}", QUALITY));
    }

    @Test
    void rawIsTruncatedToTwoThousandCharacters() {
        String raw = "x".repeat(5_000);
        Verdict verdict = VerdictParser.parse(raw, QUALITY);
        assertEquals(2_000, verdict.raw().length());
        // a surrogate pair is not cut in half
        String emoji = "x".repeat(1_999) + "\uD83D\uDC4D" + "tail";
        assertEquals("x".repeat(1_999), VerdictParser.parse(emoji, QUALITY).raw());
    }

    @Test
    void valuesThatLookNumericInACategoricalRubricAreText() {
        RubricSpec grades = RubricFixtures.withLevels(QUALITY, List.of(
                level("1", "First", "Best.", false),
                level("2", "Second", "Worse.", true)));
        assertEquals(Verdict.of("1", ""), VerdictParser.parse("{\"result\": 1}", grades));
        assertEquals("'1.0' is not one of: 1, 2", VerdictParser.parse("{\"result\": \"1.0\"}", grades).error());
    }
}
