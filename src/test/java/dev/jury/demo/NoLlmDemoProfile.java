package dev.jury.demo;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A fresh install as a new user gets it: no LLM provider configured at all, and the demo data loaded at start (as
 * {@code deploy/local/up.sh} does). The demo judges then run on the offline embedded model.
 */
public class NoLlmDemoProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "%test.jury.llm.providers.openai.base-url", "",
                "jury.llm.providers.openai.base-url", "",
                "%test.jury.demo.enabled", "true",
                "jury.demo.enabled", "true");
    }
}
