package dev.jury.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The CSRF token of every page form and htmx request (docs/security.md, docs/configuration.md). */
@ConfigMapping(prefix = "jury.csrf")
public interface CsrfConfig {

    /**
     * HMAC-SHA256 key that signs the tokens (at least 32 characters). Every replica needs the same key, or a form
     * rendered by one is refused by another. The default is a demo value: set {@code JURY_CSRF_KEY} in production.
     */
    String signingKey();

    /** Marks the {@code csrf-token} cookie {@code Secure} (HTTPS deployments). */
    @WithDefault("false")
    boolean secureCookie();
}
