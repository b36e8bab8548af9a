package dev.jury.judges.templates;

import java.util.List;

/**
 * One entry of the catalogue: what the form shows when the template is picked. {@link JudgeTemplates#instantiate}
 * turns it, with the admin's parameters, into a {@link TemplateJudge}.
 *
 * @param key          the template's key, also the suggested judge name
 * @param title        a short title for the picker
 * @param description  what the judge checks, one or two sentences
 * @param requires     the trace fields it reads (without global guidelines, the guideline judge also needs
 *                     {@link TraceField#GUIDELINES})
 * @param answer       how it answers
 * @param parameters   what the admin supplies: {@code guidelines}, {@code criterion}, {@code threshold}; empty for none
 * @param builtIn      whether "run the judges that fit" applies it (it needs no parameter)
 */
public record JudgeTemplate(String key, String title, String description, List<TraceField> requires,
                            AnswerKind answer, List<String> parameters, boolean builtIn) {

    public JudgeTemplate {
        requires = List.copyOf(requires);
        parameters = List.copyOf(parameters);
    }

    /** The fields, as the form lists them: {@code inputs, outputs, …}. */
    public String requiredFieldsText() {
        return String.join(", ", requires.stream().map(TraceField::path).toList());
    }
}
