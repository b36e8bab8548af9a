package dev.jury.rubrics;

import java.math.BigDecimal;
import java.util.List;

/**
 * The content of one rubric version, independent of storage.
 *
 * @param kind                value type
 * @param levels              ordered best → worst for categorical; for numeric, the scale points
 * @param guidelines          free text shown beside every item
 * @param rationaleRequired   whether a label needs a rationale
 * @param minRationaleLength  minimum rationale length in characters when required (0 = any non-blank)
 * @param passThreshold       numeric rubrics only: values below it are negative; {@code null} otherwise
 */
public record RubricSpec(RubricKind kind, List<RubricLevel> levels, String guidelines, boolean rationaleRequired,
                         int minRationaleLength, BigDecimal passThreshold) {

    public RubricSpec {
        levels = List.copyOf(levels);
        guidelines = guidelines == null ? "" : guidelines;
    }
}
