package dev.jury.production;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringFilterTest {

    @Test
    void emptyMatchesEverything() {
        assertTrue(ScoringFilter.parse("").matches(Map.of(), "api"));
        assertTrue(ScoringFilter.parse(null).matches(Map.of("env", "dev"), "otlp"));
        assertTrue(ScoringFilter.parse("   ").matches(Map.of(), null));
    }

    @Test
    void tagEqualityInEveryQuoting() {
        for (String text : new String[]{"tags.env = 'prod'", "tags.env=\"prod\"", "tags.env = prod", "tags.env == prod"}) {
            var f = ScoringFilter.parse(text);
            assertTrue(f.matches(Map.of("env", "prod"), "api"), text);
            assertFalse(f.matches(Map.of("env", "dev"), "api"), text);
            assertFalse(f.matches(Map.of(), "api"), text);
        }
    }

    @Test
    void conditionsJoinWithAndAndInequalityMatchesMissingTags() {
        var f = ScoringFilter.parse("tags.env = 'prod' AND source = 'otlp' and tags.team != 'qa'");
        assertEquals(3, f.conditions().size());
        assertTrue(f.matches(Map.of("env", "prod"), "otlp"));
        assertTrue(f.matches(Map.of("env", "prod", "team", "search"), "otlp"));
        assertFalse(f.matches(Map.of("env", "prod", "team", "qa"), "otlp"));
        assertFalse(f.matches(Map.of("env", "prod"), "api"));
    }

    @Test
    void quotedValuesKeepSpacesAndKeysMayHaveDotsAndDashes() {
        var f = ScoringFilter.parse("tags.service.name = 'support bot' AND tags.deploy-ring = canary");
        assertTrue(f.matches(Map.of("service.name", "support bot", "deploy-ring", "canary"), "otlp"));
        assertFalse(f.matches(Map.of("service.name", "support", "deploy-ring", "canary"), "otlp"));
    }

    @Test
    void badFiltersAreRefusedWithWhatWasExpected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("env = prod"))
                .getMessage().contains("Unknown field 'env'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.env prod"))
                .getMessage().contains("Expected = or !="));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.env = 'prod"))
                .getMessage().contains("Unclosed quote"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.env = prod OR tags.a = b"))
                .getMessage().contains("Expected AND"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.env ="))
                .getMessage().contains("Expected a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags. = x"))
                .getMessage().contains("Expected tags.<key> or source"));
        assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.a = b AND"));
        assertThrows(IllegalArgumentException.class, () -> ScoringFilter.parse("tags.a = " + "x".repeat(1_000)));
    }
}
