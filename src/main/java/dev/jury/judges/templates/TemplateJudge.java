package dev.jury.judges.templates;

import dev.jury.rubrics.RubricSpec;

import java.util.List;

/**
 * A template made concrete: the instructions and rubric of an ordinary judge, plus how it answers.
 *
 * @param template     the template's key, stored on the judge version
 * @param instructions an MLflow instructions template over {@code {{ inputs }}}, {@code {{ outputs }}},
 *                     {@code {{ expectations }}}, {@code {{ trace }}}
 * @param rubric       the yes/no rubric the judge and its reviewers answer in
 * @param answer       how the model is asked to answer
 * @param threshold    for {@link AnswerKind#SCORE}: a score above it is {@code yes}; null otherwise
 * @param requires     the trace fields it needs
 */
public record TemplateJudge(String template, String instructions, RubricSpec rubric, AnswerKind answer,
                            Integer threshold, List<TraceField> requires) {
}
