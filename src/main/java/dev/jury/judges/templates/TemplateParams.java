package dev.jury.judges.templates;

import java.util.List;

/**
 * What the admin supplies to a template; each may be null.
 *
 * @param guidelines global guidelines, one per entry (the guideline judge)
 * @param criterion  what a 1–5 judge rates (the custom score judge)
 * @param threshold  a score above it is {@code yes}; null means {@value ScoreScale#DEFAULT_THRESHOLD}
 */
public record TemplateParams(List<String> guidelines, String criterion, Integer threshold) {

    public static TemplateParams none() {
        return new TemplateParams(List.of(), null, null);
    }
}
