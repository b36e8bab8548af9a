package dev.jury.labels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JudgeNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"product_quality", "a", "judge_2", "_", "0123456789"})
    void acceptsLowerCaseDigitsAndUnderscores(String name) {
        assertEquals(Optional.empty(), LabelNames.validate(name));
    }

    @Test
    void acceptsSixtyFourCharactersButNotSixtyFive() {
        assertEquals(Optional.empty(), LabelNames.validate("a".repeat(64)));
        assertEquals(Optional.of("The judge name is 65 characters long; at most 64 are allowed."),
                LabelNames.validate("a".repeat(65)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesEmpty(String name) {
        assertEquals(Optional.of("The judge name must be a non-empty string, e.g. product_quality."),
                LabelNames.validate(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Product_Quality", "product-quality", "product quality", " product_quality", "qualité"})
    void refusesAnythingElse(String name) {
        assertEquals(Optional.of("'" + name + "' is not a valid judge name: use only lower-case letters a-z, digits "
                + "0-9 and underscores, e.g. product_quality."), LabelNames.validate(name));
    }
}
