package dev.jury.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Clears the flash cookie once a page has shown its message. */
public class FlashCookieFilter {

    @Inject
    Flash flash;

    @ServerResponseFilter
    public void clearShownFlash(ContainerResponseContext response) {
        var cookies = response.getHeaders().get(HttpHeaders.SET_COOKIE);
        boolean setsFlash = cookies != null
                && cookies.stream().anyMatch(c -> String.valueOf(c).startsWith(Flash.COOKIE + "="));
        if (flash.consumed() && !setsFlash) {
            response.getHeaders().add(HttpHeaders.SET_COOKIE, Flash.cookie("", 0));
        }
    }
}
