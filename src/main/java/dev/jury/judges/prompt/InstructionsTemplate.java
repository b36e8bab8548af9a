package dev.jury.judges.prompt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Judge instructions checked as an MLflow {@code make_judge} template. The rules and messages follow MLflow
 * ({@code mlflow/genai/judges/instructions_judge/__init__.py}, {@code InstructionsJudge.__init__} and
 * {@code _validate_instructions_template}); where Jury differs it says so below.
 *
 * <ul>
 *   <li>A variable is what MLflow's {@code PROMPT_TEMPLATE_VARIABLE_PATTERN} ({@code mlflow/prompt/constants.py})
 *       matches: {@code {{ name }}}, spaces inside the braces optional, name an identifier, possibly dotted.
 *       Anything else between braces (e.g. {@code {{ }}} or a JSON sample) is plain text, as in MLflow.</li>
 *   <li>Only {@code inputs}, {@code outputs}, {@code expectations} and {@code trace} are allowed, compared
 *       case-sensitively ({@code {{ Inputs }}} and {@code {{ inputs.question }}} are refused, as in MLflow).
 *       MLflow also reserves {@code conversation} for session-level judges; Jury judges single traces, so it is
 *       refused with a note saying so.</li>
 *   <li>{@code {{ trace }}} may be combined with the other variables. Early MLflow 3.4 development versions refused
 *       "both 'trace' and 'inputs'/'outputs'"; current MLflow allows the mix (its test
 *       {@code test_trace_with_inputs_outputs_allowed}), and Jury follows current MLflow. MLflow's further rule
 *       "Model cannot be 'databricks' when using 'trace'" concerns its bare {@code databricks} default model, which
 *       Jury's URIs ({@code provider:/model}) cannot express, so it has no counterpart.</li>
 * </ul>
 */
public final class InstructionsTemplate {

    /** The reserved variables, in the order Jury lists them. */
    public static final List<String> RESERVED_VARIABLES = List.of("inputs", "outputs", "expectations", "trace");

    /** MLflow's PROMPT_TEMPLATE_VARIABLE_PATTERN. */
    private static final Pattern VARIABLE =
            Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\\.[a-zA-Z_][a-zA-Z0-9_]*)*)\\s*\\}\\}");

    private final String text;
    private final List<String> variables;

    private InstructionsTemplate(String text, List<String> variables) {
        this.text = text;
        this.variables = variables;
    }

    /**
     * @throws InvalidTemplateException when the instructions are empty, use a variable other than the reserved ones,
     *                                  or use none of them
     */
    public static InstructionsTemplate parse(String instructions) {
        if (instructions == null || instructions.isBlank()) {
            // MLflow: "instructions must be a non-empty string"
            throw new InvalidTemplateException("Instructions must be a non-empty string.");
        }
        Set<String> all = variablesIn(instructions);
        List<String> unsupported = all.stream().filter(v -> !RESERVED_VARIABLES.contains(v)).toList();
        if (!unsupported.isEmpty()) {
            throw new InvalidTemplateException(unsupportedMessage(unsupported));
        }
        if (all.isEmpty()) {
            // MLflow: "Instructions template must contain at least one variable (e.g., {{ inputs }}, {{ outputs }},
            // {{ trace }}, {{ expectations }}, or {{ conversation }})."
            throw new InvalidTemplateException("Instructions template must contain at least one variable: "
                    + listed(RESERVED_VARIABLES, "or") + ".");
        }
        return new InstructionsTemplate(instructions, List.copyOf(all));
    }

    /** Why the instructions are refused, or empty when they are a valid template (for inline form errors). */
    public static Optional<String> validate(String instructions) {
        try {
            parse(instructions);
            return Optional.empty();
        } catch (InvalidTemplateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The reserved variables {@code instructions} uses, in order of first appearance, ignoring anything else. For
     * building prompts from stored instructions, which were validated when saved: an unexpected {@code {{ … }}}
     * (say, in advice appended by alignment) must not break a judge call; it is shown to the model as written.
     */
    public static List<String> reservedVariablesIn(String instructions) {
        if (instructions == null) {
            return List.of();
        }
        return variablesIn(instructions).stream().filter(RESERVED_VARIABLES::contains).toList();
    }

    /** The instructions exactly as given. */
    public String text() {
        return text;
    }

    /** The variables used, each once, in order of first appearance: the order of the lines in the user message. */
    public List<String> variables() {
        return variables;
    }

    public boolean uses(String variable) {
        return variables.contains(variable);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstructionsTemplate other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private static Set<String> variablesIn(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /**
     * MLflow: "Instructions template contains unsupported variables: {'question'}. Only the following variables are
     * allowed: inputs, outputs, trace, expectations, conversation". Jury names them in order of appearance (MLflow
     * prints a Python set) and writes them as they are typed in a template.
     */
    private static String unsupportedMessage(List<String> unsupported) {
        String message = "Instructions template contains unsupported variables: " + braced(unsupported)
                + ". Only the following variables are allowed: " + braced(RESERVED_VARIABLES) + ".";
        if (unsupported.contains("conversation")) {
            message += " {{ conversation }} belongs to MLflow's session-level judges; Jury judges one trace at a time.";
        }
        return message;
    }

    private static String braced(List<String> names) {
        return names.stream().map(n -> "{{ " + n + " }}").collect(Collectors.joining(", "));
    }

    private static String listed(List<String> names, String conjunction) {
        List<String> b = new ArrayList<>(names.stream().map(n -> "{{ " + n + " }}").toList());
        String last = b.remove(b.size() - 1);
        return String.join(", ", b) + " " + conjunction + " " + last;
    }
}
