package dev.jury.judges.prompt;

import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.judges.prompt.InvalidTemplateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstructionsTemplateTest {

    private static final String ALLOWED = "Only the following variables are allowed: {{ inputs }}, {{ outputs }}, "
            + "{{ expectations }}, {{ trace }}.";

    @ParameterizedTest
    @ValueSource(strings = {"inputs", "outputs", "expectations", "trace"})
    void acceptsEachReservedVariable(String variable) {
        InstructionsTemplate template = InstructionsTemplate.parse("Judge {{ " + variable + " }}.");
        assertEquals(List.of(variable), template.variables());
        assertTrue(template.uses(variable));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{outputs}}", "{{ outputs }}", "{{  outputs}}", "{{outputs   }}", "{{\toutputs\n}}"})
    void spacesInsideTheBracesAreOptional(String placeholder) {
        assertEquals(List.of("outputs"), InstructionsTemplate.parse("Is " + placeholder + " polite?").variables());
    }

    @Test
    void variablesAreInOrderOfFirstAppearance() {
        InstructionsTemplate template = InstructionsTemplate.parse(
                "Compare {{ outputs }} with {{expectations}} for {{ inputs }}; quote {{ outputs }} and see {{ trace }}.");
        assertEquals(List.of("outputs", "expectations", "inputs", "trace"), template.variables());
    }

    @Test
    void traceMayBeCombinedWithTheOthersAsInCurrentMlflow() {
        assertEquals(List.of("trace", "inputs", "outputs"),
                InstructionsTemplate.parse("Given {{ trace }}, did {{ inputs }} get {{ outputs }}?").variables());
    }

    @Test
    void keepsTheTextAsWritten() {
        String text = "  Is {{outputs}} correct?\n";
        assertEquals(text, InstructionsTemplate.parse(text).text());
    }

    @Test
    void refusesAnUnknownVariableNamingItAndTheAllowedOnes() {
        InvalidTemplateException e = assertThrows(InvalidTemplateException.class,
                () -> InstructionsTemplate.parse("Does {{ outputs }} answer {{ question }}?"));
        assertEquals("Instructions template contains unsupported variables: {{ question }}. " + ALLOWED, e.getMessage());
    }

    @Test
    void namesEveryUnknownVariableOnceInOrder() {
        InvalidTemplateException e = assertThrows(InvalidTemplateException.class,
                () -> InstructionsTemplate.parse("{{ context }} {{question}} {{ context }} {{ inputs.question }} "
                        + "{{ Outputs }}"));
        assertEquals("Instructions template contains unsupported variables: {{ context }}, {{ question }}, "
                + "{{ inputs.question }}, {{ Outputs }}. " + ALLOWED, e.getMessage());
    }

    @Test
    void explainsThatConversationIsAnMlflowSessionVariable() {
        InvalidTemplateException e = assertThrows(InvalidTemplateException.class,
                () -> InstructionsTemplate.parse("Was {{ conversation }} helpful?"));
        assertEquals("Instructions template contains unsupported variables: {{ conversation }}. " + ALLOWED
                + " {{ conversation }} belongs to MLflow's session-level judges; Jury judges one trace at a time.",
                e.getMessage());
    }

    @Test
    void refusesInstructionsWithoutVariables() {
        InvalidTemplateException e = assertThrows(InvalidTemplateException.class,
                () -> InstructionsTemplate.parse("Is the answer polite?"));
        assertEquals("Instructions template must contain at least one variable: {{ inputs }}, {{ outputs }}, "
                + "{{ expectations }} or {{ trace }}.", e.getMessage());
    }

    @Test
    void bracesThatAreNotAVariableAreText() {
        // MLflow's variable pattern needs an identifier between the braces; anything else is left alone
        InstructionsTemplate template = InstructionsTemplate.parse(
                "Is {{ outputs }} shaped like {{ \"result\": 1 }} or {{ }} or {{ 2x }}?");
        assertEquals(List.of("outputs"), template.variables());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\n\t"})
    void refusesEmptyInstructions(String instructions) {
        InvalidTemplateException e = assertThrows(InvalidTemplateException.class,
                () -> InstructionsTemplate.parse(instructions));
        assertEquals("Instructions must be a non-empty string.", e.getMessage());
    }

    @Test
    void validateReturnsTheMessageInsteadOfThrowing() {
        assertEquals(Optional.empty(), InstructionsTemplate.validate("Is {{ outputs }} fine?"));
        assertEquals(Optional.of("Instructions must be a non-empty string."), InstructionsTemplate.validate(""));
    }

    @Test
    void equalityIsByText() {
        assertEquals(InstructionsTemplate.parse("{{ inputs }}"), InstructionsTemplate.parse("{{ inputs }}"));
    }
}
