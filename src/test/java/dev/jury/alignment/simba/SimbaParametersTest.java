package dev.jury.alignment.simba;

import dev.jury.alignment.ParameterSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimbaParametersTest {

    @Test
    void defaultsAreDspysWithTheBatchCappedAtTheTrainSize() {
        SimbaParameters p = SimbaParameters.defaults();
        assertEquals(new SimbaParameters(32, 6, 8, 4, 0.2, 0.2, 100_000, 0.0), p);
        assertEquals(32, p.effectiveBatchSize(40));
        assertEquals(12, p.effectiveBatchSize(12));
    }

    @Test
    void budgetBoundIsTheFormula() {
        SimbaParameters p = SimbaParameters.defaults();
        // S·B·(C + min(B, C+1)) + (C+1)·N = 8·32·(6+7) + 7·40
        assertEquals(8L * 32 * 13 + 7 * 40, p.maxJudgeCalls(40));
        assertEquals(8L * 7, p.maxReflectionCalls(40));
        // a tiny train set: B = 3 < C+1 = 7, so K ≤ 3
        assertEquals(8L * 3 * (6 + 3) + 7 * 3, p.maxJudgeCalls(3));
        assertEquals(8L * 3, p.maxReflectionCalls(3));
    }

    @Test
    void readsTheAdminFormIncludingText() {
        SimbaParameters p = SimbaParameters.from(Map.of("batch_size", "10", "max_steps", 3,
                "temperature_for_sampling", "0.5", "seed", "0", "concurrency", "4", "max_demos", ""));
        assertEquals(10, p.batchSize());
        assertEquals(3, p.maxSteps());
        assertEquals(0.5, p.temperatureForSampling());
        assertEquals(4, p.maxDemos());
    }

    @Test
    void refusesUnknownNamesAndValuesOutOfRangeNamingThem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SimbaParameters.from(Map.of("bsize", 10)));
        assertTrue(unknown.getMessage().contains("'bsize'") && unknown.getMessage().contains("batch_size"));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> SimbaParameters.from(Map.of("num_candidates", 0)));
        assertEquals("num_candidates must be between 1 and 32, got 0", range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimbaParameters.from(Map.of("max_steps", "2.5")));
        assertThrows(IllegalArgumentException.class, () -> SimbaParameters.from(Map.of("temperature_for_candidates", 0)));
    }

    @Test
    void schemaDescribesEveryField() {
        assertEquals(10, SimbaParameters.SCHEMA.size());
        for (ParameterSpec spec : SimbaParameters.SCHEMA) {
            assertTrue(spec.name().matches("[a-z_]+"));
            assertTrue(!spec.help().isBlank());
            assertEquals(spec.defaultValue(), spec.parse(null), spec.name());
        }
        assertEquals(0L, ParameterSpec.SEED.parse("0"));
    }
}
