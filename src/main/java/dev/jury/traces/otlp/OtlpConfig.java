package dev.jury.traces.otlp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** OTLP trace ingest (docs/production.md, docs/configuration.md); body size limits are {@code jury.traces.*}. */
@ConfigMapping(prefix = "jury.otlp")
public interface OtlpConfig {

    /**
     * How long spans whose root span has not arrived wait for it. Exporters send a trace's spans as they end, so
     * children normally arrive seconds before their root; what is still waiting after this is dropped.
     */
    @WithDefault("1h")
    Duration pendingTtl();
}
