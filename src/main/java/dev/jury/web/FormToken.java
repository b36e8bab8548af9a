package dev.jury.web;

import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The request's CSRF token ({@link CsrfGuard}) for the templates: {@code {inject:csrf.token}} and
 * {@code {inject:csrf.parameterName}} in forms and in the layout's meta tag for htmx.
 * Error pages rendered before the guard ran have no forms; they get an empty token instead of failing to render.
 */
@RequestScoped
@Named("csrf")
public class FormToken {

    @Inject
    RoutingContext routing;

    public String getToken() {
        String token = routing == null ? null : routing.get(CsrfGuard.TOKEN);
        return token == null ? "" : token;
    }

    public String getParameterName() {
        return CsrfGuard.FIELD;
    }
}
