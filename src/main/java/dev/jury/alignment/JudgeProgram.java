package dev.jury.alignment;

import dev.jury.judges.prompt.Demo;
import dev.jury.judges.memory.JudgeMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A candidate judge: what an optimizer varies. Immutable; every change returns a new program.
 *
 * @param instructions the judge's instructions template with every accepted rule appended after a blank line
 * @param demos        the demos shown under "Examples of correct assessments", in order
 * @param rules        the rules appended to the base instructions so far, in order, without duplicates
 * @param memory       the labelled memory recalled at every call; {@code null} for none
 */
public record JudgeProgram(String instructions, List<Demo> demos, List<String> rules, JudgeMemory memory) {

    public JudgeProgram {
        Objects.requireNonNull(instructions, "instructions");
        demos = List.copyOf(demos);
        rules = List.copyOf(rules);
        memory = memory == null || memory.isEmpty() ? null : memory;
    }

    public JudgeProgram(String instructions, List<Demo> demos, List<String> rules) {
        this(instructions, demos, rules, null);
    }

    /** The judge version an optimizer starts from: its instructions and demos, no rules yet. */
    public static JudgeProgram of(String instructions, List<Demo> demos) {
        return new JudgeProgram(instructions, demos == null ? List.of() : demos, List.of(), null);
    }

    /** The judge version an optimizer starts from, with its memory ({@code null} for none). */
    public static JudgeProgram of(String instructions, List<Demo> demos, JudgeMemory memory) {
        return new JudgeProgram(instructions, demos == null ? List.of() : demos, List.of(), memory);
    }

    /** The same program recalling from {@code replacement} ({@code null} for no memory). */
    public JudgeProgram withMemory(JudgeMemory replacement) {
        return new JudgeProgram(instructions, demos, rules, replacement);
    }

    /**
     * True when {@code rule} (trimmed) is already an accepted rule or a paragraph of the instructions, so appending
     * it again would be an exact duplicate.
     */
    public boolean hasRule(String rule) {
        String wanted = rule.strip();
        if (rules.contains(wanted)) {
            return true;
        }
        for (String paragraph : instructions.split("\\R\\s*\\R")) {
            if (paragraph.strip().equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Appends {@code rule} (trimmed) to the instructions after a blank line, as DSPy's {@code append_a_rule}. */
    public JudgeProgram withRule(String rule) {
        String added = rule.strip();
        if (added.isEmpty()) {
            throw new IllegalArgumentException("a rule must not be blank");
        }
        List<String> more = new ArrayList<>(rules);
        more.add(added);
        return new JudgeProgram(instructions + "\n\n" + added, demos, more, memory);
    }

    public JudgeProgram withDemo(Demo demo) {
        List<Demo> more = new ArrayList<>(demos);
        more.add(demo);
        return new JudgeProgram(instructions, more, rules, memory);
    }

    public JudgeProgram withDemos(List<Demo> replacement) {
        return new JudgeProgram(instructions, replacement, rules, memory);
    }

    /** The same program without the demos at the given positions. */
    public JudgeProgram withoutDemosAt(Set<Integer> positions) {
        if (positions.isEmpty()) {
            return this;
        }
        List<Demo> kept = new ArrayList<>();
        for (int i = 0; i < demos.size(); i++) {
            if (!positions.contains(i)) {
                kept.add(demos.get(i));
            }
        }
        return new JudgeProgram(instructions, kept, rules, memory);
    }
}
