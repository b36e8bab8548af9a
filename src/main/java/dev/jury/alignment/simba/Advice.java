package dev.jury.alignment.simba;

import java.util.Objects;

/**
 * What the reflection model proposes for one bucket.
 *
 * @param discussion where the worse run went wrong (logged, not kept on the judge)
 * @param advice     one rule, "If the judge sees &lt;pattern&gt;, it should &lt;behaviour&gt;"; never blank
 */
public record Advice(String discussion, String advice) {

    public Advice {
        discussion = discussion == null ? "" : discussion.strip();
        Objects.requireNonNull(advice, "advice");
        advice = advice.strip();
        if (advice.isEmpty()) {
            throw new IllegalArgumentException("advice must not be blank");
        }
    }
}
