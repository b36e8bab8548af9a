package dev.jury.web;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The CSRF token for the layout's meta tag. Error pages rendered from an exception mapper run before the CSRF
 * filter has made a token; they have no forms, so they simply get none instead of failing to render.
 */
@RequestScoped
@Named("formToken")
public class FormToken {

    @Inject
    CsrfTokenParameterProvider csrf;

    public String value() {
        try {
            return csrf.getToken();
        } catch (IllegalStateException noTokenOnThisRequest) {
            return "";
        }
    }
}
