package dev.jury.judges;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceParamsTest {

    @Test
    void readsNumbersAndFormTextKeepingOnlyWhatIsSet() {
        var params = InferenceParams.parse(Map.of("temperature", "0.2", "max_tokens", 512, "top_p", ""));
        assertEquals(new BigDecimal("0.2"), params.temperature());
        assertEquals(512, params.maxTokens());
        assertEquals(null, params.topP());
        assertEquals(Map.of("temperature", new BigDecimal("0.2"), "max_tokens", 512), params.asMap());
        assertTrue(InferenceParams.parse(null).asMap().isEmpty());
    }

    @Test
    void boundsAreInclusive() {
        var params = InferenceParams.parse(Map.of("temperature", 2, "top_p", 0, "max_tokens", 1));
        assertEquals(0, params.temperature().compareTo(BigDecimal.valueOf(2)));
        assertEquals(0, params.topP().signum());
        assertEquals(1, params.maxTokens());
        assertEquals(0, InferenceParams.parse(Map.of("temperature", 0.0)).temperature().signum());
    }

    @Test
    void everyProblemIsReportedByField() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("temperature", -0.1);
        raw.put("max_tokens", 1.5);
        raw.put("top_p", "most");
        raw.put("seed", 7);
        var e = assertThrows(InvalidInferenceParamsException.class, () -> InferenceParams.parse(raw));
        assertEquals("temperature must be a number from 0 to 2; got -0.1.", e.errors().get("inference_params.temperature"));
        assertEquals("max_tokens must be a whole number greater than 0; got 1.5.",
                e.errors().get("inference_params.max_tokens"));
        assertEquals("top_p must be a number from 0 to 1; got 'most'.", e.errors().get("inference_params.top_p"));
        assertEquals("Unknown inference parameter 'seed'; the allowed ones are temperature, max_tokens, top_p.",
                e.errors().get("inference_params"));
    }

    @Test
    void wholeNumbersWrittenAsDecimalsAreAcceptedForMaxTokens() {
        assertEquals(256, InferenceParams.parse(Map.of("max_tokens", "256.0")).maxTokens());
        assertThrows(InvalidInferenceParamsException.class,
                () -> InferenceParams.parse(Map.of("max_tokens", "99999999999")));
        var nulls = new HashMap<String, Object>();
        nulls.put("temperature", null);
        assertTrue(InferenceParams.parse(nulls).asMap().isEmpty());
    }
}
