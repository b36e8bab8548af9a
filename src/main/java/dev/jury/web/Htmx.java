package dev.jury.web;

import jakarta.ws.rs.core.HttpHeaders;

/** The one place that knows how htmx talks to the server (see style.md "One handler, two answers"). */
public final class Htmx {

    public static final String REQUEST = "HX-Request";
    public static final String PUSH_URL = "HX-Push-Url";
    public static final String TRIGGER = "HX-Trigger";
    public static final String REDIRECT = "HX-Redirect";

    private Htmx() {
    }

    public static boolean isHtmx(HttpHeaders headers) {
        return headers != null && "true".equalsIgnoreCase(headers.getHeaderString(REQUEST));
    }
}
