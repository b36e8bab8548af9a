package dev.jury.web;

/**
 * Which paths are machine APIs: {@code /api/**} (Jury's JSON API) and {@code /v1/**} (the OpenTelemetry OTLP/HTTP
 * receiver, whose path the protocol fixes). They take bearer tokens only, answer errors as documents rather than
 * pages, and need no CSRF token.
 */
public final class ApiPaths {

    private ApiPaths() {
    }

    public static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals("/api") || path.startsWith("/v1/");
    }
}
