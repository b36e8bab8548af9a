package dev.jury.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A one-shot message carried across a Post/Redirect/Get in a short-lived cookie, shown by the layout's flash
 * region on the next page and then cleared by {@link FlashCookieFilter}.
 */
@RequestScoped
@Named("flash")
public class Flash {

    static final String COOKIE = "jury-flash";

    @Inject
    HttpHeaders headers;

    private boolean consumed;

    /** The pending message, or {@code null}. Reading it marks it shown. */
    public String message() {
        var cookie = headers.getCookies().get(COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return null;
        }
        consumed = true;
        return URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8);
    }

    boolean consumed() {
        return consumed;
    }

    /** A 303 redirect to {@code location} that shows {@code message} on the next page. */
    public static Response redirect(String location, String message) {
        return redirectBuilder(location, message).build();
    }

    static Response.ResponseBuilder redirectBuilder(String location, String message) {
        return Response.seeOther(URI.create(location)).cookie(cookie(message, 60));
    }

    static NewCookie cookie(String message, int maxAge) {
        return new NewCookie.Builder(COOKIE)
                .value(message == null ? "" : URLEncoder.encode(message, StandardCharsets.UTF_8))
                .path("/").maxAge(maxAge).httpOnly(true).sameSite(NewCookie.SameSite.LAX).build();
    }
}
