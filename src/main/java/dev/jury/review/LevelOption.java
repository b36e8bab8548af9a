package dev.jury.review;

import dev.jury.rubrics.RubricLevel;
import dev.jury.rubrics.RubricSpec;
import dev.jury.rubrics.RubricValues;

import java.util.ArrayList;
import java.util.List;

/**
 * One level of the rubric as a button on the review and adjudication pages (tag {@code levelOptions}): its key
 * (empty beyond 9), what it means, whether it is chosen.
 */
public record LevelOption(int index, String key, String value, String label, String definition,
                          boolean negative, boolean checked) {

    /** Levels 1…9 have a key; a longer scale's further levels are picked with the mouse or Tab. */
    private static final int KEYED_LEVELS = 9;

    public String id() {
        return "level-" + index;
    }

    /** The rubric's levels as buttons, in rubric order, with {@code chosen} (any spelling of a value) checked. */
    static List<LevelOption> listFor(RubricSpec spec, String chosen) {
        String canonical = chosen == null ? null : RubricValues.canonical(spec, chosen).orElse(null);
        var levels = new ArrayList<LevelOption>();
        for (int i = 0; i < spec.levels().size(); i++) {
            RubricLevel level = spec.levels().get(i);
            String value = level.value().strip();
            levels.add(new LevelOption(i, i < KEYED_LEVELS ? String.valueOf(i + 1) : "", value,
                    level.label() == null || level.label().isBlank() ? value : level.label(), level.definition(),
                    RubricValues.isNegative(spec, value), value.equals(canonical)));
        }
        return levels;
    }
}
